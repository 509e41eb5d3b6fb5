# The same kernel in a parallel loop, one scratch row per thread, none of them checked.
from libc.stdlib cimport malloc, free
from cython.parallel cimport prange, parallel
cimport cython

@cython.boundscheck(False)
@cython.wraparound(False)
def smooth(double[:, ::1] grid):
    cdef Py_ssize_t rows = grid.shape[0], cols = grid.shape[1], i, j
    cdef double* scratch
    with nogil, parallel():
        scratch = <double*>malloc(cols * sizeof(double))  # expect: CY001
        for i in prange(rows):
            for j in range(cols):
                scratch[j] = grid[i, j]
            for j in range(1, cols - 1):
                grid[i, j] = (scratch[j - 1] + scratch[j] + scratch[j + 1]) / 3.0
        free(scratch)
