# Under the questions the dataflow follows at once, a flag flipped between its two tests
# frees its block twice on one path and never on the other.
from libc.stdlib cimport malloc, free


def paths(bint c0, bint c1, bint c2):
    cdef char* p0 = <char*>malloc(8)
    cdef char* p1 = <char*>malloc(8)  # expect: CY007
    cdef char* p2 = <char*>malloc(8)
    if c0:
        free(p0)
    if c1:
        free(p1)
    if c2:
        free(p2)
    c1 = not c1
    if not c0:
        free(p0)
    if not c1:
        free(p1)  # expect: CY005
    if not c2:
        free(p2)
