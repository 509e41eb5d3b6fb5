# `__dealloc__` hands the block to an external C function that takes ownership (returns it
# to a pool): the class cannot be shown to leak it.
from libc.stdlib cimport malloc

cdef extern from "pool.h":
    void pool_release(void* block)


cdef class Pooled:
    cdef char* buf

    def __cinit__(self, int n):
        self.buf = <char*>malloc(n)
        if self.buf == NULL:
            raise MemoryError()

    def __dealloc__(self):
        pool_release(self.buf)
