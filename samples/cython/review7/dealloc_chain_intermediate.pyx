# The clean twin of dealloc_chain_intermediate_bug.pyx: each field's block is freed once
# as it flows through Leaf's, Mid's and Root's __dealloc__ in the order Cython runs them.
from libc.stdlib cimport malloc, free

cdef class Root:
    cdef char* buf

    def __cinit__(self, *args, **kwargs):
        self.buf = <char*>malloc(16)
        if self.buf == NULL:
            raise MemoryError()

    def __dealloc__(self):
        free(self.buf)


cdef class Resetting(Root):
    cdef int* idx

    def __cinit__(self, *args, **kwargs):
        self.idx = <int*>malloc(8 * sizeof(int))
        if self.idx == NULL:
            raise MemoryError()

    def __dealloc__(self):
        free(self.idx)
        # Whatever a subclass left here, Root frees NULL.
        self.buf = NULL


cdef class Leaf(Resetting):
    def __dealloc__(self):
        free(self.buf)


cdef class Tidy(Root):
    cdef int* idx

    def __cinit__(self, *args, **kwargs):
        self.idx = <int*>malloc(8 * sizeof(int))
        if self.idx == NULL:
            raise MemoryError()

    def __dealloc__(self):
        free(self.idx)


cdef class TidyLeaf(Tidy):
    def __dealloc__(self):
        free(self.buf)
        self.buf = NULL


cdef class Guarded:
    cdef char* data
    cdef bint owns

    def __cinit__(self, *args, **kwargs):
        self.data = <char*>malloc(16)
        if self.data == NULL:
            raise MemoryError()
        self.owns = True

    def __dealloc__(self):
        if self.owns:
            free(self.data)


cdef class Passive(Guarded):
    cdef int* extra

    def __cinit__(self, *args, **kwargs):
        self.extra = <int*>malloc(4 * sizeof(int))
        if self.extra == NULL:
            raise MemoryError()

    def __dealloc__(self):
        free(self.extra)


cdef class Releaser(Passive):
    def __dealloc__(self):
        # The flag flows through Passive.__dealloc__ to Guarded's test.
        free(self.data)
        self.owns = False
