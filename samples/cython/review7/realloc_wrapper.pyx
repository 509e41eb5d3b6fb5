# Clean twins of realloc_wrapper_bug.pyx: the caller frees its block where the
# reallocating helper failed, or keeps the result only when it is not NULL; and a helper
# that frees its argument where `realloc` failed is no `realloc` of it (the caller no
# longer owns the block there).
from libc.stdlib cimport malloc, realloc, free


cdef char* grow(char* p, size_t n) noexcept nogil:
    if n > 1 << 20:
        return NULL
    cdef char* t = <char*>realloc(p, n)
    if t == NULL:
        return NULL
    return t


cdef char* grow_or_free(char* p, size_t n) noexcept nogil:
    cdef char* t = <char*>realloc(p, n)
    if t == NULL:
        free(p)
        return NULL
    return t


def frees_on_failure(size_t n):
    cdef char* buf = <char*>malloc(8)
    cdef char* t
    if buf == NULL:
        raise MemoryError()
    t = grow(buf, n)
    if t == NULL:
        free(buf)
        raise MemoryError()
    buf = t
    buf[0] = 1
    free(buf)


def keeps_result_when_not_null(size_t n):
    cdef char* buf = <char*>malloc(8)
    cdef char* t
    if buf == NULL:
        raise MemoryError()
    t = grow(buf, n)
    if t != NULL:
        buf = t
    buf[0] = 1
    free(buf)


def helper_frees_on_failure(size_t n):
    cdef char* buf = <char*>malloc(8)
    cdef char* t
    if buf == NULL:
        raise MemoryError()
    t = grow_or_free(buf, n)
    if t == NULL:
        raise MemoryError()
    buf = t
    buf[0] = 1
    free(buf)
