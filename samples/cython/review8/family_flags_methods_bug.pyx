# Outside `__dealloc__` too, a release that a block of another family can reach is a
# mismatch: the flag read the wrong way round in a helper, no test in `close()`, and a
# parameter reassigned between its copy into the flag and the test that chooses.
from libc.stdlib cimport malloc, free
from cpython.mem cimport PyMem_Malloc, PyMem_Free


cdef class SwappedHelper:
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

    cdef void _release(self) noexcept:
        if self.big_is_pymem:
            free(self.big)  # expect: CY002
        else:
            PyMem_Free(self.big)  # expect: CY002
        self.big = NULL

    def __dealloc__(self):
        self._release()


cdef class UntestedClose:
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
        free(self.big)  # expect: CY002
        self.big = NULL

    def shrink(self):
        if self.big_is_pymem:
            free(self.big)  # expect: CY002
            self.big = NULL

    def __dealloc__(self):
        if self.big_is_pymem:
            PyMem_Free(self.big)
        else:
            free(self.big)


cdef class ReassignedParameter:
    cdef void* p
    cdef bint pymem

    def __cinit__(self, size_t n, bint pymem):
        self.pymem = pymem
        pymem = n <= 256
        if pymem:
            self.p = PyMem_Malloc(n)
        else:
            self.p = malloc(n)
        if self.p == NULL:
            raise MemoryError()

    def __dealloc__(self):
        if self.pymem:
            PyMem_Free(self.p)  # expect: CY002
        else:
            free(self.p)  # expect: CY002
