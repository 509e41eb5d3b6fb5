# close() frees the buffer and marks the log CLOSED without NULLing it; grow() refuses a
# closed log and __dealloc__ frees only an open one.
from libc.stdlib cimport malloc, realloc, free


cdef enum State:
    OPEN = 1
    CLOSED = 2


cdef class Log:
    cdef char* buf
    cdef size_t cap
    cdef State state

    def __cinit__(self, size_t cap):
        self.buf = <char*>malloc(cap)
        if self.buf == NULL:
            raise MemoryError()
        self.cap = cap
        self.state = OPEN

    def close(self):
        if self.state == OPEN:
            free(self.buf)
            self.state = CLOSED

    def grow(self, size_t cap):
        cdef char* tmp
        if self.state != OPEN:
            raise ValueError("closed")
        tmp = <char*>realloc(self.buf, cap)
        if tmp == NULL:
            raise MemoryError()
        self.buf = tmp
        self.cap = cap

    def __dealloc__(self):
        if self.state == OPEN:
            free(self.buf)
