# Returned blocks the caller does own: kept only in the helper's own locals, or handed
# out through `&place` while the helper returns something else.
from libc.stdlib cimport malloc, free
from cpython.mem cimport PyMem_Malloc, PyMem_Free


cdef struct pair_t:
    char* data
    size_t size


cdef char* fresh_copy(size_t n) noexcept nogil:
    cdef pair_t local
    local.data = <char*>malloc(n)
    local.size = n
    return local.data


def leaks_the_copy(size_t n):
    cdef char* b = fresh_copy(n)  # expect: CY007
    if b == NULL:
        raise MemoryError()
    b[0] = 0


cdef int fill_out(size_t n, void** out) except -1:
    cdef void* p = PyMem_Malloc(n)
    if p == NULL:
        raise MemoryError()
    out[0] = p
    return 0


def leaks_the_out_block(size_t n):
    cdef void* c = NULL
    rc = fill_out(n, &c)  # expect: CY007
    (<char*>c)[0] = 0
