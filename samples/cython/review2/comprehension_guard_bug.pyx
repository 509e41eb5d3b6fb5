# A comprehension over another count than the one the partial guard tested.
from libc.stdlib cimport malloc, free


def other_count(Py_ssize_t n, Py_ssize_t m):
    cdef long* p = <long*>malloc(n * sizeof(long))  # expect: CY001
    cdef Py_ssize_t i
    if n > 0 and p == NULL:
        raise MemoryError()
    out = [p[i] for i in range(m)]
    free(p)
    return out
