# Calls whose declaration says they cannot raise: a `noexcept` function pointer held in an
# attribute, a local or a parameter; a `noexcept` method of an object whose class the code
# declares (a typed local, whatever initializes it, a cast, a static method called
# through its class).
from libc.stdlib cimport malloc, free

ctypedef double (*cb_t)(double) noexcept nogil


cdef double square(double x) noexcept nogil:
    return x * x


cdef class Counter:
    cdef int n
    cdef cb_t callback

    def __cinit__(self):
        self.callback = square

    cdef int get(self) noexcept:
        return self.n

    @staticmethod
    cdef int twice(int x) noexcept:
        return x * 2

    def run(self, int n):
        cdef double* p = <double*>malloc(n * sizeof(double))
        if p == NULL:
            raise MemoryError()
        p[0] = self.callback(2.0)
        free(p)


def local_pointer(int n):
    cdef cb_t f = square
    cdef double (*g)(double) noexcept nogil
    g = square
    cdef double* p = <double*>malloc(n * sizeof(double))
    if p == NULL:
        raise MemoryError()
    p[0] = f(3.0) + g(1.0)
    free(p)


cdef double through_parameter(cb_t f, int n) except -1:
    cdef double* p = <double*>malloc(n * sizeof(double))
    if p == NULL:
        raise MemoryError()
    p[0] = f(3.0)
    cdef double r = p[0]
    free(p)
    return r


def cast_receiver(obj, int n):
    cdef double* p = <double*>malloc(n * sizeof(double))
    if p == NULL:
        raise MemoryError()
    p[0] = (<Counter>obj).get() + (<Counter?>obj).get()
    free(p)


def typed_local(obj, int n):
    cdef Counter c = obj
    cdef Counter d = Counter()
    cdef double* p = <double*>malloc(n * sizeof(double))
    if p == NULL:
        raise MemoryError()
    p[0] = c.get() + d.get() + c.callback(1.0)
    free(p)


def static_method(int n):
    cdef double* p = <double*>malloc(n * sizeof(double))
    if p == NULL:
        raise MemoryError()
    p[0] = Counter.twice(3)
    free(p)
