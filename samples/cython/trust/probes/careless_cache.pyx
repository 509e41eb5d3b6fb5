from libc.stdlib cimport malloc, free, realloc
from cpython.mem cimport PyMem_Malloc, PyMem_Free

cdef class Cache:
    cdef char** keys
    cdef int* hits
    cdef int size
    cdef int mode

    def __cinit__(self, int size, bint counting):
        self.size = size
        self.keys = <char**>PyMem_Malloc(size * sizeof(char*))
        if self.keys == NULL:
            raise MemoryError()
        if counting:
            self.mode = 1
            self.hits = <int*>malloc(size * sizeof(int))  # expect: CY004
            if self.hits == NULL:
                raise MemoryError()
        else:
            self.mode = 0

    def disable_counting(self):
        self.mode = 2

    def grow(self, int size):
        self.keys = <char**>realloc(self.keys, size * sizeof(char*))  # expect: CY002, CY003
        self.size = size

    def __dealloc__(self):
        if self.mode == 1:
            free(self.hits)
        PyMem_Free(self.keys)  # expect: CY002
