# A helper given `&p` that frees `pp[0]` with the right function and clears it: the
# caller's `p` is NULL afterwards, so testing it, freeing it again (`free(NULL)`),
# releasing it twice or allocating into it anew is fine, and nothing leaks.
from libc.stdlib cimport malloc, free


cdef void release(char** pp) noexcept:
    free(pp[0])
    pp[0] = NULL


cdef void fill(char** pp, int n) noexcept:
    pp[0][0] = <char>n


def released_once(int n):
    cdef char* b = <char*>malloc(n + 1)
    if b == NULL:
        raise MemoryError()
    b[0] = 0
    release(&b)


def released_then_reused(int n):
    cdef char* b = <char*>malloc(n + 1)
    if b == NULL:
        raise MemoryError()
    release(&b)
    release(&b)
    if b != NULL:
        b[0] = 1
    free(b)
    b = <char*>malloc(n + 1)
    if b == NULL:
        raise MemoryError()
    fill(&b, n)
    release(&b)


cdef void clear_if_set(char** pp) noexcept nogil:
    # The Py_CLEAR form: where the slot is NULL already, nothing is freed and it stays NULL.
    if pp[0] != NULL:
        free(pp[0])
        pp[0] = NULL


def cleared_early_and_in_finally(bytes text):
    cdef char* work = <char*>malloc(len(text) + 1)
    if work == NULL:
        raise MemoryError()
    try:
        if len(text) == 0:
            clear_if_set(&work)
            return None
        work[0] = text[0]
        return work[0]
    finally:
        clear_if_set(&work)


def cleared_twice_in_a_row(int n):
    cdef char* b = <char*>malloc(n + 1)
    if b == NULL:
        raise MemoryError()
    b[0] = 0
    clear_if_set(&b)
    clear_if_set(&b)
