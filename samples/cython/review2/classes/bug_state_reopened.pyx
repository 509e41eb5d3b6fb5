# reopen() marks the log OPEN again without a new buffer: after close() then reopen(),
# __dealloc__ frees the block close() freed.
from libc.stdlib cimport malloc, free


cdef enum State:
    OPEN = 1
    CLOSED = 2


cdef class Log:
    cdef char* buf
    cdef State state

    def __cinit__(self, size_t cap):
        self.buf = <char*>malloc(cap)
        if self.buf == NULL:
            raise MemoryError()
        self.state = OPEN

    def close(self):
        if self.state == OPEN:
            free(self.buf)
            self.state = CLOSED

    def reopen(self):
        self.state = OPEN

    def __dealloc__(self):
        if self.state == OPEN:
            free(self.buf)  # expect: CY005
