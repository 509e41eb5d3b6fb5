# What `__init__` and `__setstate__` may do with an attribute `__cinit__` fills: free the
# old block first (also behind a NULL test), keep it elsewhere and free it after, resize
# it with `realloc`, or fill it only where it is NULL. An attribute `__cinit__` leaves
# NULL, or fills on some paths only, owns nothing certain.
from libc.stdlib cimport malloc, free, realloc


cdef class FreedFirst:
    cdef char* buf

    def __cinit__(self):
        self.buf = <char*>malloc(16)
        if self.buf == NULL:
            raise MemoryError()

    def __init__(self, size_t n):
        free(self.buf)
        self.buf = <char*>malloc(n)
        if self.buf == NULL:
            raise MemoryError()

    def __setstate__(self, state):
        if self.buf != NULL:
            free(self.buf)
        self.buf = <char*>malloc(len(state))
        if self.buf == NULL:
            raise MemoryError()

    def __dealloc__(self):
        free(self.buf)


cdef class KeptAside:
    cdef char* buf

    def __cinit__(self):
        self.buf = <char*>malloc(16)
        if self.buf == NULL:
            raise MemoryError()

    def __init__(self, size_t n):
        cdef char* old = self.buf
        self.buf = <char*>malloc(n)
        free(old)
        if self.buf == NULL:
            raise MemoryError()

    def __dealloc__(self):
        free(self.buf)


cdef class Resized:
    cdef double* data

    def __cinit__(self):
        self.data = <double*>malloc(8 * sizeof(double))
        if self.data == NULL:
            raise MemoryError()

    def __init__(self, size_t n):
        cdef double* grown = <double*>realloc(self.data, n * sizeof(double))
        if grown == NULL:
            raise MemoryError()
        self.data = grown

    def __dealloc__(self):
        free(self.data)


cdef class Lazy:
    cdef char* buf
    cdef char* scratch

    def __cinit__(self, bint eager):
        self.buf = NULL
        if eager:
            self.scratch = <char*>malloc(64)
            if self.scratch == NULL:
                raise MemoryError()

    def __init__(self, bint eager):
        if self.buf == NULL:
            self.buf = <char*>malloc(32)
            if self.buf == NULL:
                raise MemoryError()
        self.scratch = <char*>malloc(128)
        if self.scratch == NULL:
            raise MemoryError()

    def __dealloc__(self):
        free(self.buf)
        free(self.scratch)



cdef class Cleared:
    cdef char* buf

    def __cinit__(self):
        self.buf = <char*>malloc(16)
        if self.buf == NULL:
            raise MemoryError()

    def _clear(self, bint release):
        if release:
            free(self.buf)
            self.buf = NULL

    def __init__(self, size_t n):
        self._clear(True)
        self.buf = <char*>malloc(n)
        if self.buf == NULL:
            raise MemoryError()

    def __dealloc__(self):
        free(self.buf)
