# `cdef` helpers that cannot raise, whatever their exception clause: only C work, an
# exception a handler of their own swallows, a `noexcept` function (an exception in it is
# printed and ignored), an `except? -1` helper whose -1 is a plain result. And a raising
# helper called where a `finally` frees the block. Nothing here leaks.
from libc.stdlib cimport malloc, free
from libc.string cimport strlen


cdef int clamp(int x) except -1:
    return x if x > 0 else 0


cdef size_t length(const char* s) except -1:
    return strlen(s)


cdef int find(const int* values, int n, int wanted) except? -1:
    cdef int i
    for i in range(n):
        if values[i] == wanted:
            return i
    return -1


cdef int compute_or_zero(obj) except -1:
    try:
        return obj.compute()
    except Exception:
        return 0


cdef int compute_quietly(obj) noexcept:
    return obj.compute()


cdef int compute(obj) except -1:
    return obj.compute()


def c_helpers(const char* s, int n):
    cdef int* p = <int*>malloc(n * sizeof(int))
    if p == NULL:
        raise MemoryError()
    p[0] = clamp(n)
    p[1] = <int>length(s)
    p[2] = find(p, 2, 0)
    free(p)


def swallowed(obj, int n):
    cdef int* p = <int*>malloc(n * sizeof(int))
    if p == NULL:
        raise MemoryError()
    p[0] = compute_or_zero(obj)
    p[1] = compute_quietly(obj)
    free(p)


def released_in_finally(obj, int n):
    cdef int* p = <int*>malloc(n * sizeof(int))
    if p == NULL:
        raise MemoryError()
    try:
        p[0] = compute(obj)
    finally:
        free(p)
