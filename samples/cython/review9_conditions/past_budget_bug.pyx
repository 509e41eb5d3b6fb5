# Ten flags tested twice drop followed questions for the budget before `q` and `r` exist:
# their bugs have nothing to do with a flag and are reported as anywhere else.
from libc.stdlib cimport malloc, free

def f(int n, bint c0, bint c1, bint c2, bint c3, bint c4, bint c5, bint c6, bint c7, bint c8, bint c9):
    cdef int x = 0
    if c0:
        x += 1
    if c1:
        x += 1
    if c2:
        x += 1
    if c3:
        x += 1
    if c4:
        x += 1
    if c5:
        x += 1
    if c6:
        x += 1
    if c7:
        x += 1
    if c8:
        x += 1
    if c9:
        x += 1
    if c0:
        x -= 1
    if c1:
        x -= 1
    if c2:
        x -= 1
    if c3:
        x -= 1
    if c4:
        x -= 1
    if c5:
        x -= 1
    if c6:
        x -= 1
    if c7:
        x -= 1
    if c8:
        x -= 1
    if c9:
        x -= 1
    cdef int* q = <int*>malloc(4)
    free(q)
    free(q)  # expect: CY005
    cdef int* r = <int*>malloc(4)  # expect: CY007
    return x
