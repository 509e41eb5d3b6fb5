# A tuple assignment evaluates every value, then assigns: `a, b = b, a` swaps the two
# blocks, `cur, nxt = nxt, NULL` moves one, and two allocations in one statement land in
# their own targets.
from libc.stdlib cimport malloc, free


def swap_then_free_both(size_t n):
    cdef char* a = <char*>malloc(n)
    cdef char* b = <char*>malloc(n)
    if a == NULL or b == NULL:
        free(a)
        free(b)
        raise MemoryError()
    a, b = b, a
    a[0] = 1
    free(a)
    free(b)


def rotate(size_t n, int steps):
    cdef double* cur = <double*>malloc(n * sizeof(double))
    cdef double* nxt
    cdef int s
    if cur == NULL:
        raise MemoryError()
    for s in range(steps):
        nxt = <double*>malloc(n * sizeof(double))
        if nxt == NULL:
            free(cur)
            raise MemoryError()
        nxt[0] = cur[0]
        free(cur)
        cur, nxt = nxt, NULL
    free(cur)


def two_at_once(size_t n):
    cdef double* xs
    cdef double* ys
    xs, ys = <double*>malloc(n), <double*>malloc(n)
    if xs == NULL or ys == NULL:
        free(xs)
        free(ys)
        raise MemoryError()
    xs[0] = ys[0] = 0
    free(xs)
    free(ys)
