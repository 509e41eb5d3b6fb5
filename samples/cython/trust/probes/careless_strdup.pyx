# Names copied with strdup and never checked; one of them released with PyMem_Free.
from libc.stdlib cimport free
from libc.string cimport strdup
from cpython.mem cimport PyMem_Free

def upper_name(bytes name):
    cdef char* copy = strdup(name)  # expect: CY001
    cdef Py_ssize_t i = 0
    while copy[i] != 0:
        if 97 <= copy[i] <= 122:
            copy[i] -= 32
        i += 1
    result = copy[:i]
    free(copy)
    return result

def name_length(bytes name):
    cdef char* copy = strdup(name)
    if copy == NULL:
        raise MemoryError()
    cdef Py_ssize_t n = 0
    while copy[n] != 0:
        n += 1
    PyMem_Free(copy)  # expect: CY002
    return n
