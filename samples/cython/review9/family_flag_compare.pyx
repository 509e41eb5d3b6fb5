# An allocator chosen by an integer kind stored from a parameter (`self.kind = kind`) and
# compared with a constant, in `__cinit__` and in the method that releases: each release
# meets only the block of its own family, whatever the relation (`==`, `!=`, `<`, `>`),
# the side the constant is on, or whether the parameter or the attribute is tested.
from libc.stdlib cimport malloc, free
from cpython.mem cimport PyMem_Malloc, PyMem_Free

cdef enum Backing:
    BACKING_C = 1
    BACKING_PY = 2


cdef class ParamTested:
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
        if self.kind == 2:
            PyMem_Free(self.p)
        else:
            free(self.p)


cdef class AttributeTested:
    cdef char* p
    cdef int kind

    def __cinit__(self, int kind):
        self.kind = kind
        if 2 == self.kind:
            self.p = <char*>PyMem_Malloc(8)
        else:
            self.p = <char*>malloc(8)
        if self.p == NULL:
            raise MemoryError()

    def __dealloc__(self):
        if self.kind != 2:
            free(self.p)
        else:
            PyMem_Free(self.p)


cdef class Ordered:
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
        if 1 >= self.kind:
            free(self.p)
        else:
            PyMem_Free(self.p)


cdef class TestedBeforeStore:
    cdef char* p
    cdef int kind

    def __cinit__(self, int kind):
        if kind != 3:
            self.p = <char*>malloc(8)
        else:
            self.p = <char*>PyMem_Malloc(8)
        if self.p == NULL:
            raise MemoryError()
        self.kind = kind

    cdef void _release(self) noexcept:
        if 3 == self.kind:
            PyMem_Free(self.p)
        else:
            free(self.p)
        self.p = NULL

    def close(self):
        self._release()

    def __dealloc__(self):
        self._release()


cdef class Enumerated:
    cdef char* p
    cdef Backing kind

    def __cinit__(self, Backing kind):
        self.kind = kind
        if kind == BACKING_PY:
            self.p = <char*>PyMem_Malloc(8)
        else:
            self.p = <char*>malloc(8)
        if self.p == NULL:
            raise MemoryError()

    def __dealloc__(self):
        if self.kind == BACKING_PY:
            PyMem_Free(self.p)
        else:
            free(self.p)
