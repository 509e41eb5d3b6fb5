# CY007: a block owned by a local lost on some path.
from libc.stdlib cimport malloc, free
from cpython.mem cimport PyMem_Malloc, PyMem_Free


def second_allocation_fails(int n):
    cdef double* a = <double*>malloc(n * sizeof(double))  # expect: CY007
    cdef double* b = <double*>malloc(n * sizeof(double))  # expect: CY007
    if a == NULL or b == NULL:
        raise MemoryError()
    a[0] = b[0]
    free(a)
    free(b)


def early_return(int n, bint skip):
    cdef char* p = <char*>PyMem_Malloc(n)  # expect: CY007
    if p == NULL:
        raise MemoryError()
    if skip:
        return None
    p[0] = 0
    PyMem_Free(p)


def never_freed(int n):
    cdef char* p = <char*>malloc(n)  # expect: CY007
    if p == NULL:
        raise MemoryError()
    p[0] = 0


def overwritten(int n):
    cdef char* p = <char*>malloc(n)  # expect: CY007
    if p == NULL:
        raise MemoryError()
    p = <char*>malloc(2 * n)
    if p == NULL:
        raise MemoryError()
    free(p)


def overwritten_on_the_next_turn(int n):
    cdef char* p = NULL
    cdef int i
    for i in range(n):
        p = <char*>malloc(n)  # expect: CY007
        if p == NULL:
            raise MemoryError()
        p[0] = 0
    free(p)


def raised_after_the_check(int n):
    cdef char* p = <char*>malloc(n)  # expect: CY007
    if p == NULL:
        raise MemoryError()
    if n > 100:
        raise ValueError("too large")
    free(p)
