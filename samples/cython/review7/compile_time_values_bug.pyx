# The bug twins of compile_time_values.pyx: the clause Cython keeps releases with the
# other family, and an unknown condition (the build machine's) with an unconditional
# release is wrong on the builds that take the other clause.
from libc.stdlib cimport malloc
from cpython.mem cimport PyMem_Malloc, PyMem_Free

DEF ALLOCATOR = "libc"
DEF API_VERSION = 2.5


def by_string_def(size_t n):
    cdef char* buf
    IF ALLOCATOR == "pymem":
        buf = <char*>PyMem_Malloc(n)
    ELSE:
        buf = <char*>malloc(n)
    if buf == NULL:
        raise MemoryError()
    PyMem_Free(buf)  # expect: CY002


def by_float_def(size_t n):
    cdef char* buf
    IF API_VERSION > 3:
        buf = <char*>PyMem_Malloc(n)
    ELSE:
        buf = <char*>malloc(n)
    PyMem_Free(buf)  # expect: CY002


def unknown_platform_then_one_release(size_t n):
    cdef char* buf
    IF UNAME_SYSNAME == "Linux":
        buf = <char*>PyMem_Malloc(n)
    ELSE:
        buf = <char*>malloc(n)
    PyMem_Free(buf)  # expect: CY002


def unknown_and_false(size_t n):
    cdef char* buf
    IF UNAME_SYSNAME == "Linux" and API_VERSION > 3:
        buf = <char*>PyMem_Malloc(n)
    ELSE:
        buf = <char*>malloc(n)
    PyMem_Free(buf)  # expect: CY002
