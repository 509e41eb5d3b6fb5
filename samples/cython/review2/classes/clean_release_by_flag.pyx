# A release helper picks the deallocator from a flag argument; each caller passes the flag
# that matches its block. Which family a call releases with depends on the argument, so
# CY002 does not guess.
from libc.stdlib cimport malloc, free
from cpython.mem cimport PyMem_Malloc, PyMem_Free


cdef void release(void* p, bint py_heap) noexcept:
    if py_heap:
        PyMem_Free(p)
    else:
        free(p)


def both(Py_ssize_t n):
    cdef char* a = <char*>malloc(n)
    cdef char* b
    if a == NULL:
        raise MemoryError()
    b = <char*>PyMem_Malloc(n)
    if b == NULL:
        release(a, False)
        raise MemoryError()
    a[0] = 1
    b[0] = 2
    r = a[0] + b[0]
    release(b, True)
    release(a, False)
    return r
