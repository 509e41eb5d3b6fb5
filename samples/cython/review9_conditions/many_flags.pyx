# Nine blocks, each freed under `if c_i:` and again under `if not c_i:`: once on every
# path. Past the questions the dataflow follows at once, the path-merging rules stay
# silent rather than report releases the dropped questions kept apart.
from libc.stdlib cimport malloc, free


def paths(bint c0, bint c1, bint c2, bint c3, bint c4, bint c5, bint c6, bint c7, bint c8):
    cdef char* p0 = <char*>malloc(8)
    cdef char* p1 = <char*>malloc(8)
    cdef char* p2 = <char*>malloc(8)
    cdef char* p3 = <char*>malloc(8)
    cdef char* p4 = <char*>malloc(8)
    cdef char* p5 = <char*>malloc(8)
    cdef char* p6 = <char*>malloc(8)
    cdef char* p7 = <char*>malloc(8)
    cdef char* p8 = <char*>malloc(8)
    if c0:
        free(p0)
    if c1:
        free(p1)
    if c2:
        free(p2)
    if c3:
        free(p3)
    if c4:
        free(p4)
    if c5:
        free(p5)
    if c6:
        free(p6)
    if c7:
        free(p7)
    if c8:
        free(p8)
    if not c0:
        free(p0)
    if not c1:
        free(p1)
    if not c2:
        free(p2)
    if not c3:
        free(p3)
    if not c4:
        free(p4)
    if not c5:
        free(p5)
    if not c6:
        free(p6)
    if not c7:
        free(p7)
    if not c8:
        free(p8)
