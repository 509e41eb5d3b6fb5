from libc.stdlib cimport malloc, free, calloc

cdef class Matrix:
    cdef double** rows
    cdef Py_ssize_t n_rows, n_cols

    def __cinit__(self, Py_ssize_t n_rows, Py_ssize_t n_cols):
        cdef Py_ssize_t i
        self.rows = NULL
        self.n_rows = 0
        self.rows = <double**>calloc(n_rows, sizeof(double*))
        if self.rows == NULL:
            raise MemoryError()
        self.n_rows = n_rows
        self.n_cols = n_cols
        for i in range(n_rows):
            self.rows[i] = <double*>calloc(n_cols, sizeof(double))
            if self.rows[i] == NULL:
                raise MemoryError()

    def get(self, Py_ssize_t i, Py_ssize_t j):
        return self.rows[i][j]

    def __dealloc__(self):
        cdef Py_ssize_t i
        if self.rows != NULL:
            for i in range(self.n_rows):
                free(self.rows[i])
            free(self.rows)
