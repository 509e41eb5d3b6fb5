# CY005: a block released twice.
from libc.stdlib cimport malloc, free
from cpython.mem cimport PyMem_Malloc, PyMem_Free


def twice_through_an_alias(int n):
    cdef char* p = <char*>malloc(n)
    if p == NULL:
        raise MemoryError()
    cdef char* q = p
    free(p)
    free(q)  # expect: CY005


def on_one_path(int n, bint early):
    cdef double* p = <double*>PyMem_Malloc(n * sizeof(double))
    if not p:
        raise MemoryError()
    if early:
        PyMem_Free(p)
    PyMem_Free(p)  # expect: CY005


def in_a_loop(int n):
    # When n <= 0 the loop never runs and the block leaks too.
    cdef char* p = <char*>malloc(n)  # expect: CY007
    cdef int i
    if p == NULL:
        raise MemoryError()
    for i in range(n):
        free(p)  # expect: CY005


cdef void release(char* p) noexcept:
    free(p)


def through_a_helper(int n):
    cdef char* p = <char*>malloc(n)
    if p == NULL:
        raise MemoryError()
    release(p)
    free(p)  # expect: CY005


cdef class Buffer:
    cdef char* data

    def __cinit__(self, int n):
        self.data = <char*>malloc(n)
        if self.data == NULL:
            raise MemoryError()

    def close(self):
        free(self.data)

    def __dealloc__(self):
        free(self.data)  # expect: CY005


def freed_by_the_handler_and_by_finally(list xs):
    cdef long* p = <long*>malloc(8)
    if p == NULL:
        raise MemoryError()
    try:
        p[0] = xs.pop()
    except IndexError:
        free(p)
        raise
    finally:
        free(p)  # expect: CY005
