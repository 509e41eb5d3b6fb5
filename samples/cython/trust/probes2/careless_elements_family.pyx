from libc.stdlib cimport malloc, free
from cpython.mem cimport PyMem_Malloc, PyMem_Free

cdef class Rows:
    cdef char** rows
    cdef int n

    def __cinit__(self, int n):
        cdef int i
        self.rows = <char**>malloc(n * sizeof(char*))
        if self.rows == NULL:
            raise MemoryError()
        self.n = n
        for i in range(n):
            self.rows[i] = <char*>PyMem_Malloc(64)

    def __dealloc__(self):
        cdef int i
        for i in range(self.n):
            # The planted bug: CY002 PyMem rows freed by free
            free(self.rows[i])  # expect: CY002
        free(self.rows)
