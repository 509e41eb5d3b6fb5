# `tmp = realloc(buf, n)`: where it returns NULL the old block was not freed and `buf`
# still owns it; leaving on that path without freeing `buf` leaks it.
from libc.stdlib cimport malloc, realloc, free


def raises_on_failure(int m):
    cdef int* buf = <int*>malloc(4 * sizeof(int))  # expect: CY007
    cdef int* tmp
    if buf == NULL:
        raise MemoryError()
    tmp = <int*>realloc(buf, m * sizeof(int))
    if tmp == NULL:
        raise MemoryError()
    buf = tmp
    buf[0] = 1
    free(buf)


def returns_on_failure(int m):
    cdef int* buf = <int*>malloc(4 * sizeof(int))  # expect: CY007
    cdef int* tmp
    if buf == NULL:
        raise MemoryError()
    tmp = <int*>realloc(buf, m * sizeof(int))
    if tmp == NULL:
        return None
    buf = tmp
    buf[0] = 1
    free(buf)


def frees_the_wrong_pointer(list xs):
    cdef size_t cap = 4, n = 0
    cdef int* buf = <int*>malloc(cap * sizeof(int))  # expect: CY007
    cdef int* tmp
    if buf == NULL:
        raise MemoryError()
    for x in xs:
        if n == cap:
            tmp = <int*>realloc(buf, cap * 2 * sizeof(int))
            if tmp == NULL:
                free(tmp)
                raise MemoryError()
            buf = tmp
            cap *= 2
        buf[n] = x
        n += 1
    free(buf)
    return n
