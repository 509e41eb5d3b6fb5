# A helper that returns `realloc(p, n)`, or NULL before touching `p`, is a `realloc` of
# its argument: where it returns NULL the caller's block was not freed and the caller
# still owns it (CY007 when it leaves without freeing it), and `buf = grow(buf, n)`
# loses the only pointer to it (CY003).
from libc.stdlib cimport malloc, realloc, free


cdef char* grow(char* p, size_t n) noexcept nogil:
    if n > 1 << 20:
        return NULL
    cdef char* t = <char*>realloc(p, n)
    if t == NULL:
        return NULL
    return t


cdef char* resize(char* p, size_t n) noexcept nogil:
    return <char*>realloc(p, n)


def raises_on_failure(size_t n):
    cdef char* buf = <char*>malloc(8)  # expect: CY007
    cdef char* t
    if buf == NULL:
        raise MemoryError()
    t = grow(buf, n)
    if t == NULL:
        raise MemoryError()
    buf = t
    buf[0] = 1
    free(buf)


def overwrites_on_failure(size_t n):
    cdef char* buf = <char*>malloc(8)
    if buf == NULL:
        raise MemoryError()
    buf = resize(buf, n)  # expect: CY003
    if buf == NULL:
        raise MemoryError()
    buf[0] = 1
    free(buf)
