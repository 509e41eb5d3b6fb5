# The old block kept in another variable before `p = realloc(p, n)`: a failure loses
# nothing, the old block is restored or freed through the copy.
from libc.stdlib cimport malloc, realloc, free
from cpython.mem cimport PyMem_Realloc, PyMem_Free


cdef class Buffer:
    cdef double* data

    def __cinit__(self):
        self.data = NULL

    def resize(self, size_t n):
        cdef double* old = self.data
        self.data = <double*>PyMem_Realloc(self.data, n)
        if self.data == NULL:
            self.data = old
            raise MemoryError()

    def grow_without_copy(self, size_t n):
        self.data = <double*>PyMem_Realloc(self.data, n)  # expect: CY003
        if self.data == NULL:
            raise MemoryError()

    def __dealloc__(self):
        PyMem_Free(self.data)


def grow(size_t n):
    cdef char* p = <char*>malloc(n)
    if p == NULL:
        raise MemoryError()
    cdef char* old = p
    p = <char*>realloc(p, 2 * n)
    if p == NULL:
        free(old)
        raise MemoryError()
    free(p)


def grow_losing_the_old_block(size_t n):
    cdef char* p = <char*>malloc(n)
    if p == NULL:
        raise MemoryError()
    p = <char*>realloc(p, 2 * n)  # expect: CY003
    if p == NULL:
        raise MemoryError()
    free(p)
