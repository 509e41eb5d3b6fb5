# A NULL test whose NULL branch goes on: a use after it may read through NULL.
from libc.stdlib cimport malloc, realloc, free


def logs_and_goes_on(int n):
    cdef int* p = <int*>malloc(n)  # expect: CY001
    if p == NULL:
        print("allocation failed")
    p[0] = 1
    free(p)


def raises_on_null(int n):
    cdef int* p = <int*>malloc(n)
    if p == NULL:
        print("allocation failed")
        raise MemoryError()
    p[0] = 1
    free(p)


def uses_only_when_allocated(int n):
    cdef int* p = <int*>malloc(n)
    if p == NULL:
        print("allocation failed")
    else:
        p[0] = 1
    free(p)


def falls_back_to_a_static_buffer(int n):
    cdef int fallback[4]
    cdef int* p = <int*>malloc(n)  # expect: CY007
    if p == NULL:
        p = fallback
    p[0] = 1


def keeps_the_old_block_when_realloc_fails(int n):
    cdef char* m = <char*>malloc(20)
    if not m:
        raise MemoryError()
    m[0] = 1
    cdef char* m2 = <char*>realloc(m, 10)
    if m2:
        m = m2
    m[2] = 3
    free(m)
