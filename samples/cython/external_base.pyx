# Extension types whose base class lives in another module: its `__dealloc__`, which
# Cython runs after the subclass's, cannot be seen from here.
from libc.stdlib cimport malloc, free
from .containers cimport BufferBase


cdef class Floats(BufferBase):
    # `data` is inherited from BufferBase, whose __dealloc__ frees it: nothing to report.

    def __cinit__(self, size_t n):
        self.data = <double*>malloc(n * sizeof(double))
        if self.data == NULL:
            raise MemoryError()


cdef class Labelled(BufferBase):
    # `label` is this class's own: no base class can know to free it.
    cdef char* label

    def __cinit__(self, size_t n):
        self.label = <char*>malloc(n + 1)  # expect: CY004
        if self.label == NULL:
            raise MemoryError()
        self.label[0] = 0


cdef class ReleasesInherited(BufferBase):
    # Whether BufferBase.__dealloc__ (run next, in another module) frees `data` too is
    # not seen from here: no double free is reported.
    def __dealloc__(self):
        free(self.data)
