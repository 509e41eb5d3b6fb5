import cython
from cython.cimports.libc.stdlib import malloc, free


def mean(values: list) -> cython.double:
    n: cython.Py_ssize_t = len(values)
    buf: cython.p_double = cython.cast(cython.p_double, malloc(n * cython.sizeof(cython.double)))  # expect: CY007
    i: cython.Py_ssize_t
    s: cython.double = 0
    if buf == cython.NULL:
        raise MemoryError()
    if n == 0:
        # The planted bug: CY007 buf leaks
        return 0.0
    for i in range(n):
        buf[i] = values[i]
        s += buf[i]
    free(buf)
    return s / n
