# An `owned` flag set right after the allocation succeeded, and freed under it: where the
# flag is still false, the pointer holds NULL (or a block that failed), never a live block.
from libc.stdlib cimport malloc, free


def optional_scratch(int c):
    cdef bint owned = False
    cdef char* b = NULL
    if c:
        b = <char*>malloc(16)
        if b == NULL:
            raise MemoryError()
        owned = True
    if owned:
        free(b)


def set_when_not_null():
    cdef bint owned = False
    cdef char* b = <char*>malloc(16)
    if b != NULL:
        owned = True
        b[0] = 1
    if owned:
        free(b)


def flag_and_pointer_in_a_loop(int n, int c):
    cdef bint owned
    cdef char* b
    for i in range(n):
        owned = False
        b = NULL
        if c > i:
            b = <char*>malloc(16)
            if b == NULL:
                raise MemoryError()
            owned = True
        if owned:
            free(b)


def two_blocks_two_flags(int c, int d):
    cdef bint own_a = False, own_b = False
    cdef char* a = NULL
    cdef char* b = NULL
    if c:
        a = <char*>malloc(16)
        if a == NULL:
            raise MemoryError()
        own_a = True
    if d:
        b = <char*>malloc(16)
        if b != NULL:
            own_b = True
    if own_a:
        free(a)
    if own_b:
        free(b)
