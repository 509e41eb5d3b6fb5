# A helper that raises (or aborts) when its argument is NULL is the NULL check.
from libc.stdlib cimport malloc, free, abort


cdef inline int check_alloc(void* q) except -1:
    if q == NULL:
        raise MemoryError()
    return 0


cdef void die_on_null(void* q) noexcept nogil:
    if not q:
        abort()


cdef int only_logs(void* q):
    if q == NULL:
        print("allocation failed")
    return 0


def checked_by_helper(int n):
    cdef int* p = <int*>malloc(n)
    check_alloc(p)
    p[0] = 1
    free(p)


def checked_by_aborting_helper(int n):
    cdef int* p = <int*>malloc(n)
    die_on_null(p)
    p[0] = 1
    free(p)


def helper_that_only_logs(int n):
    cdef int* p = <int*>malloc(n)  # expect: CY001
    only_logs(p)
    p[0] = 1
    free(p)
