# A pointer declared without an initializer, then overwritten on each loop turn: every
# block but the last leaks, as with `cdef char* s = NULL`.
from libc.stdlib cimport free, malloc

def last_of(int n):
    cdef char* s
    cdef int i
    for i in range(n):
        s = <char*>malloc(8)  # expect: CY007
        if s == NULL:
            raise MemoryError()
    free(s)
