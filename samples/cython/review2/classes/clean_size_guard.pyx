# close() frees the rows and zeroes the size without NULLing the pointer; every other use
# is guarded by the size.
from libc.stdlib cimport malloc, free


cdef class Table:
    cdef long* rows
    cdef Py_ssize_t size

    def __cinit__(self, Py_ssize_t size):
        self.size = 0
        self.rows = <long*>malloc(size * sizeof(long))
        if self.rows == NULL:
            raise MemoryError()
        self.size = size

    def close(self):
        if self.size > 0:
            free(self.rows)
            self.size = 0

    def first(self):
        if 0 < self.size:
            return self.rows[0]
        return None

    def last(self):
        if self.size <= 0:
            raise IndexError("closed")
        return self.rows[self.size - 1]

    def __dealloc__(self):
        if self.size >= 1:
            free(self.rows)
