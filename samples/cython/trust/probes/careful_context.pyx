# A codec context: a struct-valued attribute whose fields own blocks, released through a
# helper that takes the struct's address.
from libc.stdlib cimport malloc, calloc, free

cdef struct Tables:
    int* forward
    int* backward
    int size

cdef int tables_init(Tables* t, int size) except -1:
    t.size = size
    t.forward = <int*>calloc(size, sizeof(int))
    t.backward = <int*>calloc(size, sizeof(int))
    if t.forward == NULL or t.backward == NULL:
        free(t.forward)
        free(t.backward)
        t.forward = t.backward = NULL
        raise MemoryError()
    return 0

cdef void tables_clear(Tables* t) noexcept:
    free(t.forward)
    free(t.backward)
    t.forward = t.backward = NULL

cdef class Codec:
    cdef Tables tables

    def __cinit__(self, int size):
        tables_init(&self.tables, size)

    def encode(self, int symbol):
        return self.tables.forward[symbol % self.tables.size]

    def __dealloc__(self):
        tables_clear(&self.tables)
