# `del` of a Python object unbinds a name: it is not C++ `del` of a block.
from libc.stdlib cimport malloc, free
from libc.string cimport memset


def bytes_copy_deleted(int n):
    cdef char* p = <char*>malloc(n + 1)
    if not p:
        raise MemoryError()
    memset(p, 65, n)
    p[n] = 0
    obj = p
    free(p)
    del obj


def typed_object_deleted(int n):
    cdef char* p = <char*>malloc(n + 1)
    if not p:
        raise MemoryError()
    p[n] = 0
    cdef object obj = p
    free(p)
    del obj


def pointer_deleted(int n):
    cdef char* p = <char*>malloc(n + 1)
    if not p:
        raise MemoryError()
    del p  # expect: CY002
