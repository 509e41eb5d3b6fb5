# The typed flags of typed_flags.pyx, changed between the two tests: the second answer
# is not the first's: the wrong release, a second one or none is reachable.
from libc.stdlib cimport malloc, free
from cpython.mem cimport PyMem_Malloc, PyMem_Free

cdef enum Backing:
    HEAP
    PYHEAP

ctypedef int mode_t
ctypedef mode_t level_t


def by_enum(Backing where):
    cdef char* p
    if where == HEAP:
        p = <char*>malloc(1)
    else:
        p = <char*>PyMem_Malloc(1)
    if p == NULL:
        raise MemoryError()
    where = PYHEAP
    if where == HEAP:
        free(p)
    else:
        PyMem_Free(p)  # expect: CY002


def by_chain(level_t m):
    cdef double* p = <double*>malloc(8)  # expect: CY007
    if p == NULL:
        raise MemoryError()
    if m == 1:
        free(p)
    m += 1
    if m != 1:
        free(p)  # expect: CY005
