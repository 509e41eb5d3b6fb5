from libc.stdlib cimport malloc, free
from libc.string cimport strlen, strcpy

cdef class Token:
    cdef char* text
    cdef char* cursor
    cdef bint finished

    def __cinit__(self, bytes source):
        self.text = <char*>malloc(len(source) + 1)  # expect: CY001, CY004
        strcpy(self.text, source)
        self.cursor = self.text
        self.finished = False

    def finish(self):
        self.finished = True

    def __dealloc__(self):
        if not self.finished:
            free(self.text)

def tokenize(bytes source):
    cdef char* copy = <char*>malloc(len(source) + 1)  # expect: CY001
    if copy == NULL:
        pass
    strcpy(copy, source)
    free(copy)
