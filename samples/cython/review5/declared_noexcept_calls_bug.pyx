# What the declaration lets raise is still counted: a method that is not `noexcept`
# (Cython 3 propagates by default), and a function pointer type declared without
# `noexcept` outside an extern block.
from libc.stdlib cimport malloc, free

ctypedef int (*raising_t)(int) except -1


cdef int checked(int x) except -1:
    if x < 0:
        raise ValueError()
    return x


cdef class Counter:
    cdef int n

    cdef int get(self) except -1:
        if self.n < 0:
            raise ValueError()
        return self.n

    def compute(self):
        return self.n


def typed_local(obj, int n):
    cdef Counter c = obj
    cdef double* p = <double*>malloc(n * sizeof(double))  # expect: CY008
    if p == NULL:
        raise MemoryError()
    p[0] = c.get()
    free(p)


def cast_receiver(obj, int n):
    cdef double* p = <double*>malloc(n * sizeof(double))  # expect: CY008
    if p == NULL:
        raise MemoryError()
    p[0] = (<Counter>obj).compute()
    free(p)


def raising_pointer(int n):
    cdef raising_t f = checked
    cdef double* p = <double*>malloc(n * sizeof(double))  # expect: CY008
    if p == NULL:
        raise MemoryError()
    p[0] = f(3)
    free(p)
