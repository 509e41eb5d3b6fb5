# A DEF of an included file decides the IFs of the file that includes it, whatever the
# spelling of the condition; the bug twin releases with the family the kept clause does
# not allocate with.
include "build_config.pxi"
from libc.stdlib cimport malloc, free
from cpython.mem cimport PyMem_Malloc, PyMem_Free


def matched(size_t n):
    cdef char* buf
    IF HAVE_PYMEM:
        buf = <char*>PyMem_Malloc(n)
    ELSE:
        buf = <char*>malloc(n)
    IF HAVE_PYMEM == 1:
        PyMem_Free(buf)
    ELSE:
        free(buf)


def mismatched(size_t n):
    cdef char* buf
    IF HAVE_PYMEM:
        buf = <char*>PyMem_Malloc(n)
    ELSE:
        buf = <char*>malloc(n)
    IF HAVE_PYMEM == 1:
        free(buf)  # expect: CY002
    ELSE:
        PyMem_Free(buf)


cdef class Scratch:
    cdef char* data

    def __cinit__(self):
        IF HAVE_PYMEM:
            self.data = <char*>PyMem_Malloc(8)
        ELSE:
            self.data = <char*>malloc(8)

    def __dealloc__(self):
        IF HAVE_PYMEM != 0:
            PyMem_Free(self.data)
        ELSE:
            free(self.data)
