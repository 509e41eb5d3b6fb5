# Checks written in other ways: `if not p`, `p is NULL`, an early return of an error
# code, and the allocation retried once.
from libc.stdlib cimport malloc, free

cdef int fill(double* out, int n) nogil:
    cdef int i
    for i in range(n):
        out[i] = i
    return 0

def retried(int n):
    cdef double* p = <double*>malloc(n * sizeof(double))
    if p is NULL:
        p = <double*>malloc(n * sizeof(double))
        if p is NULL:
            raise MemoryError()
    fill(p, n)
    total = p[n - 1]
    free(p)
    return total

cdef int compute(int n, double* result) nogil:
    cdef double* work = <double*>malloc(n * sizeof(double))
    if not work:
        return -1
    fill(work, n)
    result[0] = work[n - 1]
    free(work)
    return 0

def run(int n):
    cdef double value
    if compute(n, &value) != 0:
        raise MemoryError()
    return value
