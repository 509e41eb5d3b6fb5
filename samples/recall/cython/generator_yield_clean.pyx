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


# `except Exception` does not catch `GeneratorExit`, but the `finally` frees either way.
def rows(int n):
    cdef int* row = <int*>malloc(n * sizeof(int))
    cdef int i
    if row == NULL:
        raise MemoryError()
    try:
        for i in range(n):
            yield i
    except Exception:
        pass
    finally:
        free(row)


# A bare `except:` takes `GeneratorExit` too.
def columns(int n):
    cdef int* column = <int*>malloc(n * sizeof(int))
    cdef int i
    if column == NULL:
        raise MemoryError()
    try:
        for i in range(n):
            yield i
    except:
        free(column)
        raise
    free(column)


# The first handler that names `GeneratorExit` frees; the `except Exception` before it is
# not entered when the generator is closed, so nothing is freed twice.
def cells(int n):
    cdef int* cell = <int*>malloc(n * sizeof(int))
    cdef int i
    if cell == NULL:
        raise MemoryError()
    try:
        for i in range(n):
            yield i
    except Exception:
        free(cell)
        raise
    except GeneratorExit:
        free(cell)
        raise
    free(cell)


# Nested: the inner `except Exception` lets `GeneratorExit` through to the outer
# `except BaseException`, which frees.
def pages(int n):
    cdef int* page = <int*>malloc(n * sizeof(int))
    cdef int i
    if page == NULL:
        raise MemoryError()
    try:
        try:
            for i in range(n):
                yield i
        except Exception:
            pass
    except BaseException:
        free(page)
        raise
    free(page)
