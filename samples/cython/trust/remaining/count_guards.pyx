# A guard that only partly checks, in each spelling of "the count is not zero": the NULL
# test ran only where the count test held, so it protects the uses reached only there
# (a `range(n)` body, a branch on the same test), not one reached when the count is 0.
from libc.stdlib cimport malloc, free


def nonzero_then_loop(Py_ssize_t n):
    cdef double* p = <double*>malloc(n * sizeof(double))
    cdef Py_ssize_t i
    if n != 0 and p == NULL:
        raise MemoryError()
    for i in range(n):
        p[i] = i
    if n != 0:
        p[0] = 1
    free(p)


def truth_then_loop(Py_ssize_t n):
    cdef double* p = <double*>malloc(n * sizeof(double))
    cdef Py_ssize_t i
    if n and not p:
        raise MemoryError()
    for i in range(n):
        p[i] = i
    if n:
        p[0] = 1
    free(p)


def at_least_one_then_loop(int n):
    cdef int* p = <int*>malloc(n * sizeof(int))
    cdef int i
    if n >= 1 and p == NULL:
        raise MemoryError()
    for i in range(n):
        p[i] = i
    free(p)


def zero_below_then_loop(size_t n):
    cdef int* p = <int*>malloc(n * sizeof(int))
    cdef size_t i
    if 0 < n and p == NULL:
        raise MemoryError()
    for i in range(n):
        p[i] = 1
    if 0 < n:
        p[0] = 2
    free(p)


def zero_or_null(size_t n):
    cdef int* p = <int*>malloc(n * sizeof(int))
    if n == 0 or p == NULL:
        free(p)
        return None
    p[0] = 1
    free(p)


def empty_returns_early(size_t n):
    cdef int* p = <int*>malloc(n * sizeof(int))
    if not n:
        free(p)
        return None
    if n and p == NULL:
        raise MemoryError()
    p[0] = 1
    free(p)


def nonzero_then_header(Py_ssize_t n):
    cdef double* p = <double*>malloc((n + 1) * sizeof(double))  # expect: CY001
    if n != 0 and p == NULL:
        raise MemoryError()
    p[0] = n
    free(p)


def truth_then_header(Py_ssize_t n):
    cdef double* p = <double*>malloc((n + 1) * sizeof(double))  # expect: CY001
    if n and p == NULL:
        raise MemoryError()
    p[0] = n
    free(p)


def not_zero_then_zero_branch(size_t n):
    cdef char* p = <char*>malloc(n + 1)  # expect: CY001
    if n != 0 and p == NULL:
        raise MemoryError()
    if not n:
        p[0] = 0
    free(p)


def positive_then_nonzero_branch(Py_ssize_t n):
    # `n != 0` does not say `n > 0`: a negative count passes it.
    cdef char* p = <char*>malloc(16)  # expect: CY001
    if n > 0 and p == NULL:
        raise MemoryError()
    if n != 0:
        p[0] = 0
    free(p)


def count_changed(Py_ssize_t n):
    cdef char* p = <char*>malloc(16)  # expect: CY001
    if n and p == NULL:
        raise MemoryError()
    n -= 1
    if n:
        p[0] = 0
    free(p)
