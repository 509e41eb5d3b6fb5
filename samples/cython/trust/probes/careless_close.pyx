# close() that marks the reader closed but keeps the block, and a __dealloc__ that only
# frees readers that were never closed: closing leaks.
from libc.stdlib cimport malloc, free

cdef class Reader:
    cdef char* buffer
    cdef bint closed

    def __cinit__(self, Py_ssize_t size):
        self.buffer = <char*>malloc(size)  # expect: CY004
        if self.buffer == NULL:
            raise MemoryError()
        self.closed = False

    def close(self):
        self.closed = True

    def __dealloc__(self):
        if not self.closed:
            free(self.buffer)
