# A keyword argument binds its value to the callee's parameter like a positional one:
# `keep(ptr=p)` hands the block to `keep`, which stores it, so the caller owns it no more.
from libc.stdlib cimport malloc, free

cdef void* _kept = NULL


cdef void keep(void* ptr) noexcept:
    global _kept
    _kept = ptr


cdef void stash(int tag, void* ptr) noexcept:
    global _kept
    _kept = ptr


def keep_by_keyword(size_t n):
    cdef void* p = malloc(n)
    if p == NULL:
        raise MemoryError()
    keep(ptr=p)


def stash_by_keywords(size_t n):
    cdef void* p = malloc(n)
    if p == NULL:
        raise MemoryError()
    stash(ptr=p, tag=1)


def keyword_of_another_value(size_t n):
    cdef void* p = malloc(n)  # expect: CY007
    cdef void* q = NULL
    if p == NULL:
        raise MemoryError()
    keep(ptr=q)


def release():
    global _kept
    free(_kept)
    _kept = NULL
