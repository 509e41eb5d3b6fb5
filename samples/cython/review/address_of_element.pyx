# `&p[n]` computes an address: arithmetic on the pointer, not a read through it.
from libc.stdlib cimport malloc, free


def end_pointer_taken_before_the_check(int n):
    cdef int* p = <int*>malloc(n * sizeof(int))
    cdef int* end = &p[n]
    if p == NULL:
        raise MemoryError()
    end[-1] = 1
    free(p)


def end_pointer_used_unchecked(int n):
    cdef int* p = <int*>malloc(n * sizeof(int))  # expect: CY001
    cdef int* end = &p[n]
    end[-1] = 1
    free(p)
