# A jagged matrix: the row table and each row from malloc, freed row by row in
# __dealloc__; but add_row() replaces a row with a PyMem block.
from libc.stdlib cimport malloc, free
from cpython.mem cimport PyMem_Malloc

cdef class Jagged:
    cdef double** rows
    cdef int n

    def __cinit__(self, list lengths):
        cdef int i
        self.n = len(lengths)
        self.rows = <double**>malloc(self.n * sizeof(double*))
        if self.rows == NULL:
            raise MemoryError()
        for i in range(self.n):
            self.rows[i] = <double*>malloc(lengths[i] * sizeof(double))
            if self.rows[i] == NULL:
                raise MemoryError()

    def add_row(self, int length):
        self.rows[0] = <double*>PyMem_Malloc(length * sizeof(double))

    def __dealloc__(self):
        cdef int i
        for i in range(self.n):
            free(self.rows[i])  # expect: CY002
        free(self.rows)
