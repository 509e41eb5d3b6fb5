# The property's deleter frees the name and NULLs it; __dealloc__ frees what is left.
from libc.stdlib cimport free
from libc.string cimport strdup


cdef class Tag:
    cdef char* _name

    def __cinit__(self, bytes name):
        self._name = strdup(name)
        if self._name == NULL:
            raise MemoryError()

    property name:
        def __get__(self):
            return self._name if self._name != NULL else None

        def __del__(self):
            free(self._name)
            self._name = NULL

    def __dealloc__(self):
        free(self._name)
