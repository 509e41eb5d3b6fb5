# What a `match` really does wrong is still reported: a case with a guard, a value
# pattern or a sequence pattern may not match, and the one case that runs may free twice.
from libc.stdlib cimport malloc, free


def guarded_last_case(kind, int n):
    cdef char* p = <char*>malloc(n)  # expect: CY007
    if p == NULL:
        raise MemoryError()
    match kind:
        case 1:
            free(p)
        case other if other > 2:
            free(p)


def sequence_pattern_is_refutable(kind, int n):
    cdef char* p = <char*>malloc(n)  # expect: CY007
    if p == NULL:
        raise MemoryError()
    match kind:
        case 1:
            free(p)
        case (x,):
            free(p)


def frees_twice_in_one_case(int kind, int n):
    cdef char* p = <char*>malloc(n)
    if p == NULL:
        raise MemoryError()
    match kind:
        case 1:
            free(p)
        case _:
            free(p)
            free(p)  # expect: CY005


def freed_before_the_match(int kind, int n):
    cdef char* p = <char*>malloc(n)
    if p == NULL:
        raise MemoryError()
    free(p)
    match kind:
        case 1:
            p[0] = 1  # expect: CY006
        case _:
            pass
