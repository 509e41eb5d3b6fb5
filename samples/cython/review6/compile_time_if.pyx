# `IF`/`ELIF`/`ELSE` is resolved before Cython writes C: one clause exists in the module.
# A condition of `DEF`s of known value selects its clause; an unknown one
# (`UNAME_SYSNAME`) is the same on every `IF` that repeats it.
from libc.stdlib cimport malloc, free
from cpython.mem cimport PyMem_Malloc, PyMem_Free

DEF USE_PYMEM = 0
DEF LEVEL = USE_PYMEM + 2


def known_constant(size_t n):
    cdef char* p
    IF USE_PYMEM:
        p = <char*>PyMem_Malloc(n)
    ELSE:
        p = <char*>malloc(n)
    if p == NULL:
        raise MemoryError()
    p[0] = 0
    IF USE_PYMEM:
        PyMem_Free(p)
    ELSE:
        free(p)


def known_expression(size_t n):
    cdef char* p
    IF LEVEL > 2:
        p = <char*>PyMem_Malloc(n)
    ELIF LEVEL == 2 and not USE_PYMEM:
        p = <char*>malloc(n)
    ELSE:
        p = NULL
    if p == NULL:
        raise MemoryError()
    p[0] = 0
    free(p)


def platform_choice(size_t n):
    cdef char* p
    IF UNAME_SYSNAME == "Windows":
        p = <char*>PyMem_Malloc(n)
    ELSE:
        p = <char*>malloc(n)
    if p == NULL:
        raise MemoryError()
    p[0] = 0
    IF UNAME_SYSNAME == "Windows":
        PyMem_Free(p)
    ELSE:
        free(p)
