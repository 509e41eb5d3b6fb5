# `a if cond else b` branches like an `if`: its test narrows the arms, and a block
# allocated in an arm is followed.
from libc.stdlib cimport malloc, free


def read_only_when_allocated(int n):
    cdef int* p = <int*>malloc(n)
    cdef int x = p[0] if p != NULL else 0
    free(p)
    return x


def allocated_in_either_arm(int n):
    cdef int* p = <int*>malloc(n) if n > 0 else <int*>malloc(1)  # expect: CY001
    p[0] = 1
    free(p)


def allocated_in_either_arm_then_checked(int n):
    cdef int* p = <int*>malloc(n) if n > 0 else <int*>malloc(1)
    if p == NULL:
        raise MemoryError()
    p[0] = 1
    free(p)


def read_unchecked_in_an_arm(int n):
    cdef int* p = <int*>malloc(n)  # expect: CY001
    cdef int x = p[0] if n > 0 else 0
    free(p)
    return x
