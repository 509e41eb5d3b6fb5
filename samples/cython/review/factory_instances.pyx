# The static-factory idiom: a new instance filled in by a function of the module or a
# static method; its attributes are the class's.
from libc.stdlib cimport malloc, free


cdef class Leaky:
    cdef int* _ptr

    @staticmethod
    cdef Leaky create(int n):
        cdef Leaky w = Leaky.__new__(Leaky)
        w._ptr = <int*>malloc(n)  # expect: CY004
        if w._ptr == NULL:
            raise MemoryError()
        return w


cdef class Owned:
    cdef int* _ptr

    @staticmethod
    cdef Owned create(int n):
        cdef Owned w = Owned.__new__(Owned)
        w._ptr = <int*>malloc(n)
        if w._ptr == NULL:
            raise MemoryError()
        return w

    def __dealloc__(self):
        free(self._ptr)


cdef class FilledOutside:
    cdef int* _ptr


cdef FilledOutside make_filled(int n):
    cdef FilledOutside w = FilledOutside.__new__(FilledOutside)
    w._ptr = <int*>malloc(n)  # expect: CY004
    if w._ptr == NULL:
        raise MemoryError()
    return w
