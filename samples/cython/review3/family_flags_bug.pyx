# The flag that chose the allocator is read the wrong way round, or not at all, when the
# block is released.
from libc.stdlib cimport malloc, free
from cpython.mem cimport PyMem_Malloc, PyMem_Free


cdef class Swapped:
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
            free(self.buf)  # expect: CY002
        else:
            PyMem_Free(self.buf)  # expect: CY002


cdef class Ignored:
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
        PyMem_Free(self.buf)  # expect: CY002


cdef class Flipped:
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

    def mark_small(self):
        self.pymem = True

    def __dealloc__(self):
        if self.pymem:
            PyMem_Free(self.buf)  # expect: CY002
        else:
            free(self.buf)
