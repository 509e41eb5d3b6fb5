# `__cinit__` fills an attribute with a block on every path that returns, and the method
# that runs right after it (`__init__`, or `__setstate__` when unpickling) stores a new
# block there without freeing the first: that block is lost.
from libc.stdlib cimport malloc, free


cdef class Buffer:
    cdef char* buf

    def __cinit__(self):
        self.buf = <char*>malloc(16)
        if self.buf == NULL:
            raise MemoryError()

    def __init__(self, size_t n):
        self.buf = <char*>malloc(n)  # expect: CY007
        if self.buf == NULL:
            raise MemoryError()

    def __dealloc__(self):
        free(self.buf)


cdef class Histogram:
    cdef int* items
    cdef int n

    def __cinit__(self):
        self.n = 4
        self.items = <int*>malloc(4 * sizeof(int))
        if self.items == NULL:
            raise MemoryError()

    def __setstate__(self, state):
        self.n = len(state)
        self.items = <int*>malloc(self.n * sizeof(int))  # expect: CY007
        if self.items == NULL:
            raise MemoryError()

    def __dealloc__(self):
        free(self.items)


cdef class Resized:
    cdef double* data

    def __cinit__(self, size_t n):
        self.data = <double*>malloc(8 * sizeof(double))
        if self.data == NULL:
            raise MemoryError()

    def __init__(self, size_t n, bint exact):
        if exact:
            free(self.data)
        # freed only when `exact` is true
        self.data = <double*>malloc(n * sizeof(double))  # expect: CY007
        if self.data == NULL:
            raise MemoryError()

    def __dealloc__(self):
        free(self.data)
