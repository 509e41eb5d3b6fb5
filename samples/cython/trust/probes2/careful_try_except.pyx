from libc.stdlib cimport malloc, free

cdef int parse_into(const char* s, int* out) except -1:
    if s[0] == 0:
        raise ValueError("empty")
    out[0] = s[0]
    return 0

def parse_all(list items):
    cdef int* out = <int*>malloc(len(items) * sizeof(int))
    cdef Py_ssize_t i
    if out == NULL:
        raise MemoryError()
    try:
        for i in range(len(items)):
            parse_into(items[i], &out[i])
    except ValueError:
        free(out)
        return None
    except:
        free(out)
        raise
    result = [out[i] for i in range(len(items))]
    free(out)
    return result
