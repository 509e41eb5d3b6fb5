# The status `posix_memalign` returns is the check: where it is 0 the block is there,
# where it is not nothing was stored, so leaving then (with `return` or `raise`) loses
# nothing and the pointer needs no NULL test of its own.
from libc.stdlib cimport free
from posix.stdlib cimport posix_memalign


def tested_inline(size_t n):
    cdef double* p = NULL
    if posix_memalign(<void**>&p, 64, n * sizeof(double)) != 0:
        raise MemoryError()
    p[0] = 1.0
    free(p)


def tested_through_a_local(size_t n):
    cdef double* p = NULL
    cdef int rc = posix_memalign(<void**>&p, 64, n * sizeof(double))
    if rc:
        raise MemoryError()
    p[0] = 1.0
    free(p)


def failure_returns_a_code(size_t n):
    cdef double* p = NULL
    if posix_memalign(<void**>&p, 64, n):
        return -1
    p[0] = 1.0
    free(p)
    return 0


def used_where_it_succeeded(size_t n):
    cdef double* p = NULL
    if posix_memalign(<void**>&p, 64, n) == 0:
        p[0] = 1.0
        free(p)


def null_tested(size_t n):
    cdef double* p = NULL
    posix_memalign(<void**>&p, 64, n)
    if p == NULL:
        raise MemoryError()
    p[0] = 1.0
    free(p)


cdef class Aligned:
    cdef double* data

    def __cinit__(self, size_t n):
        if posix_memalign(<void**>&self.data, 64, n * sizeof(double)) != 0:
            raise MemoryError()

    def __dealloc__(self):
        free(self.data)
