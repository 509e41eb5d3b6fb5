# Tests that overlap (`mode <= 1` holds where `mode == 1` does) free twice on that path;
# tests that leave a gap (`mode > 1` and `mode < 0` skip 0) leak there.
from libc.stdlib cimport malloc, free


def overlapping(int mode):
    cdef char* p = <char*>malloc(1)
    if p == NULL:
        raise MemoryError()
    if mode == 1:
        free(p)
    if mode <= 1:
        free(p)  # expect: CY005
    if mode > 1:
        free(p)


def gap(int mode):
    cdef char* p = <char*>malloc(1)  # expect: CY007
    if p == NULL:
        raise MemoryError()
    if mode == 1:
        free(p)
        return
    if mode > 1:
        free(p)
    if mode < 0:
        free(p)
