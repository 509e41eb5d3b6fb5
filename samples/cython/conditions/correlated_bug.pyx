# Tests that only look like the same condition: the value changed between them (assigned,
# written through its address, a global a call may change, a Python object's truth), or
# the same test frees on every turn of a loop. The bugs are still found.
from libc.stdlib cimport malloc, free
from cython.operator cimport address
cimport cython

cdef bint verbose = False


cdef bint other():
    return True


cdef void set_flag(bint* flag):
    flag[0] = True


def read_after_one_branch_freed(int n, bint c):
    cdef int* p = <int*>malloc(n * sizeof(int))
    if p == NULL:
        raise MemoryError()
    if c:
        free(p)
    p[0] = 2  # expect: CY006
    if not c:
        free(p)


def reassigned_between(int n, bint c):
    cdef int* p = <int*>malloc(n * sizeof(int))  # expect: CY007
    if p == NULL:
        raise MemoryError()
    if c:
        free(p)
    c = other()
    if not c:
        free(p)  # expect: CY005


def written_through_its_address(int n, bint c):
    cdef int* p = <int*>malloc(n * sizeof(int))  # expect: CY007
    if p == NULL:
        raise MemoryError()
    if c:
        free(p)
    set_flag(&c)
    if not c:
        free(p)  # expect: CY005


def written_through_operator_address(int n, bint c):
    cdef int* p = <int*>malloc(n * sizeof(int))  # expect: CY007
    if p == NULL:
        raise MemoryError()
    cdef bint* flag = address(c)
    if c:
        free(p)
    flag[0] = False
    if not c:
        free(p)  # expect: CY005


def written_through_cython_operator_address(int n, bint c):
    cdef int* p = <int*>malloc(n * sizeof(int))  # expect: CY007
    if p == NULL:
        raise MemoryError()
    cdef bint* flag = cython.operator.address(c)
    if c:
        free(p)
    flag[0] = False
    if not c:
        free(p)  # expect: CY005


def reassigned_in_the_loop(int n, bint c):
    cdef int* p = <int*>malloc(n * sizeof(int))  # expect: CY007
    cdef int i
    if p == NULL:
        raise MemoryError()
    for i in range(n):
        if c:
            free(p)  # expect: CY005
        c = other()


def freed_on_every_turn(int n, bint c):
    cdef int* p = <int*>malloc(n * sizeof(int))  # expect: CY007
    cdef int i
    if p == NULL:
        raise MemoryError()
    for i in range(n):
        if c:
            free(p)  # expect: CY005


def a_global_a_call_may_change(int n):
    cdef int* p = <int*>malloc(n * sizeof(int))  # expect: CY007
    if p == NULL:
        raise MemoryError()
    if verbose:
        free(p)
    other()
    if not verbose:
        free(p)  # expect: CY005


def a_python_object(int n, c):
    cdef int* p = <int*>malloc(n * sizeof(int))  # expect: CY007
    if p == NULL:
        raise MemoryError()
    if c:
        free(p)
    c.clear()
    if not c:
        free(p)  # expect: CY005
