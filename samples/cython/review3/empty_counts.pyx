# `malloc(0)` may return NULL, so a NULL block is an error only for a non-empty count:
# `if p == NULL and n != 0: raise MemoryError()`. Past it, `p` is NULL only where `n == 0`,
# and every use below runs only where the count is not zero.
from libc.stdlib cimport malloc, free


def copy_ints(list xs):
    cdef Py_ssize_t n = len(xs), i
    cdef int* p = <int*>malloc(n * sizeof(int))
    if p == NULL and n != 0:
        raise MemoryError()
    for i in range(n):
        p[i] = i
    free(p)


def first_only(Py_ssize_t n):
    cdef int* p = <int*>malloc(n * sizeof(int))
    if not p and n:
        raise MemoryError()
    if n:
        p[0] = 1
    free(p)


def positive_guard(Py_ssize_t n):
    cdef double* p = <double*>malloc(n * sizeof(double))
    if p is NULL and n > 0:
        raise MemoryError()
    if n > 0:
        p[n - 1] = 0.0
    free(p)


def either_order(Py_ssize_t n):
    cdef double* p = <double*>malloc(n * sizeof(double))
    if n != 0 and p == NULL:
        raise MemoryError()
    for i in range(n):
        p[i] = 1.0
    free(p)
