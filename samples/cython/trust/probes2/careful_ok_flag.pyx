from libc.stdlib cimport malloc, free

def build(int n):
    cdef double* a = <double*>malloc(n * sizeof(double))
    cdef double* b = <double*>malloc(n * sizeof(double))
    cdef bint ok = a != NULL and b != NULL
    if not ok:
        free(a)
        free(b)
        raise MemoryError()
    a[0] = 1
    b[0] = 2
    r = a[0] + b[0]
    free(a)
    free(b)
    return r
