# A flag that records NULL tests combined with `and`/`or` (`ok = a != NULL and b !=
# NULL`): a later `if not ok: raise` stops the paths where either is NULL.
from libc.stdlib cimport malloc, free


def both_checked(int n):
    cdef double* a = <double*>malloc(n * sizeof(double))
    cdef double* b = <double*>malloc(n * sizeof(double))
    cdef bint ok = a != NULL and b != NULL
    if not ok:
        free(a)
        free(b)
        raise MemoryError()
    a[0] = 1
    b[0] = 2
    free(a)
    free(b)


def either_failed(int n):
    cdef double* a = <double*>malloc(n * sizeof(double))
    cdef double* b = <double*>malloc(n * sizeof(double))
    failed = a == NULL or b == NULL
    if failed:
        free(a)
        free(b)
        raise MemoryError()
    a[0] = 1
    b[0] = 2
    free(a)
    free(b)


def one_is_enough(int n):
    cdef double* a = <double*>malloc(n * sizeof(double))  # expect: CY001
    cdef double* b = <double*>malloc(n * sizeof(double))  # expect: CY001
    cdef bint ok = a != NULL or b != NULL
    if not ok:
        raise MemoryError()
    a[0] = 1
    b[0] = 2
    free(a)
    free(b)
