# A byte-string builder over PyMem: capacity doubling through a temporary, a bytes
# copy out, and one release in __dealloc__.
from cpython.mem cimport PyMem_Malloc, PyMem_Realloc, PyMem_Free
from cpython.bytes cimport PyBytes_FromStringAndSize
from libc.string cimport memcpy

cdef class Builder:
    cdef char* data
    cdef Py_ssize_t length, capacity

    def __cinit__(self):
        self.capacity = 64
        self.length = 0
        self.data = <char*>PyMem_Malloc(self.capacity)
        if not self.data:
            raise MemoryError()

    cdef int _reserve(self, Py_ssize_t extra) except -1:
        cdef Py_ssize_t needed = self.length + extra
        cdef Py_ssize_t capacity = self.capacity
        cdef char* grown
        if needed <= capacity:
            return 0
        while capacity < needed:
            capacity *= 2
        grown = <char*>PyMem_Realloc(self.data, capacity)
        if not grown:
            raise MemoryError()
        self.data = grown
        self.capacity = capacity
        return 0

    def append(self, bytes chunk):
        cdef Py_ssize_t n = len(chunk)
        self._reserve(n)
        memcpy(self.data + self.length, <char*>chunk, n)
        self.length += n

    def getvalue(self):
        return PyBytes_FromStringAndSize(self.data, self.length)

    def __dealloc__(self):
        PyMem_Free(self.data)
