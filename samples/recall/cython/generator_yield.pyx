# A block live across a `yield`: closing the generator early (`gen.close()`, `break` out
# of a `for` over it, dropping the last reference) raises `GeneratorExit` at the `yield`,
# and the `free` after the loop never runs.
from libc.stdlib cimport malloc, free


def windows(list data, int k):
    cdef int* buf = <int*>malloc(k * sizeof(int))  # expect: CY008
    if buf == NULL:
        raise MemoryError()
    cdef int start, j
    for start in range(len(data) - k + 1):
        for j in range(k):
            buf[j] = data[start + j]
        yield [buf[j] for j in range(k)]
    free(buf)


def chunks(bytes payload, size_t size):
    cdef char* scratch = <char*>malloc(size)  # expect: CY008
    if scratch == NULL:
        raise MemoryError()
    cdef size_t offset = 0
    while offset < len(payload):
        received = yield offset
        if received is not None:
            offset = 0
        offset += size
    free(scratch)
