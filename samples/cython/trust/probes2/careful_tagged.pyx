from libc.stdlib cimport malloc, free
from libc.string cimport memcpy

cdef enum Kind:
    EMPTY = 0
    INLINE = 1
    HEAP = 2

cdef class SmallString:
    cdef char inline_buf[16]
    cdef char* heap
    cdef Py_ssize_t length
    cdef Kind kind

    def __cinit__(self):
        self.kind = EMPTY
        self.heap = NULL
        self.length = 0

    def assign(self, bytes value):
        cdef Py_ssize_t n = len(value)
        if self.kind == HEAP:
            free(self.heap)
            self.heap = NULL
        if n < 16:
            memcpy(self.inline_buf, <char*>value, n)
            self.kind = INLINE
        else:
            self.heap = <char*>malloc(n + 1)
            if self.heap == NULL:
                self.kind = EMPTY
                raise MemoryError()
            memcpy(self.heap, <char*>value, n)
            self.kind = HEAP
        self.length = n

    def __dealloc__(self):
        if self.kind == HEAP:
            free(self.heap)
