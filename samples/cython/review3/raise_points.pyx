# `out[:n]` is a bytes object: its `decode()` is a Python call that raises on bad input.
# A failing `assert` raises AssertionError, but it states an invariant: the path where it
# fails is not reported (as the clang analyzer prunes failed assertions).
from libc.stdlib cimport malloc, free


def decode_leaks(Py_ssize_t n):
    cdef char* out = <char*>malloc(n + 1)  # expect: CY008
    if out == NULL:
        raise MemoryError()
    out[0] = 0x41
    r = out[:n].decode('utf-8')
    free(out)
    return r


def decode_in_finally(Py_ssize_t n):
    cdef char* out = <char*>malloc(n + 1)
    if out == NULL:
        raise MemoryError()
    try:
        out[0] = 0x41
        return out[:n].decode('utf-8')
    finally:
        free(out)


def assert_fails_after_allocating(int n):
    cdef long* t = <long*>malloc(64)
    if t == NULL:
        raise MemoryError()
    assert n < 8, "n too large"
    t[0] = n
    free(t)


def assert_before_allocating(int n):
    assert n < 8, "n too large"
    cdef long* t = <long*>malloc(64)
    if t == NULL:
        raise MemoryError()
    t[0] = n
    free(t)


def assert_after_freeing(int n):
    cdef long* t = <long*>malloc(64)
    if t == NULL:
        raise MemoryError()
    t[0] = n
    cdef long first = t[0]
    free(t)
    assert first < 8, "n too large"
