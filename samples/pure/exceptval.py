# `@cython.exceptval(...)` is pure-Python mode's `except ...` clause.
import cython
from cython.cimports.libc.stdlib import malloc, free


@cython.cfunc
@cython.exceptval(check=False)
def log_size(n: cython.size_t) -> cython.int:
    print(n)
    return 0


@cython.cfunc
@cython.exceptval(cython.NULL)
def new_buffer(n: cython.size_t) -> cython.p_char:
    p: cython.p_char = cython.cast(cython.p_char, malloc(n))
    if p == cython.NULL:
        raise MemoryError()
    return p


@cython.cfunc
@cython.exceptval(-1)
def fill(p: cython.p_char, n: cython.size_t) -> cython.int:
    if n == 0:
        raise ValueError("empty")
    p[0] = 1
    return 0


def logged(n: cython.size_t):
    # `log_size` cannot raise into this body: no exception leaks `buf`.
    buf: cython.p_char = cython.cast(cython.p_char, malloc(n))
    if buf == cython.NULL:
        raise MemoryError()
    log_size(n)
    free(buf)


def from_a_helper(n: cython.size_t):
    # `new_buffer` never hands its caller NULL.
    buf: cython.p_char = new_buffer(n)
    buf[0] = 1
    free(buf)


@cython.cfunc
@cython.exceptval(-1)
def filled(n: cython.size_t, bad: cython.bint) -> cython.int:
    # The error return runs no handler of its own `try`.
    p: cython.p_char = cython.cast(cython.p_char, malloc(n))
    if p == cython.NULL:
        raise MemoryError()
    try:
        if bad:
            free(p)
            return -1
        fill(p, n)
    except ValueError:
        free(p)
        raise
    free(p)
    return 0


@cython.cfunc
@cython.exceptval(-1, check=True)
def maybe_minus_one(n: cython.size_t) -> cython.int:
    # `except? -1`: -1 is a value too, and returning it returns.
    p: cython.p_char = cython.cast(cython.p_char, malloc(n))  # expect: CY007
    if p == cython.NULL:
        raise MemoryError()
    if n > 10:
        return -1
    free(p)
    return 0


@cython.cfunc
@cython.exceptval(-1)
def check_size(n: cython.size_t) -> cython.int:
    if n > 4096:
        raise ValueError("too large")
    return 0


def checked_size(n: cython.size_t):
    buf: cython.p_char = cython.cast(cython.p_char, malloc(n))  # expect: CY008
    if buf == cython.NULL:
        raise MemoryError()
    check_size(n)
    free(buf)
