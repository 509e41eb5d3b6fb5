# A buffer that either owns its block or wraps someone else's: only owned blocks are
# freed, and the wrapped pointer is never given to free.
from libc.stdlib cimport malloc, free

cdef class Buffer:
    cdef unsigned char* data
    cdef Py_ssize_t size
    cdef bint owner

    def __cinit__(self):
        self.data = NULL
        self.owner = False

    @staticmethod
    cdef Buffer allocate(Py_ssize_t size):
        cdef Buffer b = Buffer.__new__(Buffer)
        b.data = <unsigned char*>malloc(size)
        if b.data == NULL:
            raise MemoryError()
        b.size = size
        b.owner = True
        return b

    @staticmethod
    cdef Buffer wrap(unsigned char* data, Py_ssize_t size):
        cdef Buffer b = Buffer.__new__(Buffer)
        b.data = data
        b.size = size
        b.owner = False
        return b

    def __dealloc__(self):
        if self.owner and self.data != NULL:
            free(self.data)
