# `if p == NULL and n != 0: raise MemoryError()` lets `p` be NULL only where `n == 0`
# (malloc(0) may return NULL). Every use below runs only where the count is positive, by
# a guard other than a test of `n` itself: none is reported.
from libc.stdlib cimport malloc, free
from cython.parallel cimport prange


def while_below_count(size_t n):
    cdef int* p = <int*>malloc(n * sizeof(int))
    if p == NULL and n != 0:
        raise MemoryError()
    cdef size_t i = 0
    while i < n:
        p[i] = 0
        i += 1
    free(p)


def while_below_signed_count(Py_ssize_t n):
    cdef int* p = <int*>malloc(n * sizeof(int))
    if not p and n:
        raise MemoryError()
    cdef Py_ssize_t i = 0
    while i < n:
        p[i] = <int>i
        i += 1
    free(p)


def while_count_above(Py_ssize_t n):
    cdef int* p = <int*>malloc(n * sizeof(int))
    if n and not p:
        raise MemoryError()
    cdef Py_ssize_t i = 0
    while n > i and p[i] == 0:
        p[i] = 1
        i += 2
    free(p)


def while_from_a_later_start(Py_ssize_t n):
    cdef int* p = <int*>malloc(n * sizeof(int))
    if p == NULL and n > 0:
        raise MemoryError()
    cdef Py_ssize_t i = 1
    while i <= n:
        p[i - 1] = 0
        i += 1
    free(p)


def three_conjuncts(size_t n, size_t m):
    cdef double* p = <double*>malloc(n * m * sizeof(double))
    if p == NULL and n != 0 and m != 0:
        raise MemoryError()
    if n != 0 and m != 0:
        p[0] = 0
    free(p)


def three_conjuncts_nested_ranges(Py_ssize_t n, Py_ssize_t m):
    cdef double* p = <double*>malloc(n * m * sizeof(double))
    if p == NULL and n != 0 and m != 0:
        raise MemoryError()
    cdef Py_ssize_t i, j
    for i in range(n):
        for j in range(m):
            p[i * m + j] = 0
    free(p)


def three_conjuncts_prange(Py_ssize_t n, Py_ssize_t m):
    cdef double* p = <double*>malloc(n * m * sizeof(double))
    if p == NULL and n > 0 and m > 0:
        raise MemoryError()
    cdef Py_ssize_t i, j
    for i in prange(n, nogil=True):
        for j in range(m):
            p[i * m + j] = 0
    free(p)


def four_conjuncts(size_t n, size_t m, size_t k):
    cdef double* p = <double*>malloc(n * m * k * sizeof(double))
    if p == NULL and n != 0 and m != 0 and k != 0:
        raise MemoryError()
    if n and m and k:
        p[0] = 0
    free(p)


def copied_count(size_t n):
    cdef int* p = <int*>malloc(n * sizeof(int))
    if p == NULL and n != 0:
        raise MemoryError()
    cdef size_t m = n
    cdef size_t i
    for i in range(m):
        p[i] = 1
    free(p)


def copied_signed_count(Py_ssize_t n):
    cdef int* p = <int*>malloc(n * sizeof(int))
    if p == NULL and n != 0:
        raise MemoryError()
    cdef Py_ssize_t m
    m = n
    if m:
        p[0] = 1
    free(p)


def counted_down_from_count(int n):
    cdef int* p = <int*>malloc(n * sizeof(int))
    if p == NULL and n > 0:
        raise MemoryError()
    cdef int i = n
    while i > 0:
        i -= 1
        p[i] = i
    free(p)


def filled_from_list(list xs):
    cdef Py_ssize_t n = len(xs)
    cdef long* p = <long*>malloc(n * sizeof(long))
    if p == NULL and n != 0:
        raise MemoryError()
    cdef Py_ssize_t i = 0
    try:
        for x in xs:
            p[i] = x
            i += 1
    finally:
        free(p)


def filled_from_enumerated_tuple(tuple xs):
    n = len(xs)
    cdef long* p = <long*>malloc(n * sizeof(long))
    if not p and n != 0:
        raise MemoryError()
    try:
        for i, x in enumerate(xs):
            p[i] = x
    finally:
        free(p)
