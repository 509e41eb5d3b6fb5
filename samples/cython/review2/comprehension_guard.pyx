# `if n > 0 and p == NULL: raise` guards every use of `p` that runs only where `n > 0`:
# a comprehension over `range(n)` as much as a `for` loop.
from libc.stdlib cimport malloc, free


def squares(Py_ssize_t n):
    cdef long* p = <long*>malloc(n * sizeof(long))
    cdef Py_ssize_t i
    if n > 0 and p == NULL:
        raise MemoryError()
    for i in range(n):
        p[i] = i * i
    out = [p[i] for i in range(n)]
    free(p)
    return out


def prefix(list xs):
    cdef Py_ssize_t n = len(xs), i
    cdef double* acc = <double*>malloc(n * sizeof(double)) if n > 0 else NULL
    if n > 0 and acc == NULL:
        raise MemoryError()
    for i in range(n):
        acc[i] = xs[i]
    out = {i: acc[i] for i in range(n)}
    free(acc)
    return out
