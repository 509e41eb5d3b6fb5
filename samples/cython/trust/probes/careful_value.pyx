# A tagged value: the kind says which payload is live, __dealloc__ frees by kind, and
# set_text()/set_array() free the old payload before switching.
from libc.stdlib cimport malloc, free
from libc.string cimport strcpy, strlen

cdef enum Kind:
    EMPTY = 0
    TEXT = 1
    ARRAY = 2

cdef class Value:
    cdef int kind
    cdef char* text
    cdef double* array
    cdef Py_ssize_t length

    def __cinit__(self):
        self.kind = EMPTY

    cdef void _clear(self) noexcept:
        if self.kind == TEXT:
            free(self.text)
        elif self.kind == ARRAY:
            free(self.array)
        self.kind = EMPTY

    def set_text(self, bytes value):
        cdef char* copy = <char*>malloc(len(value) + 1)
        if copy == NULL:
            raise MemoryError()
        strcpy(copy, value)
        self._clear()
        self.text = copy
        self.kind = TEXT

    def set_array(self, Py_ssize_t n):
        cdef double* data = <double*>malloc(n * sizeof(double))
        if data == NULL:
            raise MemoryError()
        self._clear()
        self.array = data
        self.length = n
        self.kind = ARRAY

    def __dealloc__(self):
        if self.kind == TEXT:
            free(self.text)
        elif self.kind == ARRAY:
            free(self.array)
