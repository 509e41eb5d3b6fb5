# Reallocation shapes: the old block kept through a subscript alias (clean), a constant
# index inside a loop, and the overwrite split over two statements (both leaks).
from libc.stdlib cimport malloc, free, realloc

cdef struct Vec:
    double* ptr
    size_t cap

cdef int grow_alias(Vec* v, size_t n) except -1:
    cdef double* data = v[0].ptr
    data = <double*>realloc(data, n * sizeof(double))
    if data == NULL:
        raise MemoryError()
    v[0].ptr = data
    return 0

cdef int grow_field(Vec* v, size_t n) except -1:
    cdef double* data = v.ptr
    data = <double*>realloc(data, n * sizeof(double))
    if data == NULL:
        raise MemoryError()
    v.ptr = data
    return 0

cdef long read_line(char** buf, size_t* cap, const char* src) except -1:
    cdef long n = 0
    while src[n] != 0:
        if <size_t>n + 1 >= cap[0]:
            cap[0] = cap[0] * 2
            buf[0] = <char*>realloc(buf[0], cap[0])  # expect: CY003
            if buf[0] == NULL:
                return -1
        buf[0][n] = src[n]
        n += 1
    return n

cdef class Buffer:
    cdef char* buf
    cdef size_t n

    def grow(self, size_t n):
        cdef char* tmp = <char*>realloc(self.buf, n)
        self.buf = tmp  # expect: CY003
        if self.buf == NULL:
            raise MemoryError()
        self.n = n

    def __dealloc__(self):
        free(self.buf)
