# `match` runs the body of the first case that matches and leaves: no case falls into
# the next, and after `case _:` (or a bare capture without guard) no subject is left
# unmatched. A case with a guard matches only where the guard holds.
from libc.stdlib cimport malloc, free


def one_case_frees(int kind, int n):
    cdef char* p = <char*>malloc(n)
    if p == NULL:
        raise MemoryError()
    match kind:
        case 1:
            free(p)
        case 2:
            p[0] = 1
            free(p)
        case _:
            free(p)


def every_case_returns(kind, int n):
    cdef char* p = <char*>malloc(n)
    if p == NULL:
        raise MemoryError()
    match kind:
        case 1:
            free(p)
            return 1
        case _:
            free(p)
            return None


def capture_matches_the_rest(kind, int n):
    cdef char* p = <char*>malloc(n)
    if p == NULL:
        raise MemoryError()
    match kind:
        case 1 | 2:
            free(p)
        case (other):
            free(p)
            return other
    return kind


def wildcard_alternative(kind, int n):
    cdef char* p = <char*>malloc(n)
    if p == NULL:
        raise MemoryError()
    match kind:
        case "a":
            free(p)
        case "b" | _:
            free(p)


def guard_tests_the_pointer(int kind, int n):
    cdef char* p = <char*>malloc(n)
    match kind:
        case _ if p == NULL:
            raise MemoryError()
        case _:
            p[0] = 1
    free(p)


def no_match_frees_after(int kind, int n):
    cdef char* p = <char*>malloc(n)
    if p == NULL:
        raise MemoryError()
    match kind:
        case 1:
            p[0] = 1
        case 2:
            p[0] = 2
    free(p)
