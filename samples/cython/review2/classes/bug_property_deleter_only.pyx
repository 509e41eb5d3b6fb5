# The only free is in the property's __del__, the deleter `del tag.name` runs: no
# finalizer, so an instance that dies with its name leaks it.
from libc.stdlib cimport free
from libc.string cimport strdup


cdef class Tag:
    cdef char* _name

    def __cinit__(self, bytes name):
        self._name = strdup(name)  # expect: CY004
        if self._name == NULL:
            raise MemoryError()

    property name:
        def __get__(self):
            return self._name if self._name != NULL else None

        def __del__(self):
            free(self._name)
            self._name = NULL
