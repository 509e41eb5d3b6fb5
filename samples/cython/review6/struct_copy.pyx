# Struct copies done right: a copy that gets its own block before the original's is
# freed, a copy that takes over the block (freed once, through the copy), and an
# original cleared after the free with the copy never read again.
from libc.stdlib cimport malloc, free
from libc.string cimport memcpy

cdef struct Buf:
    char* data
    size_t n

def deep_copy(size_t n):
    cdef Buf a, b
    a.data = <char*>malloc(n)
    if a.data == NULL:
        raise MemoryError()
    a.n = n
    b = a
    b.data = <char*>malloc(n)
    if b.data == NULL:
        free(a.data)
        raise MemoryError()
    memcpy(b.data, a.data, n)
    free(a.data)
    b.data[0] = 1
    free(b.data)

def take_over(size_t n):
    cdef Buf a, b
    a.data = <char*>malloc(n)
    if a.data == NULL:
        raise MemoryError()
    b = a
    a.data = NULL
    b.data[0] = 1
    free(b.data)

def clear_original(size_t n):
    cdef Buf a, b
    a.data = <char*>malloc(n)
    if a.data == NULL:
        raise MemoryError()
    b = a
    b.n = 0
    free(a.data)
    a.data = NULL
    return b.n

def copy_through_pointer(size_t n):
    cdef Buf a
    cdef Buf* view = &a
    a.data = <char*>malloc(n)
    if a.data == NULL:
        raise MemoryError()
    view.data[0] = 1
    free(a.data)
