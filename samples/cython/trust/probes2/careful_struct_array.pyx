from libc.stdlib cimport malloc, free

ctypedef struct Field:
    char* name
    int width

def fields(list names):
    cdef int n = len(names), i
    cdef Field* fs = <Field*>malloc(n * sizeof(Field))
    if fs == NULL:
        raise MemoryError()
    for i in range(n):
        fs[i].name = NULL
    try:
        for i in range(n):
            fs[i].name = <char*>malloc(16)
            if fs[i].name == NULL:
                raise MemoryError()
            fs[i].width = 16
        return n
    finally:
        for i in range(n):
            free(fs[i].name)
        free(fs)
