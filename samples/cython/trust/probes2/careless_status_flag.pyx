from libc.stdlib cimport malloc, free

cdef int compute(int n) noexcept nogil:
    cdef double* a = <double*>malloc(n * sizeof(double))
    cdef double* b = <double*>malloc(n * sizeof(double))  # expect: CY001
    cdef int failed = 0
    cdef int i
    if a == NULL:
        failed = 1
    if failed:
        free(a)
        free(b)
        return -1
    for i in range(n):
        a[i] = i
        # The planted bug: CY001 b never checked
        b[i] = 2 * i
    free(a)
    free(b)
    return 0
