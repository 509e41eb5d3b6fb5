# drop() frees the text but leaves the tag saying TEXT: __dealloc__ frees it again.
from libc.stdlib cimport free
from libc.string cimport strdup

DEF TEXT = 1


cdef class Value:
    cdef int kind
    cdef char* text

    def set_text(self, bytes s):
        cdef char* t = strdup(s)
        if t == NULL:
            raise MemoryError()
        if self.kind == TEXT:
            free(self.text)  # expect: CY005
        self.text = t
        self.kind = TEXT

    def drop(self):
        if self.kind == TEXT:
            free(self.text)

    def __dealloc__(self):
        if self.kind == TEXT:
            free(self.text)  # expect: CY005
