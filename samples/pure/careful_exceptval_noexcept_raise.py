import cython
from cython.cimports.libc.stdlib import malloc, free


@cython.cfunc
@cython.exceptval(check=False)
def fast_sum(p: cython.p_double, n: cython.Py_ssize_t) -> cython.double:
    s: cython.double = 0
    i: cython.Py_ssize_t
    for i in range(n):
        s += p[i]
    return s


def average(n: cython.Py_ssize_t) -> cython.double:
    buf: cython.p_double = cython.cast(cython.p_double, malloc(n * 8))
    i: cython.Py_ssize_t
    if buf == cython.NULL:
        raise MemoryError()
    for i in range(n):
        buf[i] = i
    r: cython.double = fast_sum(buf, n) / max(n, 1)
    free(buf)
    return r
