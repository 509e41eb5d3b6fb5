from libc.stdlib cimport malloc, free

cdef char* render(int n) except NULL:
    cdef char* out = <char*>malloc(n + 1)
    cdef char* scratch
    if out == NULL:
        raise MemoryError()
    scratch = <char*>malloc(n)
    if scratch == NULL:
        free(out)
        raise MemoryError()
    try:
        if n < 0:
            free(out)
            return NULL
        out[0] = 0
    finally:
        free(scratch)
    return out

def show(int n):
    cdef char* s = render(n)
    try:
        return s[0]
    finally:
        free(s)
