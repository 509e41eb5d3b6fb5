# `return -1` in a function declared `except -1` is a return: it runs the `finally`
# bodies it leaves, never an `except` of its own `try` (the caller raises, not this body).
from libc.stdlib cimport malloc, free


cdef int work(char* p) except -1:
    p[0] = 1
    return 0


cdef int released_before_the_error_return(size_t n, bint bad) except -1:
    cdef char* p = <char*>malloc(n)
    if p == NULL:
        raise MemoryError()
    try:
        if bad:
            free(p)
            return -1
        work(p)
    except ValueError:
        free(p)
        raise
    free(p)
    return 0


cdef char* released_by_finally(size_t n, bint bad) except NULL:
    cdef char* p = <char*>malloc(n)
    cdef char* out = <char*>malloc(n)
    if p == NULL or out == NULL:
        free(p)
        free(out)
        raise MemoryError()
    try:
        if bad:
            free(out)
            return NULL
        work(p)
    finally:
        free(p)
    return out


cdef int error_return_leaks(size_t n) except -1:
    cdef char* p = <char*>malloc(n)  # expect: CY007
    if p == NULL:
        raise MemoryError()
    try:
        if n > 100:
            return -1
        work(p)
    except ValueError:
        free(p)
        raise
    free(p)
    return 0
