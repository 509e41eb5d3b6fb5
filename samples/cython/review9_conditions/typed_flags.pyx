# A mode parameter of an enum type, of a `ctypedef` of an integer (at module level, in a
# chain, in an extern block) or `Py_UCS4` is a C integer: the second test of it gives
# the answer the first did, so each block is released once, by its own family.
from libc.stdlib cimport malloc, free
from cpython.mem cimport PyMem_Malloc, PyMem_Free

cdef enum Backing:
    HEAP
    PYHEAP

ctypedef int mode_t
ctypedef mode_t level_t

cdef extern from *:
    ctypedef int ext_t


def by_enum(Backing where):
    cdef char* p
    if where == HEAP:
        p = <char*>malloc(1)
    else:
        p = <char*>PyMem_Malloc(1)
    if p == NULL:
        raise MemoryError()
    if where == HEAP:
        free(p)
    else:
        PyMem_Free(p)


def by_typedef(mode_t where):
    cdef char* p
    if where == 1:
        p = <char*>malloc(1)
    else:
        p = <char*>PyMem_Malloc(1)
    if p == NULL:
        raise MemoryError()
    if where == 1:
        free(p)
    else:
        PyMem_Free(p)


def by_chain(level_t m):
    cdef double* p = <double*>malloc(8)
    if p == NULL:
        raise MemoryError()
    if m == 1:
        free(p)
    if m != 1:
        free(p)


def by_extern(ext_t where):
    cdef char* p
    if where == 1:
        p = <char*>malloc(1)
    else:
        p = <char*>PyMem_Malloc(1)
    if p == NULL:
        raise MemoryError()
    if where == 1:
        free(p)
    else:
        PyMem_Free(p)


def by_char(Py_UCS4 c):
    cdef char* p = <char*>malloc(1)
    if p == NULL:
        raise MemoryError()
    if c == 65:
        free(p)
    if c != 65:
        free(p)
