# `range(n - 1, -1, -1)` runs its body only where `n - 1 > -1`, that is `n > 0`: past
# `if p == NULL and n != 0: raise MemoryError()` its uses of `p` are checked. A range
# that also runs for `n == 0` is not a guard.
from libc.stdlib cimport malloc, free


def backwards(Py_ssize_t n):
    cdef double* p = <double*>malloc(n * sizeof(double))
    if p == NULL and n != 0:
        raise MemoryError()
    cdef Py_ssize_t i
    for i in range(n - 1, -1, -1):
        p[i] = 0.0
    free(p)


def backwards_from_n(Py_ssize_t n):
    cdef double* p = <double*>malloc(n * sizeof(double))
    if p == NULL and n != 0:
        raise MemoryError()
    cdef Py_ssize_t i
    for i in range(n, 0, -1):
        p[i - 1] = 0.0
    free(p)


def backwards_past_zero(Py_ssize_t n):
    cdef double* p = <double*>malloc(n * sizeof(double))  # expect: CY001
    if p == NULL and n != 0:
        raise MemoryError()
    cdef Py_ssize_t i
    for i in range(n - 1, -2, -1):
        p[i + 1] = 0.0
    free(p)
