# close() frees the rows when the size is positive but leaves the size as it was:
# __dealloc__, guarded by the same test, frees them again.
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

    def __dealloc__(self):
        if self.size > 0:
            free(self.rows)  # expect: CY005
