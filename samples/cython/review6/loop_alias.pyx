# Locals that point at one block or another across loop turns, correctly: a swap keeps
# a pointer to each block, a cursor only borrows, and every block is freed once.
from libc.stdlib cimport malloc, free

def jacobi(int n, int iters):
    cdef double* cur = <double*>malloc(n * sizeof(double))
    cdef double* nxt = <double*>malloc(n * sizeof(double))
    cdef int i, k
    if cur == NULL or nxt == NULL:
        free(cur)
        free(nxt)
        raise MemoryError()
    for k in range(iters):
        for i in range(1, n - 1):
            nxt[i] = 0.5 * (cur[i - 1] + cur[i + 1])
        cur, nxt = nxt, cur
    r = cur[0]
    free(cur)
    free(nxt)
    return r

def swap_through_temporary(int n, int iters):
    cdef double* a = <double*>malloc(n * sizeof(double))
    cdef double* b = <double*>malloc(n * sizeof(double))
    cdef double* t
    cdef int k
    if a == NULL or b == NULL:
        free(a)
        free(b)
        raise MemoryError()
    for k in range(iters):
        t = a
        a = b
        b = t
    free(a)
    free(b)

def cursor_between_blocks(int n, int iters):
    cdef char* first = <char*>malloc(n)
    cdef char* second = <char*>malloc(n)
    cdef char* cursor
    cdef int k
    if first == NULL or second == NULL:
        free(first)
        free(second)
        raise MemoryError()
    cursor = first
    for k in range(iters):
        cursor[0] = 1
        if k % 2:
            cursor = second
        else:
            cursor = first
    cursor = NULL
    free(first)
    free(second)

def replace_each_turn(int n, int iters):
    cdef char* buf = <char*>malloc(n)
    cdef char* grown
    cdef int k
    if buf == NULL:
        raise MemoryError()
    for k in range(iters):
        grown = <char*>malloc(n + k)
        if grown == NULL:
            free(buf)
            raise MemoryError()
        free(buf)
        buf = grown
    free(buf)

def either_block(int n, bint big):
    cdef char* p
    if big:
        p = <char*>malloc(n * 2)
    else:
        p = <char*>malloc(n)
    if p == NULL:
        raise MemoryError()
    free(p)
    p = NULL

def compared_before_freeing(int n, int iters):
    cdef char* a = <char*>malloc(n)
    cdef char* b = <char*>malloc(n)
    cdef char* orig = a
    cdef int k
    if a == NULL or b == NULL:
        free(a)
        free(b)
        raise MemoryError()
    for k in range(iters):
        a = b
    free(a)
    if b != a:
        free(b)
    if orig != a:
        free(orig)

def shared_flag(int n, int iters):
    cdef char* a = <char*>malloc(n)
    cdef char* b = <char*>malloc(n)
    cdef char* own = a
    cdef bint shared = False
    cdef int k
    if a == NULL or b == NULL:
        free(a)
        free(b)
        raise MemoryError()
    for k in range(iters):
        a = b
        shared = True
    free(a)
    if shared:
        free(own)
    else:
        free(b)

def restored_before_freeing(int n, int iters):
    cdef char* a = <char*>malloc(n)
    cdef char* b = <char*>malloc(n)
    cdef char* orig = a
    cdef int k
    if a == NULL or b == NULL:
        free(a)
        free(b)
        raise MemoryError()
    for k in range(iters):
        a = b
        a[0] = 1
    a = orig
    free(a)
    free(b)

def in_place_or_copy(int n, bint in_place):
    cdef char* src = <char*>malloc(n)
    cdef char* out
    if src == NULL:
        raise MemoryError()
    if in_place:
        out = src
    else:
        out = <char*>malloc(n)
        if out == NULL:
            free(src)
            raise MemoryError()
    out[0] = 1
    free(out)
    if not in_place:
        free(src)
