# Several statements on one line, a `cdef` declaration ending in `;` among them: the
# function is still analyzed.
from libc.stdlib cimport malloc, free


def declaration_then_statement():
    cdef char* q = <char*>malloc(4); s = 1  # expect: CY001
    q[0] = 1
    free(q)


def declaration_then_use():
    cdef char* q = <char*>malloc(4); q[0] = 1  # expect: CY001
    free(q)


def two_declarations():
    cdef int s = 1; cdef char* q = <char*>malloc(4)  # expect: CY001
    q[0] = s
    free(q)


def checked_on_the_same_line():
    cdef char* q = <char*>malloc(4); s = 1
    if q == NULL: raise MemoryError()
    q[0] = 1
    free(q)
