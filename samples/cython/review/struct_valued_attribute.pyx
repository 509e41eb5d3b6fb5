# A field of a struct-valued attribute (`cdef Ctx ctx`, `self.ctx.buf`) is followed across
# methods like an attribute.
from libc.stdlib cimport malloc, free
from cpython.mem cimport PyMem_Malloc, PyMem_Free

cdef struct Ctx:
    char* buf
    size_t n

cdef extern from "ctx.h":
    void ctx_release(Ctx* ctx)


cdef class NeverFreed:
    cdef Ctx ctx

    def __cinit__(self):
        self.ctx.buf = <char*>malloc(10)  # expect: CY004
        if self.ctx.buf == NULL:
            raise MemoryError()

    def __dealloc__(self):
        pass


cdef class WrongFamily:
    cdef Ctx ctx

    def __cinit__(self):
        self.ctx.buf = <char*>PyMem_Malloc(10)
        if self.ctx.buf == NULL:
            raise MemoryError()

    def __dealloc__(self):
        free(self.ctx.buf)  # expect: CY002


cdef class Freed:
    cdef Ctx ctx

    def __cinit__(self):
        self.ctx.buf = <char*>malloc(10)
        if self.ctx.buf == NULL:
            raise MemoryError()

    def __dealloc__(self):
        free(self.ctx.buf)


cdef class ReleasedWithTheStruct:
    cdef Ctx ctx

    def __cinit__(self):
        self.ctx.buf = <char*>malloc(10)
        if self.ctx.buf == NULL:
            raise MemoryError()

    def __dealloc__(self):
        ctx_release(&self.ctx)
