# A block handed off inside another value: an integer handle, an element of a returned
# C tuple, a field of a returned struct. The caller owns it then, as with `Buf(p, n)`.
from libc.stdlib cimport malloc, free

cdef struct Buf:
    char* data
    size_t n

_handles = {}


def open_handle(size_t n):
    cdef char* p = <char*>malloc(n)
    if p == NULL:
        raise MemoryError()
    return <size_t>p


def open_registered(size_t n):
    cdef char* p = <char*>malloc(n)
    if p == NULL:
        raise MemoryError()
    cdef size_t h = <size_t>p
    _handles[h] = n
    return h


def close_handle(size_t h):
    free(<char*>h)


cdef (char*, size_t) make_pair(size_t n):
    cdef char* p = <char*>malloc(n)
    if p == NULL:
        return NULL, 0
    return p, n


cdef Buf make_from_dict(size_t n) except *:
    cdef char* p = <char*>malloc(n)
    if p == NULL:
        raise MemoryError()
    return {'data': p, 'n': n}


cdef Buf make_from_keywords(size_t n) noexcept nogil:
    cdef char* p = <char*>malloc(n)
    if p == NULL:
        return Buf(data=NULL, n=0)
    return Buf(data=p, n=n)


cdef Buf make_through_a_local(size_t n) except *:
    cdef char* p = <char*>malloc(n)
    if p == NULL:
        raise MemoryError()
    cdef Buf b = {'data': p, 'n': n}
    return b


def handle_only_logged(size_t n):
    cdef char* p = <char*>malloc(n)  # expect: CY007, CY008
    if p == NULL:
        raise MemoryError()
    cdef size_t h = <size_t>p
    print(h)


cdef Buf struct_kept_local(size_t n) except *:
    cdef char* p = <char*>malloc(n)  # expect: CY007
    if p == NULL:
        raise MemoryError()
    cdef Buf b = {'data': p, 'n': n}
    cdef Buf empty
    empty.data = NULL
    empty.n = 0
    return empty
