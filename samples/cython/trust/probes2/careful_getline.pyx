from libc.stdio cimport FILE, fopen, fclose, getline
from libc.stdlib cimport free

def count_lines(bytes path):
    cdef FILE* f = fopen(path, "r")
    cdef char* line = NULL
    cdef size_t cap = 0
    cdef Py_ssize_t n = 0
    if f == NULL:
        raise OSError()
    try:
        while getline(&line, &cap, f) != -1:
            n += 1
    finally:
        free(line)
        fclose(f)
    return n
