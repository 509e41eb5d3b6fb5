# Generators that release their block whatever way they end: a `finally` (closing the
# generator runs it), a handler of `GeneratorExit` that frees and re-raises, or a block
# freed before the generator first suspends.
from libc.stdlib cimport malloc, free


def windows(list data, int k):
    cdef int* buf = <int*>malloc(k * sizeof(int))
    if buf == NULL:
        raise MemoryError()
    cdef int start, j
    try:
        for start in range(len(data) - k + 1):
            for j in range(k):
                buf[j] = data[start + j]
            yield [buf[j] for j in range(k)]
    finally:
        free(buf)


def chunks(bytes payload, size_t size):
    cdef char* scratch = <char*>malloc(size)
    if scratch == NULL:
        raise MemoryError()
    cdef size_t offset = 0
    try:
        while offset < len(payload):
            yield offset
            offset += size
    except BaseException:
        free(scratch)
        raise
    free(scratch)


def totals(list rows):
    cdef double* sums = <double*>malloc(len(rows) * sizeof(double))
    if sums == NULL:
        raise MemoryError()
    cdef Py_ssize_t i
    for i in range(len(rows)):
        sums[i] = 0.0
    result = [sums[i] for i in range(len(rows))]
    free(sums)
    for value in result:
        yield value
