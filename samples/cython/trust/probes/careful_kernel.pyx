# A nogil smoothing kernel: the scratch row is allocated without the GIL, checked, and
# freed in a finally whatever happens.
from libc.stdlib cimport malloc, free
cimport cython

@cython.boundscheck(False)
@cython.wraparound(False)
def smooth(double[:, ::1] grid, int passes):
    cdef Py_ssize_t rows = grid.shape[0], cols = grid.shape[1], i, j
    cdef int p
    cdef double* scratch
    with nogil:
        scratch = <double*>malloc(cols * sizeof(double))
        if scratch == NULL:
            with gil:
                raise MemoryError()
        try:
            for p in range(passes):
                for i in range(rows):
                    for j in range(cols):
                        scratch[j] = grid[i, j]
                    for j in range(1, cols - 1):
                        grid[i, j] = (scratch[j - 1] + scratch[j] + scratch[j + 1]) / 3.0
        finally:
            free(scratch)
