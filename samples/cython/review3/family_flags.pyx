# An instance flag picks the allocator in `__cinit__` and the matching deallocator in
# `__dealloc__`: each release meets only blocks of its own family.
from libc.stdlib cimport malloc, free
from cpython.mem cimport PyMem_Malloc, PyMem_Free


cdef class Scratch:
    cdef char* buf
    cdef bint pymem

    def __cinit__(self, bint small):
        self.pymem = small
        if self.pymem:
            self.buf = <char*>PyMem_Malloc(16)
        else:
            self.buf = <char*>malloc(1 << 20)
        if self.buf == NULL:
            raise MemoryError()

    def __dealloc__(self):
        if self.pymem:
            PyMem_Free(self.buf)
        else:
            free(self.buf)


cdef class Sized:
    cdef double* data
    cdef int kind

    def __cinit__(self, Py_ssize_t n):
        if n <= 64:
            self.kind = 1
            self.data = <double*>PyMem_Malloc(n * sizeof(double))
        else:
            self.kind = 2
            self.data = <double*>malloc(n * sizeof(double))
        if self.data == NULL:
            raise MemoryError()

    def __dealloc__(self):
        if self.kind == 1:
            PyMem_Free(self.data)
        elif self.kind == 2:
            free(self.data)
