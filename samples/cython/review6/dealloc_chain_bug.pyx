# A subclass's __dealloc__ that frees a field its base class also frees, and leaves it
# pointing at the freed block: Cython runs Derived.__dealloc__, then Base.__dealloc__.
from libc.stdlib cimport malloc, free

cdef class Base:
    cdef char* name

    def __cinit__(self, *args, **kwargs):
        self.name = <char*>malloc(16)
        if self.name == NULL:
            raise MemoryError()

    def __dealloc__(self):
        free(self.name)


cdef class Derived(Base):
    def __dealloc__(self):
        free(self.name)  # expect: CY005


cdef class Grandchild(Derived):
    # Derived.__dealloc__ runs next and frees it again.
    def __dealloc__(self):
        if self.name != NULL:
            free(self.name)  # expect: CY005


cdef class Checked:
    cdef double* values

    def __cinit__(self, size_t n):
        self.values = <double*>malloc(n * sizeof(double))
        if self.values == NULL:
            raise MemoryError()

    def __dealloc__(self):
        # The test does not help: the subclass left the freed block in place.
        if self.values != NULL:
            free(self.values)


cdef class Shortcut(Checked):
    def __dealloc__(self):
        free(self.values)  # expect: CY005
