# A field that owns a block is overwritten by a new allocation in the same function
# while the old block is still live on the path there: the old block is lost.
from libc.stdlib cimport malloc, free


cdef struct Frame:
    char* payload
    size_t size


cdef class Reader:
    cdef char* buf
    cdef size_t cap
    cdef Frame frame

    def __cinit__(self, size_t cap):
        self.buf = <char*>malloc(8)  # expect: CY007
        if self.buf == NULL:
            raise MemoryError()
        # the real size is known only now: the 8-byte block is lost
        self.buf = <char*>malloc(cap)
        if self.buf == NULL:
            raise MemoryError()
        self.cap = cap

    def resize(self, size_t cap, bint keep):
        self.buf = <char*>malloc(cap)  # expect: CY007
        if self.buf == NULL:
            raise MemoryError()
        if keep:
            free(self.buf)
        # freed only when keep is true
        self.buf = <char*>malloc(cap * 2)

    def load(self, size_t n):
        self.frame.payload = <char*>malloc(n)  # expect: CY007
        if self.frame.payload == NULL:
            raise MemoryError()
        self.frame.payload = <char*>malloc(n + 1)
        self.frame.size = n

    def __dealloc__(self):
        free(self.buf)
        free(self.frame.payload)
