from cpython.mem cimport PyMem_Malloc, PyMem_Free

def find(list haystack, int needle):
    cdef Py_ssize_t n = len(haystack)
    cdef int* copy
    cdef Py_ssize_t i
    if n == 0:
        return -1
    copy = <int*>PyMem_Malloc(n * sizeof(int))
    if not copy:
        raise MemoryError()
    for i in range(n):
        copy[i] = haystack[i]
    for i in range(n):
        if copy[i] == needle:
            PyMem_Free(copy)
            return i
    PyMem_Free(copy)
    return -1
