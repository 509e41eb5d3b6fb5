# CY001 fixes in Cython syntax.
from libc.stdlib cimport malloc, calloc, free
from libc.string cimport memset
from cpython.mem cimport PyMem_Malloc, PyMem_Free

cdef struct Point:
    double x
    double y


def squares(int n):
    cdef double* out = <double*> malloc(n * sizeof(double))
    cdef int i
    for i in range(n):
        out[i] = i * i
    result = [out[i] for i in range(n)]
    free(out)
    return result


cdef int zero_fill(size_t n) except -1 nogil:
    cdef char* buf = <char*> malloc(n)
    memset(buf, 0, n)
    free(buf)
    return 0


cdef Point* make_point() except NULL:
    cdef Point* p
    p = <Point*> PyMem_Malloc(sizeof(Point))
    p.x = 0
    p.y = 0
    return p


def in_a_loop(list sizes):
    cdef char* buf
    for size in sizes:
        buf = <char*> calloc(size, 1)  # one per size
        buf[0] = 1
        free(buf)


cdef class Holder:
    cdef double* data

    def fill(self, int n):
        self.data = <double*> PyMem_Malloc(n * sizeof(double))
        self.data[0] = 0

    def __dealloc__(self):
        PyMem_Free(self.data)


cdef void cannot_raise(size_t n) noexcept nogil:
    cdef char* buf = <char*> malloc(n)
    buf[0] = 0
    free(buf)


def pair(size_t n):
    cdef char* name = <char*> malloc(n)
    if name == NULL:
        raise MemoryError()
    cdef double* values = <double*> PyMem_Malloc(n * sizeof(double))
    values[0] = 0
    PyMem_Free(values)
    free(name)


cdef int copy_both(size_t n) except -1 nogil:
    cdef char* first = <char*> malloc(n)
    cdef char* second = <char*> malloc(n)
    first[0] = 0
    second[0] = 0
    free(second)
    free(first)
    return 0


cdef extern from "registry.h":
    void keep_alive(char* block)


def kept_elsewhere(size_t n):
    cdef char* kept = <char*> malloc(n)
    if kept == NULL:
        raise MemoryError()
    keep_alive(kept)
    cdef char* b = <char*> malloc(n)
    b[0] = 0
    free(b)
