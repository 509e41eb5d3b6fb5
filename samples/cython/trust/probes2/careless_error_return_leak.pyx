from libc.stdlib cimport malloc, free

cdef int load(const char* path, int** out) except -1:
    cdef int* data = <int*>malloc(1024 * sizeof(int))  # expect: CY007
    if data == NULL:
        raise MemoryError()
    if path[0] == 0:
        # The planted bug: CY007 data leaks on the error return
        return -1
    data[0] = 1
    out[0] = data
    return 0
