# The same fields, released, moved or kept before the new allocation is stored: nothing
# is lost. And a method that allocates into an attribute without looking at what it held
# (`open()` called twice would leak, but it may well be called once): not reported.
from libc.stdlib cimport malloc, free, realloc


cdef void keep(char* p) noexcept:
    global _kept
    _kept = p


cdef char* _kept = NULL


cdef class Reader:
    cdef char* buf
    cdef char* spare
    cdef size_t cap

    def __cinit__(self, size_t cap):
        self.buf = <char*>malloc(8)
        if self.buf == NULL:
            raise MemoryError()
        free(self.buf)
        self.buf = <char*>malloc(cap)
        if self.buf == NULL:
            raise MemoryError()
        self.cap = cap

    cdef void close(self) noexcept:
        free(self.buf)
        self.buf = NULL

    def reopen(self, size_t cap):
        self.buf = <char*>malloc(cap)
        if self.buf == NULL:
            raise MemoryError()
        self.close()
        self.buf = <char*>malloc(cap * 2)

    def swap(self, size_t cap):
        self.buf = <char*>malloc(cap)
        if self.buf == NULL:
            raise MemoryError()
        cdef char* old = self.buf
        self.buf = <char*>malloc(cap * 2)
        free(old)

    def keep_spare(self, size_t cap):
        self.buf = <char*>malloc(cap)
        self.spare = self.buf
        self.buf = <char*>malloc(cap * 2)

    def hand_over(self, size_t cap):
        self.buf = <char*>malloc(cap)
        if self.buf == NULL:
            raise MemoryError()
        keep(self.buf)
        self.buf = <char*>malloc(cap * 2)

    def grow(self, size_t cap):
        self.buf = <char*>malloc(cap)
        if self.buf == NULL:
            raise MemoryError()
        cdef char* grown = <char*>realloc(self.buf, cap * 2)
        if grown == NULL:
            raise MemoryError()
        self.buf = grown

    def open(self, size_t cap):
        self.buf = <char*>malloc(cap)
        if self.buf == NULL:
            raise MemoryError()
        self.cap = cap

    def __dealloc__(self):
        free(self.buf)
        free(self.spare)
