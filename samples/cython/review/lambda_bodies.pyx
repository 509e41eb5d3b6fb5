# Lambda bodies are analyzed like functions; a call's result read through at once is a
# use of the fresh block.
from libc.stdlib cimport malloc, free

first_int = lambda n: (<int*>malloc(n))[0]  # expect: CY001, CY007


def read_fresh_block(int n):
    return (<int*>malloc(n))[0]  # expect: CY001, CY007


def keep_fresh_block(int n):
    cdef int* p = <int*>malloc(n)  # expect: CY007
    if p == NULL:
        raise MemoryError()
    p[0] = 1
    return p[0]
