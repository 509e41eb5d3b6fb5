# A property setter that stores a fresh block in an attribute `__dealloc__` owns, without
# freeing the block an earlier set left there: every set after the first leaks one.
from libc.stdlib cimport malloc, free
from libc.string cimport strdup


cdef class Named:
    cdef char* _name

    @property
    def name(self):
        return self._name

    @name.setter
    def name(self, bytes value):
        cdef char* s = strdup(value)
        if s == NULL:
            raise MemoryError()
        self._name = s  # expect: CY007

    def __dealloc__(self):
        free(self._name)


cdef class Sized:
    cdef double* weights

    property weights:
        def __set__(self, size_t n):
            self.weights = <double*>malloc(n * sizeof(double))  # expect: CY007
            if self.weights == NULL:
                raise MemoryError()

    def __dealloc__(self):
        if self.weights != NULL:
            free(self.weights)
