# A NULL test may compare with a zero cast to a pointer (`p == <double*>0`), or compare
# the pointer cast to an integer with zero (`<uintptr_t>p == 0`): Cython rejects a bare
# `p == 0`, so code ported from C spells it so.
from libc.stdlib cimport malloc, free
from libc.stdint cimport uintptr_t


def cast_zero(int n):
    cdef double* p = <double*>malloc(n * sizeof(double))
    if p == <double*>0:
        raise MemoryError()
    p[0] = 1
    free(p)


def cast_zero_first(int n):
    cdef double* p = <double*>malloc(n * sizeof(double))
    if <double*>0 == p:
        raise MemoryError()
    p[0] = 1
    free(p)


def integer_compare(int n):
    cdef double* p = <double*>malloc(n * sizeof(double))
    if <uintptr_t>p == 0:
        raise MemoryError()
    p[0] = 1
    free(p)


def size_t_not_zero(int n):
    cdef double* p = <double*>malloc(n * sizeof(double))
    if <size_t>p != 0:
        p[0] = 1
        free(p)


def zero_first(int n):
    cdef char* p = <char*>malloc(n)
    if 0 == <uintptr_t>p:
        raise MemoryError()
    p[0] = 1
    free(p)


def assigned_cast_zero(int n):
    cdef char* p = <char*>malloc(n)
    if p == NULL:
        raise MemoryError()
    free(p)
    p = <char*>0
    free(p)
