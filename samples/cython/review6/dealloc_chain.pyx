# Subclasses whose __dealloc__ frees a field the base class's __dealloc__ (run next by
# Cython) also frees, but leaves nothing for it to free twice.
from libc.stdlib cimport malloc, free
from cpython.mem cimport PyMem_Malloc, PyMem_Free

cdef class Base:
    cdef char* name

    def __cinit__(self, *args, **kwargs):
        self.name = <char*>malloc(16)
        if self.name == NULL:
            raise MemoryError()

    def __dealloc__(self):
        free(self.name)


cdef class Resets(Base):
    # free(NULL) in Base.__dealloc__ is harmless.
    def __dealloc__(self):
        free(self.name)
        self.name = NULL


cdef class Checked:
    cdef double* values

    def __cinit__(self, size_t n):
        self.values = <double*>malloc(n * sizeof(double))
        if self.values == NULL:
            raise MemoryError()

    def __dealloc__(self):
        if self.values != NULL:
            free(self.values)


cdef class ResetsChecked(Checked):
    def __dealloc__(self):
        if self.values != NULL:
            free(self.values)
            self.values = NULL


cdef class Owned:
    cdef char* data
    cdef bint owns

    def __cinit__(self, *args, **kwargs):
        self.data = <char*>malloc(8)
        if self.data == NULL:
            raise MemoryError()
        self.owns = True

    def __dealloc__(self):
        if self.owns:
            free(self.data)


cdef class Disowns(Owned):
    # The flag tells Owned.__dealloc__ the block is gone.
    def __dealloc__(self):
        free(self.data)
        self.owns = False


cdef class Extra(Base):
    # Its own field: Base.__dealloc__ never touches it.
    cdef char* extra

    def __cinit__(self, *args, **kwargs):
        self.extra = <char*>PyMem_Malloc(8)
        if self.extra == NULL:
            raise MemoryError()

    def __dealloc__(self):
        PyMem_Free(self.extra)
