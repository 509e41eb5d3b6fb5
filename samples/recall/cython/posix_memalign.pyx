# `posix_memalign(&p, alignment, size)` allocates through its first argument: it returns
# 0 and stores a block in `p`, or returns an error number and stores nothing. The block
# goes back through `free`.
from libc.stdlib cimport free
from cpython.mem cimport PyMem_Free
from posix.stdlib cimport posix_memalign


def early_return(size_t n):
    cdef double* p = NULL
    if posix_memalign(<void**>&p, 64, n * sizeof(double)) != 0:  # expect: CY007
        raise MemoryError()
    p[0] = 1.0
    if n > 10:
        return 0
    free(p)
    return 1


def status_ignored(size_t n):
    cdef double* p = NULL
    posix_memalign(<void**>&p, 64, n * sizeof(double))  # expect: CY001
    p[0] = 1.0
    free(p)


def released_twice(size_t n):
    cdef double* p = NULL
    cdef int rc = posix_memalign(<void**>&p, 64, n * sizeof(double))
    if rc != 0:
        raise MemoryError()
    free(p)
    free(p)  # expect: CY005


def wrong_family(size_t n):
    cdef char* p = NULL
    if posix_memalign(<void**>&p, 32, n):
        raise MemoryError()
    PyMem_Free(p)  # expect: CY002


cdef class Aligned:
    cdef double* data

    def __cinit__(self, size_t n):
        if posix_memalign(<void**>&self.data, 64, n * sizeof(double)) != 0:  # expect: CY004
            raise MemoryError()
