# Flags that do not follow the block: a branch that allocates without setting the flag,
# a flag set under another block's check, a block held elsewhere while the flag's pointer
# stays NULL.
from libc.stdlib cimport malloc, free


def forgets_the_flag_in_one_branch(int c, int d):
    cdef bint owned = False
    cdef char* b = NULL
    if c:
        b = <char*>malloc(16)
        if b == NULL:
            raise MemoryError()
        owned = True
    elif d:
        b = <char*>malloc(32)  # expect: CY007
        if b == NULL:
            raise MemoryError()
    if owned:
        free(b)


def flag_set_by_the_other_check():
    cdef bint owned = False
    cdef char* a = <char*>malloc(16)
    cdef char* b = <char*>malloc(16)  # expect: CY007
    if a != NULL:
        owned = True
    if owned:
        free(a)
        free(b)


def block_kept_elsewhere(int c):
    cdef bint owned = False
    cdef char* b = NULL
    cdef char* q = <char*>malloc(16)  # expect: CY007
    if q == NULL:
        raise MemoryError()
    if c:
        b = q
        owned = True
    if owned:
        free(b)


def flag_set_before_the_allocation(int c):
    cdef bint owned = False
    cdef char* b = NULL
    if c:
        owned = True
    b = <char*>malloc(16)  # expect: CY007
    if b == NULL:
        raise MemoryError()
    if owned:
        free(b)


def frees_again_past_the_flag(int c):
    cdef bint owned = False
    cdef char* b = NULL
    if c:
        b = <char*>malloc(16)
        if b == NULL:
            raise MemoryError()
        owned = True
    if owned:
        free(b)
    free(b)  # expect: CY005
