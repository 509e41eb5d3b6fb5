from libc.stdlib cimport malloc, free

cdef class Base:
    cdef char* buf

    def __cinit__(self):
        self.buf = <char*>malloc(32)
        if self.buf == NULL:
            raise MemoryError()

    def __dealloc__(self):
        free(self.buf)

cdef class Derived(Base):
    cdef int extra

    def __dealloc__(self):
        free(self.buf)  # expect: CY005

# Cython runs Base.__dealloc__ after Derived.__dealloc__: self.buf is freed twice
# (review9, b29).
