from libc.stdlib cimport malloc, free

cdef class Reader:
    cdef char* buf
    cdef bint closed

    def __cinit__(self, size_t n):
        self.buf = <char*>malloc(n)
        if self.buf == NULL:
            raise MemoryError()
        self.closed = False

    def close(self):
        # The planted bug: CY005 with __dealloc__ (no NULL reset)
        free(self.buf)
        self.closed = True

    def __dealloc__(self):
        free(self.buf)  # expect: CY005
