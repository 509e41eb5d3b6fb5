# Validation that raises after allocating: the early raise leaks the table, the later
# one frees it first.
from libc.stdlib cimport malloc, free

def parse_weights(list values, double limit):
    cdef Py_ssize_t n = len(values), i
    cdef double* weights = <double*>malloc(n * sizeof(double))  # expect: CY007
    if weights == NULL:
        raise MemoryError()
    for i in range(n):
        if values[i] is None:
            raise ValueError("missing weight at %d" % i)
        weights[i] = values[i]
    cdef double total = 0
    for i in range(n):
        total += weights[i]
    if total > limit:
        free(weights)
        raise ValueError("weights exceed the limit")
    free(weights)
    return total
