from libc.stdlib cimport malloc, free
from cpython.mem cimport PyMem_Malloc, PyMem_Free

cdef class Blob:
    cdef char* data
    cdef int owned

    def __cinit__(self, size_t n):
        self.data = <char*>PyMem_Malloc(n)
        if self.data == NULL:
            raise MemoryError()
        self.owned = 1

    def __dealloc__(self):
        if self.owned == 1:
            # The planted bug: CY002 (PyMem block, libc free)
            free(self.data)  # expect: CY002
