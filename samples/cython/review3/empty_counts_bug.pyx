# Uses that the count does not guard: `p` may still be NULL there (when `n == 0`, or when
# a negative `n` passed `n != 0` but not `n > 0`).
from libc.stdlib cimport malloc, free


def unguarded_use(Py_ssize_t n):
    cdef int* p = <int*>malloc(n * sizeof(int))  # expect: CY001
    if p == NULL and n != 0:
        raise MemoryError()
    p[0] = 1
    free(p)


def another_count(Py_ssize_t n, Py_ssize_t m):
    cdef int* p = <int*>malloc(n * sizeof(int))  # expect: CY001
    if p == NULL and n != 0:
        raise MemoryError()
    for i in range(m):
        p[i] = i
    free(p)


def nonzero_is_not_positive(Py_ssize_t n):
    cdef int* p = <int*>malloc(n * sizeof(int))  # expect: CY001
    if p == NULL and n > 0:
        raise MemoryError()
    if n != 0:
        p[0] = 1
    free(p)


def guard_on_the_wrong_side(Py_ssize_t n):
    cdef int* p = <int*>malloc(n * sizeof(int))  # expect: CY001
    if p == NULL and n != 0:
        raise MemoryError()
    if n == 0:
        p[0] = 1
    free(p)
