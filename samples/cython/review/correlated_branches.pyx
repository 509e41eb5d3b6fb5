# The same flag picks the allocator and the matching deallocator: every block reaching
# each release may be of its family.
from libc.stdlib cimport malloc, free
from cpython.mem cimport PyMem_Malloc, PyMem_Free


def flag_picks_both(int n, bint py):
    cdef int* p
    if py:
        p = <int*>PyMem_Malloc(n)
    else:
        p = <int*>malloc(n)
    if p == NULL:
        raise MemoryError()
    p[0] = 1
    if py:
        PyMem_Free(p)
    else:
        free(p)


def neither_branch_matches(int n, bint py):
    cdef int* p
    if py:
        p = <int*>PyMem_Malloc(n)
    else:
        p = <int*>PyMem_Malloc(2 * n)
    if p == NULL:
        raise MemoryError()
    free(p)  # expect: CY002
