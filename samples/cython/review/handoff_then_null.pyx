# A block stored in an attribute, handed to a function that takes it, and the attribute
# set to NULL: the class owns nothing.
from libc.stdlib cimport malloc, free

cdef extern from "sink.h":
    void consume(char* p)


cdef class Producer:
    cdef char* buf

    def go(self, int n):
        self.buf = <char*>malloc(n)
        if self.buf == NULL:
            raise MemoryError()
        consume(self.buf)
        self.buf = NULL


cdef class KeepsIt:
    cdef char* buf

    def go(self, int n):
        self.buf = <char*>malloc(n)  # expect: CY004
        if self.buf == NULL:
            raise MemoryError()
        self.buf[0] = 0
