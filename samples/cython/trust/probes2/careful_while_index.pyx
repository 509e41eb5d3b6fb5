from libc.stdlib cimport malloc, free

def make(int n, size_t size):
    cdef char** bufs = <char**>malloc(n * sizeof(char*))
    cdef int i = 0
    if bufs == NULL:
        raise MemoryError()
    for i in range(n):
        bufs[i] = <char*>malloc(size)
        if bufs[i] == NULL:
            while i > 0:
                i -= 1
                free(bufs[i])
            free(bufs)
            raise MemoryError()
    for i in range(n):
        bufs[i][0] = 0
    for i in range(n):
        free(bufs[i])
    free(bufs)
