from libc.stdlib cimport malloc, free

cdef int scale(double* x, int n) noexcept nogil:
    cdef double* tmp = <double*>malloc(n * sizeof(double))  # expect: CY001
    cdef int rc = 0
    cdef int i
    if tmp == NULL:
        rc = -1
    # The planted bug: CY001 rc not tested before use
    for i in range(n):
        tmp[i] = 2 * x[i]
    free(tmp)
    return rc
