# `checked_alloc` comes from an included `.pxi`: the module's own helper, called by its
# bare name.
from libc.stdlib cimport malloc, free
from cpython.mem cimport PyMem_Free

include "own_pxi_helper_bug_alloc.pxi"


def wrong_family(size_t n):
    cdef char* s = checked_alloc(n)
    PyMem_Free(s)  # expect: CY002


def early_return(size_t n):
    cdef char* s = checked_alloc(n)  # expect: CY007
    if n > 3:
        return 1
    free(s)

