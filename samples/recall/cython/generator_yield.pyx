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


# `except Exception` does not catch `GeneratorExit` (a `BaseException`): closing the
# generator skips the handler's `free`.
def rows(int n):
    cdef int* row = <int*>malloc(n * sizeof(int))  # expect: CY008
    cdef int i
    if row == NULL:
        raise MemoryError()
    try:
        for i in range(n):
            yield i
    except Exception:
        free(row)
        raise
    free(row)


# A handler of `GeneratorExit` that returns before the `free`.
def columns(int n):
    cdef int* column = <int*>malloc(n * sizeof(int))  # expect: CY008
    cdef int i
    if column == NULL:
        raise MemoryError()
    try:
        for i in range(n):
            yield i
    except GeneratorExit:
        return
    free(column)


# `except ValueError` comes first, but only `except (GeneratorExit, KeyError)` takes a
# closed generator's exception, and it does not free.
def cells(int n):
    cdef int* cell = <int*>malloc(n * sizeof(int))  # expect: CY008
    cdef int i
    if cell == NULL:
        raise MemoryError()
    try:
        for i in range(n):
            yield i
    except ValueError:
        free(cell)
        raise
    except (GeneratorExit, KeyError):
        raise
    free(cell)
