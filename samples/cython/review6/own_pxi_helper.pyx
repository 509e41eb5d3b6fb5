# `new_counts` comes from an included `.pxi`: its block is checked and released by its
# own family on every path.
from cpython.mem cimport PyMem_Malloc, PyMem_Free

include "own_pxi_helper_alloc.pxi"


def histogram(bytes data):
    cdef int* counts = new_counts(256)
    cdef unsigned char c
    if counts == NULL:
        raise MemoryError()
    for c in data:
        counts[c] += 1
    result = [counts[i] for i in range(256)]
    PyMem_Free(counts)
    return result
