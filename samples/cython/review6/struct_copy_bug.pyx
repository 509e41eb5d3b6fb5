# A struct copied by value (`b = a`) copies its pointer fields: `b.data` points at the
# block `a.data` holds, and stays pointing at it after `free(a.data)`.
from libc.stdlib cimport malloc, free

cdef struct Buf:
    char* data
    size_t n

def write_after_free(size_t n):
    cdef Buf a, b
    a.data = <char*>malloc(n)
    if a.data == NULL:
        raise MemoryError()
    a.n = n
    b = a
    free(a.data)
    b.data[0] = 1  # expect: CY006

def free_both_copies(size_t n):
    cdef Buf a, b
    a.data = <char*>malloc(n)
    if a.data == NULL:
        raise MemoryError()
    b = a
    free(a.data)
    free(b.data)  # expect: CY005
