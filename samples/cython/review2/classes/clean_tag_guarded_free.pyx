# A tagged value freed by its tag without NULLing the pointer: every release switches the
# tag, so a later `if self.kind == TEXT: free(self.text)` never sees the freed block.
from libc.stdlib cimport malloc, free
from libc.string cimport strdup

DEF EMPTY = 0
DEF TEXT = 1
DEF ARRAY = 2


cdef class Value:
    cdef int kind
    cdef char* text
    cdef double* array

    def set_text(self, bytes s):
        cdef char* t = strdup(s)
        if t == NULL:
            raise MemoryError()
        if self.kind == TEXT:
            free(self.text)
        elif self.kind == ARRAY:
            free(self.array)
        self.text = t
        self.kind = TEXT

    def set_array(self, Py_ssize_t n):
        cdef double* a = <double*>malloc(n * sizeof(double))
        if a == NULL:
            raise MemoryError()
        if self.kind == TEXT:
            free(self.text)
        elif self.kind == ARRAY:
            free(self.array)
        self.array = a
        self.kind = ARRAY

    def drop(self):
        if self.kind == 1:
            free(self.text)
            self.kind = 0
        elif self.kind != EMPTY:
            free(self.array)
            self.kind = EMPTY

    def __dealloc__(self):
        if self.kind == TEXT:
            free(self.text)
        elif self.kind == ARRAY:
            free(self.array)
