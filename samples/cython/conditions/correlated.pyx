# Two tests of one unchanged condition see the same value: each path below frees its
# block exactly once, and reads it only while it lives.
from libc.stdlib cimport malloc, free


def frees_on_the_branch_that_read(int n, bint c):
    cdef int* p = <int*>malloc(n * sizeof(int))
    if p == NULL:
        raise MemoryError()
    if c:
        p[0] = 1
        free(p)
    if not c:
        p[0] = 2
        free(p)


def frees_on_one_of_two_tests(int n, bint c):
    cdef int* p = <int*>malloc(n * sizeof(int))
    if p == NULL:
        raise MemoryError()
    if c:
        free(p)
    if not c:
        p[0] = 3
        free(p)


def by_mode(int n, int mode):
    cdef int* p = <int*>malloc(n * sizeof(int))
    if p == NULL:
        raise MemoryError()
    if mode == 1:
        free(p)
    elif mode == 2:
        p[0] = 2
    else:
        free(p)
    # `mode == 1` answered `mode == 2` no.
    if mode == 2:
        free(p)


def against_zero(int n, int c):
    cdef int* p = <int*>malloc(n * sizeof(int))
    if p == NULL:
        raise MemoryError()
    if c == 0:
        free(p)
    # A builtin takes it as a Python object, by value.
    print(c)
    if c:
        p[0] = c
        free(p)


def by_bound(int n, Py_ssize_t size):
    cdef int* p = <int*>malloc(n * sizeof(int))
    if p == NULL:
        raise MemoryError()
    if size > 3:
        free(p)
    if size <= 3:
        p[0] = 3
        free(p)
    cdef int* q = <int*>malloc(n * sizeof(int))
    if q == NULL:
        raise MemoryError()
    if size >= 4:
        free(q)
    if size < 4:
        free(q)


def across_a_loop(int n, bint c):
    cdef int* p = <int*>malloc(n * sizeof(int))
    cdef int i
    if p == NULL:
        raise MemoryError()
    if c:
        free(p)
    for i in range(n):
        if not c:
            p[0] = i
    if not c:
        free(p)


def tested_on_every_turn(int n, bint keep):
    cdef int* p
    cdef int i
    for i in range(n):
        p = <int*>malloc(sizeof(int))
        if p == NULL:
            raise MemoryError()
        if not keep:
            free(p)
        if keep:
            p[0] = i
            free(p)
