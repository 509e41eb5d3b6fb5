# `p = realloc(p, n)` whose failure ends the process: nothing leaks that anyone sees.
from libc.stdlib cimport malloc, realloc, free, abort


def grow_or_abort(int n):
    cdef char* p = <char*>malloc(n)
    if p == NULL: abort()
    p = <char*>realloc(p, 2 * n)
    if p == NULL: abort()
    p[0] = 1
    free(p)


def grow_or_raise(int n):
    cdef char* p = <char*>malloc(n)
    if p == NULL: abort()
    p = <char*>realloc(p, 2 * n)  # expect: CY003
    if p == NULL: raise MemoryError()
    p[0] = 1
    free(p)


def first_allocation_through_realloc(int n):
    cdef char* p = NULL
    p = <char*>realloc(p, n)
    if p == NULL: raise MemoryError()
    free(p)
