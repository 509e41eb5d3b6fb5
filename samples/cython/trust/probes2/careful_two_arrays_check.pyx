from libc.stdlib cimport malloc, free

def compute(int n, size_t m):
    cdef double* xs[16]
    cdef double* ys[16]
    cdef int i
    if n > 16:
        raise ValueError()
    for i in range(n):
        xs[i] = <double*>malloc(m * sizeof(double))
        ys[i] = <double*>malloc(m * sizeof(double))
    for i in range(n):
        if xs[i] == NULL or ys[i] == NULL:
            for i in range(n):
                free(xs[i])
                free(ys[i])
            raise MemoryError()
    for i in range(n):
        xs[i][0] = 1
        ys[i][0] = 2
    for i in range(n):
        free(xs[i])
        free(ys[i])
