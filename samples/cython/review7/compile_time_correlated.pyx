# An unknown compile-time condition is a constant of the build: the same in every method
# of the module, and `!=` or `not` its negation. Each allocation meets the release of
# its own family on every platform.
from libc.stdlib cimport malloc, free
from cpython.mem cimport PyMem_Malloc, PyMem_Free


cdef class PlatformBuffer:
    cdef void* data

    def __cinit__(self):
        IF UNAME_SYSNAME == "Windows":
            self.data = PyMem_Malloc(64)
        ELSE:
            self.data = malloc(64)

    def __dealloc__(self):
        IF UNAME_SYSNAME == "Windows":
            PyMem_Free(self.data)
        ELSE:
            free(self.data)


def negated_spelling(size_t n):
    cdef char* buf
    IF UNAME_SYSNAME == "Windows":
        buf = <char*>PyMem_Malloc(n)
    ELSE:
        buf = <char*>malloc(n)
    IF UNAME_SYSNAME != "Windows":
        free(buf)
    ELSE:
        PyMem_Free(buf)


def negated_with_not(size_t n):
    cdef char* buf
    IF not (UNAME_MACHINE == "arm64"):
        buf = <char*>malloc(n)
    ELSE:
        buf = <char*>PyMem_Malloc(n)
    IF UNAME_MACHINE == "arm64":
        PyMem_Free(buf)
    ELSE:
        free(buf)
