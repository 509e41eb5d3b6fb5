# The flag that chose the allocator is honoured wherever the block is released: in a
# helper `__dealloc__` and `close()` share, in `close()` itself, in a method that frees
# only one family's block, and when the flag is a copy of a parameter or a local.
from libc.stdlib cimport malloc, free
from cpython.mem cimport PyMem_Malloc, PyMem_Free


cdef class Arena:
    cdef char* small
    cdef char* big
    cdef bint big_is_pymem

    def __cinit__(self, size_t n):
        self.small = <char*>malloc(64)
        if self.small == NULL:
            raise MemoryError()
        if n > 1024:
            self.big = <char*>PyMem_Malloc(n)
            self.big_is_pymem = True
        else:
            self.big = <char*>malloc(n + 1)
            self.big_is_pymem = False
        if self.big == NULL:
            raise MemoryError()

    cdef void _release(self) noexcept:
        free(self.small)
        self.small = NULL
        if self.big_is_pymem:
            PyMem_Free(self.big)
        else:
            free(self.big)
        self.big = NULL

    def close(self):
        self._release()

    def __dealloc__(self):
        self._release()


cdef class Closable:
    cdef char* big
    cdef bint big_is_pymem

    def __cinit__(self, size_t n):
        if n > 1024:
            self.big = <char*>PyMem_Malloc(n)
            self.big_is_pymem = True
        else:
            self.big = <char*>malloc(n + 1)
            self.big_is_pymem = False
        if self.big == NULL:
            raise MemoryError()

    def close(self):
        if self.big_is_pymem:
            PyMem_Free(self.big)
        else:
            free(self.big)
        self.big = NULL

    def shrink(self):
        if self.big != NULL and not self.big_is_pymem:
            free(self.big)
            self.big = <char*>malloc(16)
            if self.big == NULL:
                raise MemoryError()

    def __dealloc__(self):
        if self.big_is_pymem:
            PyMem_Free(self.big)
        else:
            free(self.big)


cdef class FromParameter:
    cdef void* p
    cdef bint pymem

    def __cinit__(self, size_t n, bint pymem):
        self.pymem = pymem
        if pymem:
            self.p = PyMem_Malloc(n)
        else:
            self.p = malloc(n)
        if self.p == NULL:
            raise MemoryError()

    def close(self):
        if self.p != NULL:
            if self.pymem:
                PyMem_Free(self.p)
            else:
                free(self.p)
            self.p = NULL

    def __dealloc__(self):
        if self.pymem:
            PyMem_Free(self.p)
        else:
            free(self.p)


cdef class StoredAfterTest:
    cdef void* p
    cdef bint pymem

    def __cinit__(self, size_t n):
        cdef bint pymem = n <= 256
        if pymem:
            self.p = PyMem_Malloc(n)
        else:
            self.p = malloc(n)
        if self.p == NULL:
            raise MemoryError()
        self.pymem = pymem

    def __dealloc__(self):
        cdef bint pymem = self.pymem
        self.pymem = False
        if pymem:
            PyMem_Free(self.p)
        else:
            free(self.p)
