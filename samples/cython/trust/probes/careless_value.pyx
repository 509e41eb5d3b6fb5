# The tagged value with a slip: set_array() forgets to set the kind, so __dealloc__,
# which frees by kind, never frees the array.
from libc.stdlib cimport malloc, free

cdef class Value:
    cdef int kind
    cdef char* text
    cdef double* array

    def __cinit__(self):
        self.kind = 0

    def set_text(self, Py_ssize_t n):
        self.text = <char*>malloc(n + 1)
        if self.text == NULL:
            raise MemoryError()
        self.text[0] = 0
        self.kind = 1

    def set_array(self, Py_ssize_t n):
        self.array = <double*>malloc(n * sizeof(double))  # expect: CY004
        if self.array == NULL:
            raise MemoryError()

    def __dealloc__(self):
        if self.kind == 1:
            free(self.text)
        elif self.kind == 2:
            free(self.array)
