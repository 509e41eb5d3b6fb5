from libc.stdlib cimport malloc, free

cdef int work(int n) noexcept nogil:
    cdef int rc = -1
    cdef int* a = NULL
    cdef int* b = NULL
    a = <int*>malloc(n * sizeof(int))
    if a == NULL:
        return rc
    b = <int*>malloc(n * sizeof(int))
    if b == NULL:
        free(a)
        return rc
    a[0] = b[0] = 0
    rc = 0
    free(b)
    free(a)
    return rc
