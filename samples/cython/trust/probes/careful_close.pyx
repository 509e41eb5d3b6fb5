# A file-like reader with close(): close() frees and forgets, __dealloc__ frees what is
# left, every method checks that the reader is open.
from libc.stdlib cimport malloc, free
from libc.string cimport memcpy

cdef class Reader:
    cdef char* buffer
    cdef Py_ssize_t size, position

    def __cinit__(self, bytes data):
        self.size = len(data)
        self.buffer = <char*>malloc(self.size + 1)
        if self.buffer is NULL:
            raise MemoryError()
        memcpy(self.buffer, <char*>data, self.size)
        self.position = 0

    def read(self, Py_ssize_t n=-1):
        if self.buffer is NULL:
            raise ValueError("read from a closed reader")
        if n < 0 or self.position + n > self.size:
            n = self.size - self.position
        chunk = self.buffer[self.position:self.position + n]
        self.position += n
        return chunk

    def close(self):
        if self.buffer is not NULL:
            free(self.buffer)
            self.buffer = NULL

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __dealloc__(self):
        if self.buffer is not NULL:
            free(self.buffer)
