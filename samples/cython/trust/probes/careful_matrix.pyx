# cython: language_level=3
from libc.stdlib cimport malloc, calloc, free
from libc.string cimport memcpy, memset

cdef class Matrix:
    cdef double* data
    cdef Py_ssize_t rows, cols
    cdef bint owns_data

    def __cinit__(self, Py_ssize_t rows, Py_ssize_t cols):
        self.rows = rows
        self.cols = cols
        self.owns_data = True
        self.data = <double*>calloc(rows * cols, sizeof(double))
        if self.data is NULL:
            raise MemoryError()

    cdef void set_external(self, double* data):
        if self.owns_data:
            free(self.data)
        self.data = data
        self.owns_data = False

    def copy(self):
        cdef Matrix other = Matrix(self.rows, self.cols)
        memcpy(other.data, self.data, self.rows * self.cols * sizeof(double))
        return other

    def __dealloc__(self):
        if self.owns_data and self.data is not NULL:
            free(self.data)
            self.data = NULL


cdef class Workspace:
    cdef int* scratch
    cdef double* values
    cdef int state

    def __cinit__(self, int n):
        self.state = 0
        self.scratch = <int*>malloc(n * sizeof(int))
        self.values = <double*>malloc(n * sizeof(double))
        if self.scratch == NULL or self.values == NULL:
            free(self.scratch)
            free(self.values)
            self.scratch = NULL
            self.values = NULL
            raise MemoryError()
        self.state = 1

    def reset(self):
        self.state = 2

    def __dealloc__(self):
        if self.state != 0:
            free(self.scratch)
            free(self.values)
