# The guard of empty_counts.pyx written as nested ifs: `if p == NULL:` then
# `if n != 0: raise MemoryError()`. Past it, `p` is NULL only where `n == 0`, so a use
# under `range(n)` or `if n:` is checked; an unguarded use, or a use under another count,
# is not.
from libc.stdlib cimport malloc, free


def nested_guard(Py_ssize_t n):
    cdef int* p = <int*>malloc(n * sizeof(int))
    if p == NULL:
        # malloc(0) may return NULL
        if n != 0:
            raise MemoryError()
    for i in range(n):
        p[i] = i
    free(p)


def nested_guard_then_if(Py_ssize_t n):
    cdef int* p = <int*>malloc(n * sizeof(int))
    if p is NULL:
        if n:
            raise MemoryError()
    if n:
        p[0] = 1
    free(p)


def nested_guard_unguarded_use(Py_ssize_t n):
    cdef int* p = <int*>malloc(n * sizeof(int))  # expect: CY001
    if p == NULL:
        if n != 0:
            raise MemoryError()
    p[0] = 1
    free(p)


def nested_guard_other_count(Py_ssize_t n, Py_ssize_t m):
    cdef int* p = <int*>malloc(n * sizeof(int))  # expect: CY001
    if p == NULL:
        if n != 0:
            raise MemoryError()
    for i in range(m):
        p[i] = i
    free(p)
