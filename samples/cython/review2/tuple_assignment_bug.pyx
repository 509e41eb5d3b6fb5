# Tuple assignments that do lose or double-release a block.
from libc.stdlib cimport malloc, free


def swap_frees_one_twice(size_t n):
    cdef char* a = <char*>malloc(n)
    cdef char* b = <char*>malloc(n)
    if a == NULL or b == NULL:
        free(a)
        free(b)
        raise MemoryError()
    a, b = b, a
    free(a)
    free(b)
    free(a)  # expect: CY005


def move_drops_the_old_block(size_t n):
    cdef char* cur = <char*>malloc(n)  # expect: CY007
    cdef char* nxt = <char*>malloc(n)
    if cur == NULL or nxt == NULL:
        free(cur)
        free(nxt)
        raise MemoryError()
    cur, nxt = nxt, NULL
    free(cur)


def second_target_leaks(size_t n):
    cdef char* xs
    cdef char* ys
    xs, ys = <char*>malloc(n), <char*>malloc(n)  # expect: CY007
    if xs == NULL or ys == NULL:
        free(xs)
        free(ys)
        raise MemoryError()
    free(xs)
