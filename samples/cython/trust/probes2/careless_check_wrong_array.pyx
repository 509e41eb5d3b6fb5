from libc.stdlib cimport malloc, free

def pairs(int n, size_t size):
    cdef char* keys[64]
    cdef char* vals[64]
    cdef int i
    if n > 64:
        raise ValueError()
    for i in range(n):
        keys[i] = <char*>malloc(size)
        # The planted bug: CY001 vals never checked
        vals[i] = <char*>malloc(size)  # expect: CY001
    for i in range(n):
        if keys[i] == NULL:
            raise MemoryError()
    keys[0][0] = 1
    vals[0][0] = 1
    for i in range(n):
        free(keys[i])
        free(vals[i])
