# Pointers declared without an initializer that hold each block only until it is freed.
from libc.stdlib cimport free, malloc

def each_freed(int n):
    cdef char* s
    cdef int i
    for i in range(n):
        s = <char*>malloc(8)
        if s == NULL:
            raise MemoryError()
        s[0] = 0
        free(s)


def only_when_asked(int n):
    cdef char* s
    if n > 0:
        s = <char*>malloc(n)
        if s == NULL:
            raise MemoryError()
        s[0] = 0
        free(s)
