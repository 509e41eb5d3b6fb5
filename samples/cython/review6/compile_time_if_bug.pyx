# The bug twins of compile_time_if.pyx: the clause a known `DEF` selects releases with
# the other family; two different unknown conditions are independent.
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
    IF LEVEL == 2:
        PyMem_Free(p)  # expect: CY002
    ELSE:
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
    IF UNAME_SYSNAME == "Darwin":
        PyMem_Free(p)  # expect: CY002
    ELSE:
        free(p)  # expect: CY002
