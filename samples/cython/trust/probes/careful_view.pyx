# An array exposed as a memoryview of memory the object owns; the view keeps the object
# alive, the object frees the block.
from cpython.mem cimport PyMem_Malloc, PyMem_Free
cimport cython

cdef class Grid:
    cdef double* cells
    cdef Py_ssize_t rows, cols

    def __cinit__(self, Py_ssize_t rows, Py_ssize_t cols):
        cdef Py_ssize_t i
        self.cells = <double*>PyMem_Malloc(rows * cols * sizeof(double))
        if self.cells == NULL:
            raise MemoryError()
        self.rows = rows
        self.cols = cols
        for i in range(rows * cols):
            self.cells[i] = 0.0

    @cython.boundscheck(False)
    def row(self, Py_ssize_t r):
        cdef double[::1] view = <double[:self.cols]>(self.cells + r * self.cols)
        return view

    def __dealloc__(self):
        PyMem_Free(self.cells)
