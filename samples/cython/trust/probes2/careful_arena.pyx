from libc.stdlib cimport malloc, free

ctypedef struct Chunk:
    Chunk* prev
    size_t used
    size_t size
    char* data

cdef class Arena:
    cdef Chunk* top

    def __cinit__(self):
        self.top = NULL

    cdef void* alloc(self, size_t n) except NULL:
        cdef Chunk* c = self.top
        cdef void* out
        if c == NULL or c.used + n > c.size:
            c = <Chunk*>malloc(sizeof(Chunk))
            if c == NULL:
                raise MemoryError()
            c.size = max(n, 4096)
            c.data = <char*>malloc(c.size)
            if c.data == NULL:
                free(c)
                raise MemoryError()
            c.used = 0
            c.prev = self.top
            self.top = c
        out = c.data + c.used
        c.used += n
        return out

    def __dealloc__(self):
        cdef Chunk* prev
        while self.top != NULL:
            prev = self.top.prev
            free(self.top.data)
            free(self.top)
            self.top = prev
