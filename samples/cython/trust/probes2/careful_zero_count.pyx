from libc.stdlib cimport malloc, free

def prefix_sums(list xs):
    cdef Py_ssize_t n = len(xs)
    cdef long* sums = <long*>malloc(n * sizeof(long))
    cdef Py_ssize_t i
    if n and not sums:
        raise MemoryError()
    if n:
        sums[0] = xs[0]
    for i in range(1, n):
        sums[i] = sums[i - 1] + xs[i]
    out = [sums[i] for i in range(n)]
    free(sums)
    return out
