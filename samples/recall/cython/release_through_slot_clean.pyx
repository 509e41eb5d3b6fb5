# A helper given `&p` that frees `pp[0]` with the right function and clears it: the
# caller's `p` is NULL afterwards, so testing it, freeing it again (`free(NULL)`),
# releasing it twice or allocating into it anew is fine, and nothing leaks.
from libc.stdlib cimport malloc, free


cdef void release(char** pp) noexcept:
    free(pp[0])
    pp[0] = NULL


cdef void fill(char** pp, int n) noexcept:
    pp[0][0] = <char>n


def released_once(int n):
    cdef char* b = <char*>malloc(n + 1)
    if b == NULL:
        raise MemoryError()
    b[0] = 0
    release(&b)


def released_then_reused(int n):
    cdef char* b = <char*>malloc(n + 1)
    if b == NULL:
        raise MemoryError()
    release(&b)
    release(&b)
    if b != NULL:
        b[0] = 1
    free(b)
    b = <char*>malloc(n + 1)
    if b == NULL:
        raise MemoryError()
    fill(&b, n)
    release(&b)
