# The kind compared the wrong way, with another constant, off by one, or reassigned by
# another method: a block of the other family reaches the release.
from libc.stdlib cimport malloc, free
from cpython.mem cimport PyMem_Malloc, PyMem_Free


cdef class Inverted:
    cdef char* p
    cdef int kind

    def __cinit__(self, int kind):
        self.kind = kind
        if kind == 2:
            self.p = <char*>PyMem_Malloc(8)
        else:
            self.p = <char*>malloc(8)
        if self.p == NULL:
            raise MemoryError()

    def __dealloc__(self):
        if self.kind != 2:
            PyMem_Free(self.p)  # expect: CY002
        else:
            free(self.p)  # expect: CY002


cdef class OtherConstant:
    cdef char* p
    cdef int kind

    def __cinit__(self, int kind):
        self.kind = kind
        if kind == 2:
            self.p = <char*>PyMem_Malloc(8)
        else:
            self.p = <char*>malloc(8)
        if self.p == NULL:
            raise MemoryError()

    def __dealloc__(self):
        if self.kind == 3:
            PyMem_Free(self.p)  # expect: CY002
        else:
            free(self.p)  # expect: CY002


cdef class OffByOne:
    cdef char* p
    cdef int kind

    def __cinit__(self, int kind):
        self.kind = kind
        if kind > 1:
            self.p = <char*>PyMem_Malloc(8)
        else:
            self.p = <char*>malloc(8)
        if self.p == NULL:
            raise MemoryError()

    def __dealloc__(self):
        if self.kind > 2:
            PyMem_Free(self.p)
        else:
            free(self.p)  # expect: CY002


cdef class Reassigned:
    cdef char* p
    cdef int kind

    def __cinit__(self, int kind):
        self.kind = kind
        if kind == 2:
            self.p = <char*>PyMem_Malloc(8)
        else:
            self.p = <char*>malloc(8)
        if self.p == NULL:
            raise MemoryError()

    def set_kind(self, int kind):
        self.kind = kind

    def __dealloc__(self):
        if self.kind == 2:
            PyMem_Free(self.p)  # expect: CY002
        else:
            free(self.p)  # expect: CY002
