# The class's attributes are declared in its .pxd (not linted here): the methods still
# see that `__dealloc__` frees `self.data` through `_free`.
from libc.stdlib cimport malloc, free


cdef class Buffer:
    def __cinit__(self, size_t n):
        self.data = <double*> malloc(n * sizeof(double))
        if self.data == NULL:
            raise MemoryError()

    cdef void _free(self) noexcept:
        free(self.data)
        self.data = NULL

    def __dealloc__(self):
        self._free()


cdef class Leaks:
    def __cinit__(self, size_t n):
        self.data = <double*> malloc(n * sizeof(double))  # expect: CY004
        if self.data == NULL:
            raise MemoryError()

    def __dealloc__(self):
        pass
