# Ping-pong buffers whose swap has a typo (`cur, nxt = nxt, nxt`): after the first turn
# both locals point at the same block, and `cur`'s own block has lost its only pointer.
# The local may hold either block at the loop's head; on the turns where it holds its
# own, the assignment loses it. After a loop that ran, `free(cur)` frees `nxt`'s block,
# and `free(nxt)` frees it again.
from libc.stdlib cimport malloc, free

def jacobi(int n, int iters):
    cdef double* cur = <double*>malloc(n * sizeof(double))  # expect: CY007
    cdef double* nxt = <double*>malloc(n * sizeof(double))
    cdef int i, k
    if cur == NULL or nxt == NULL:
        free(cur)
        free(nxt)
        raise MemoryError()
    for i in range(n):
        cur[i] = i
        nxt[i] = 0
    for k in range(iters):
        for i in range(1, n - 1):
            nxt[i] = 0.5 * (cur[i - 1] + cur[i + 1])
        cur, nxt = nxt, nxt
    r = cur[0]
    free(cur)
    free(nxt)  # expect: CY005
    return r

def alias_in_loop(int n, int iters):
    cdef double* a = <double*>malloc(n * sizeof(double))  # expect: CY007
    cdef double* b = <double*>malloc(n * sizeof(double))
    cdef int k
    if a == NULL or b == NULL:
        free(a)
        free(b)
        raise MemoryError()
    for k in range(iters):
        a = b
    free(a)
    free(b)  # expect: CY005
