from libc.stdlib cimport malloc, free

cdef class Owner:
    cdef char* buf

    def __cinit__(self):
        self.buf = NULL

    cdef char* steal(self):
        cdef char* out = self.buf
        self.buf = NULL
        return out

    def fill(self, size_t n):
        free(self.buf)
        self.buf = <char*>malloc(n)
        if self.buf == NULL:
            raise MemoryError()

    def __dealloc__(self):
        free(self.buf)

def take(Owner o):
    cdef char* p = o.steal()
    free(p)
