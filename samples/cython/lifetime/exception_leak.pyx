# distutils: language = c++
# CY008: a block owned by a local lost when a call raises.
from libc.stdlib cimport malloc, free
from libc.string cimport memcpy
from cpython.mem cimport PyMem_Malloc, PyMem_Free

cdef extern from "codec.h":
    int decode_header(int n) except +


cdef class Reader:
    cdef object stream

    def _read(self, int n):
        return self.stream.read(n)

    def read_into_scratch(self, int n):
        cdef char* buf = <char*>malloc(n)  # expect: CY008
        if buf == NULL:
            raise MemoryError()
        data = self._read(n)
        memcpy(buf, <char*>data, n)
        first = buf[0]
        free(buf)
        return first


def python_callback(int n, callback):
    cdef double* values = <double*>PyMem_Malloc(n * sizeof(double))  # expect: CY008
    cdef int i
    if values == NULL:
        raise MemoryError()
    for i in range(n):
        values[i] = callback(i)
    total = values[0]
    PyMem_Free(values)
    return total


cdef int check_size(int n) except -1:
    if n > 4096:
        raise ValueError("too large")
    return 0


def raise_inside_a_helper(int n):
    cdef char* p = <char*>malloc(n)  # expect: CY008
    if p == NULL:
        raise MemoryError()
    check_size(n)
    p[0] = 0
    free(p)


def cpp_exception(int n):
    cdef char* p = <char*>malloc(n)  # expect: CY008
    if p == NULL:
        raise MemoryError()
    decode_header(n)
    p[0] = 0
    free(p)


def handler_swallows_without_freeing(int n, f):
    cdef char* p = <char*>malloc(n)  # expect: CY008
    if p == NULL:
        raise MemoryError()
    try:
        p[0] = f(n)
    except ValueError:
        return None
    free(p)
    return 0


def handler_reraises_without_freeing(int n, f):
    cdef char* p = <char*>malloc(n)  # expect: CY008
    if p == NULL:
        raise MemoryError()
    try:
        p[0] = f(n)
    except:
        p[0] = 0
        raise
    free(p)


def the_first_of_two_blocks(int n, f):
    cdef char* a = <char*>malloc(n)  # expect: CY008
    if a == NULL:
        raise MemoryError()
    key = f(n)
    cdef char* b = <char*>malloc(n)
    if b == NULL:
        free(a)
        raise MemoryError()
    try:
        b[0] = a[0]
        f(key)
    finally:
        free(a)
        free(b)
