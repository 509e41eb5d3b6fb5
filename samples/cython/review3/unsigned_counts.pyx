# For an unsigned count `n > 0` and `n != 0` are one fact: `if p == NULL and n > 0:
# raise MemoryError()` leaves `p` NULL only where `n == 0`, so a use under `if n:` is
# checked. For a signed count a negative `n` passes `if n:` but not `n > 0`: reported.
from libc.stdlib cimport malloc, free


def unsigned_positive_guard(size_t n):
    cdef int* p = <int*>malloc(n * sizeof(int))
    if p == NULL and n > 0:
        raise MemoryError()
    if n:
        p[0] = 1
    free(p)


def unsigned_local_guard(list xs):
    cdef unsigned int n = len(xs)
    cdef int* p = <int*>malloc(n * sizeof(int))
    if p == NULL and n > 0:
        raise MemoryError()
    if n != 0:
        p[n - 1] = 1
    free(p)


def signed_positive_guard(Py_ssize_t n):
    cdef int* p = <int*>malloc(n * sizeof(int))  # expect: CY001
    if p == NULL and n > 0:
        raise MemoryError()
    if n:
        p[0] = 1
    free(p)


def unsigned_unguarded_use(size_t n):
    cdef int* p = <int*>malloc(n * sizeof(int))  # expect: CY001
    if p == NULL and n > 0:
        raise MemoryError()
    p[0] = 1
    free(p)
