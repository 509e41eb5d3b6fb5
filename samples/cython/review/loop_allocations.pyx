# An allocation in a loop makes a new block each turn: checking the block of the turn
# before says nothing of the new one.
from libc.stdlib cimport malloc, free


def chained_unchecked(int n):
    cdef int* prev = NULL
    cdef int* cur
    cdef int i
    for i in range(n):
        cur = <int*>malloc(8)  # expect: CY001
        if prev != NULL:
            cur[0] = prev[0]
            free(prev)
        prev = cur
    free(prev)


def chained_checked(int n):
    cdef int* prev = NULL
    cdef int* cur
    cdef int i
    for i in range(n):
        cur = <int*>malloc(8)
        if cur == NULL:
            free(prev)
            raise MemoryError()
        if prev != NULL:
            cur[0] = prev[0]
            free(prev)
        prev = cur
    free(prev)


def each_turn_checked(int n):
    cdef int* p
    cdef int i
    for i in range(n):
        p = <int*>malloc(8)
        if p == NULL:
            raise MemoryError()
        p[0] = i
        free(p)
