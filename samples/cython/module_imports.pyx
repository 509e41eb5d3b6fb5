# Allocators named through whole-module cimports.
from libc cimport stdlib
cimport libc.stdlib
cimport cpython.mem as mem


def from_package(size_t n):
    cdef int* p = <int*> stdlib.malloc(n * sizeof(int))  # expect: CY001
    p[0] = 1
    stdlib.free(p)


def dotted(size_t n):
    cdef int* p = <int*> libc.stdlib.calloc(n, sizeof(int))
    if not p:
        raise MemoryError()
    mem.PyMem_Free(p)  # expect: CY002


def aliased_module(size_t n):
    cdef int* p = <int*> mem.PyMem_Malloc(n * sizeof(int))
    if not p:
        raise MemoryError()
    p = <int*> mem.PyMem_Realloc(p, 2 * n * sizeof(int))  # expect: CY003
    mem.PyMem_Free(p)


def shadowed_module(size_t n, stdlib):
    p = stdlib.malloc(n)
    p[0] = 1
