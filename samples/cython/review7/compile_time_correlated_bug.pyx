# The bug twins of compile_time_correlated.pyx: the clauses pair the wrong families on
# every build, across methods and through a negation.
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
            free(self.data)  # expect: CY002
        ELSE:
            PyMem_Free(self.data)  # expect: CY002


def negated_spelling(size_t n):
    cdef char* buf
    IF UNAME_SYSNAME == "Windows":
        buf = <char*>PyMem_Malloc(n)
    ELSE:
        buf = <char*>malloc(n)
    IF UNAME_SYSNAME != "Windows":
        PyMem_Free(buf)  # expect: CY002
    ELSE:
        free(buf)  # expect: CY002
