# The module's own `.pxd` defines an inline helper that returns a fresh malloc block; its
# `.pyx` calls it by its bare name, with no cimport.
from libc.stdlib cimport malloc


cdef inline char* copy_bytes(const char* s, size_t n) noexcept nogil:
    cdef char* p = <char*> malloc(n + 1)
    cdef size_t i
    if p == NULL:
        return NULL
    for i in range(n):
        p[i] = s[i]
    p[n] = 0
    return p
