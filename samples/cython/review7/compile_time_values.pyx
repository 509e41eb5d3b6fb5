# Compile-time IF conditions Cython decides from DEFs of every compile-time type, and
# conditions whose truth one known side settles; all of these compile only the
# PyMem_Malloc clause, so PyMem_Free matches on every build.
from libc.stdlib cimport malloc
from cpython.mem cimport PyMem_Malloc, PyMem_Free

DEF ALLOCATOR = "pymem"
DEF ALLOCATOR_TAG = b"pymem"
DEF API_VERSION = 3.5
DEF SIZES = (16, 32)
DEF ENABLED = 1


def by_string_def(size_t n):
    cdef char* buf
    IF ALLOCATOR == "pymem":
        buf = <char*>PyMem_Malloc(n)
    ELSE:
        buf = <char*>malloc(n)
    if buf == NULL:
        raise MemoryError()
    PyMem_Free(buf)


def by_float_def(size_t n):
    cdef char* buf
    IF API_VERSION > 3:
        buf = <char*>PyMem_Malloc(n)
    ELSE:
        buf = <char*>malloc(n)
    PyMem_Free(buf)


def by_bytes_def(size_t n):
    cdef char* buf
    IF ALLOCATOR_TAG == b"pymem":
        buf = <char*>PyMem_Malloc(n)
    ELSE:
        buf = <char*>malloc(n)
    PyMem_Free(buf)


def by_tuple_length(size_t n):
    cdef char* buf
    IF len(SIZES) == 2 and SIZES[0] < 100 or len(SIZES) == 2:
        buf = <char*>PyMem_Malloc(n)
    ELSE:
        buf = <char*>malloc(n)
    PyMem_Free(buf)


def by_negated_disjunction(size_t n):
    cdef char* buf
    IF not (API_VERSION < 1 or ALLOCATOR_TAG != b"pymem"):
        buf = <char*>PyMem_Malloc(n)
    ELSE:
        buf = <char*>malloc(n)
    PyMem_Free(buf)


def true_whatever_the_platform(size_t n):
    cdef char* buf
    IF UNAME_SYSNAME == "Darwin" or True:
        buf = <char*>PyMem_Malloc(n)
    ELSE:
        buf = <char*>malloc(n)
    PyMem_Free(buf)


def known_side_settles_or(size_t n):
    cdef char* buf
    IF ENABLED == 1 or UNAME_MACHINE == "x86_64":
        buf = <char*>PyMem_Malloc(n)
    ELSE:
        buf = <char*>malloc(n)
    PyMem_Free(buf)


def chained_comparison(size_t n):
    cdef char* buf
    IF 0 < ENABLED <= 2 < API_VERSION:
        buf = <char*>PyMem_Malloc(n)
    ELSE:
        buf = <char*>malloc(n)
    PyMem_Free(buf)
