# CY001 in pure-Python mode: blocks used before any NULL check, and the checks that count.
import cython
from cython.cimports.libc.stdlib import malloc, calloc, free, abort
from cython.cimports.libc.string import memset, memcpy
from cython.cimports.cpython.mem import PyMem_Malloc, PyMem_Free


def fill(n: cython.int):
    p: cython.p_double = cython.cast(cython.p_double, malloc(n * cython.sizeof(cython.double)))  # expect: CY001
    p[0] = 1.0
    free(p)


def zeroed(n: cython.size_t):
    buf = malloc(n)  # expect: CY001
    memset(buf, 0, n)
    free(buf)


def checked_on_one_branch_only(n: cython.int, flag: cython.bint):
    p: cython.p_int = cython.cast(cython.p_int, malloc(n * cython.sizeof(cython.int)))  # expect: CY001
    if flag:
        if p == cython.NULL:
            raise MemoryError()
    p[0] = n
    free(p)


def checked_after_the_use(n: cython.int):
    p: cython.p_int = cython.cast(cython.p_int, PyMem_Malloc(n * cython.sizeof(cython.int)))  # expect: CY001
    p[0] = 0
    if not p:
        raise MemoryError()
    PyMem_Free(p)


def alias_used_unchecked(n: cython.int):
    p = calloc(n, 8)  # expect: CY001
    q = p
    q[1] = 2
    free(p)


def checked_with_not(n: cython.size_t):
    p = malloc(n)
    if not p:
        raise MemoryError()
    memset(p, 0, n)
    free(p)


def checked_with_is_null(n: cython.size_t):
    p = malloc(n)
    if p is cython.NULL:
        raise MemoryError()
    memset(p, 0, n)
    free(p)


def checked_null_first(n: cython.size_t) -> cython.int:
    p = malloc(n)
    if cython.NULL == p:
        return -1
    memset(p, 0, n)
    free(p)
    return 0


def checked_by_truthiness(n: cython.size_t):
    p = malloc(n)
    if p:
        memset(p, 0, n)
        free(p)


def checked_in_else(n: cython.size_t):
    p = malloc(n)
    if p != cython.NULL:
        memset(p, 0, n)
    else:
        raise MemoryError()
    free(p)


def checked_two_at_once(n: cython.size_t):
    p = malloc(n)
    q = malloc(n)
    if p == cython.NULL or q == cython.NULL:
        free(p)
        free(q)
        raise MemoryError()
    memcpy(p, q, n)
    free(p)
    free(q)


def checked_with_not_and(n: cython.size_t) -> cython.int:
    p = malloc(n)
    q = malloc(n)
    if not (p and q):
        free(p)
        free(q)
        return -1
    memcpy(p, q, n)
    free(p)
    free(q)
    return 0


def checked_with_walrus(n: cython.size_t):
    if (p := malloc(n)) == cython.NULL:
        raise MemoryError()
    memset(p, 0, n)
    free(p)


def checked_with_assert(n: cython.size_t):
    p = malloc(n)
    assert p != cython.NULL, "out of memory"
    memset(p, 0, n)
    free(p)


def checked_then_abort(n: cython.size_t):
    p = malloc(n)
    if not p:
        abort()
    memset(p, 0, n)
    free(p)


def checked_through_an_alias(n: cython.size_t):
    p = malloc(n)
    q = p
    if q == cython.NULL:
        raise MemoryError()
    memset(p, 0, n)
    free(p)


def retried_until_it_works(n: cython.size_t):
    p = cython.NULL
    while p == cython.NULL:
        p = malloc(n)
    memset(p, 0, n)
    free(p)


def skipped_in_a_loop(n: cython.int):
    for i in range(n):
        p = malloc(16)
        if p is cython.NULL:
            continue
        memset(p, 0, 16)
        free(p)


def returned_unchecked(n: cython.size_t) -> cython.p_double:
    # Returning is not a use: the caller checks.
    return cython.cast(cython.p_double, malloc(n))


def shadowed_allocator(n: cython.int, make_buffer):
    malloc = make_buffer
    p = malloc(n)
    p[0] = 1


def checked_under_nogil(n: cython.size_t):
    with cython.nogil:
        p = malloc(n)
    if not p:
        raise MemoryError()
    with cython.nogil:
        memset(p, 0, n)
        free(p)


def freed_in_finally(n: cython.int):
    p: cython.p_double = cython.cast(cython.p_double, malloc(n * 8))
    if not p:
        raise MemoryError()
    try:
        for i in range(n):
            p[i] = i
    finally:
        free(p)
