# `zeroed` comes from this module's own `.pxd`: its block is checked and freed by its own
# family on every path.
from libc.stdlib cimport free


def total(size_t n):
    cdef double* values = zeroed(n)
    cdef double sum = 0
    cdef size_t i
    if values == NULL:
        raise MemoryError()
    for i in range(n):
        sum += values[i]
    free(values)
    return sum
