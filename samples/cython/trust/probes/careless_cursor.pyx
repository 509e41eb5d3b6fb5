# A cursor attribute that points into the buffer another attribute owns; __dealloc__
# frees both, which frees the same block twice (or frees an interior pointer).
from libc.stdlib cimport malloc, free

cdef class Scanner:
    cdef char* start
    cdef char* cursor

    def __cinit__(self, Py_ssize_t n):
        self.start = <char*>malloc(n)
        if self.start == NULL:
            raise MemoryError()
        self.cursor = self.start

    def advance(self):
        self.cursor += 1

    def __dealloc__(self):
        free(self.start)
        free(self.cursor)  # expect: CY005
