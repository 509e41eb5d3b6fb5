# A helper that stores its block through `out[0]` only where it returns leaves the
# caller's place as it was where it raises: `b = NULL; try: load(n, &b)`, then an
# `except` that frees `b` and a `finally` that frees it again is a double free when a
# later call of the `try` raises.
from libc.stdlib cimport malloc, free


cdef int load(int n, char** out) except -1:
    cdef char* b = <char*>malloc(n + 1)
    if b == NULL:
        raise MemoryError()
    out[0] = b
    return 0


cdef int validate(const char* b) except -1:
    if b[0] == 0:
        raise ValueError("empty")
    return 0


def freed_in_except_and_finally(int n):
    cdef char* b = NULL
    try:
        load(n, &b)
        validate(b)
    except ValueError:
        free(b)
        raise
    finally:
        free(b)  # expect: CY005


def cleared_after_the_except_frees(int n):
    cdef char* b = NULL
    try:
        load(n, &b)
        validate(b)
    except ValueError:
        free(b)
        b = NULL
        raise
    finally:
        free(b)
