# A helper given `&p` that frees `pp[0]` releases the caller's block: with another
# family's function (CY002), or, when it leaves `pp[0]` as it was, before the caller reads
# through `p` again and frees it a second time (CY006, CY005).
from cpython.mem cimport PyMem_Free
from libc.stdlib cimport malloc, free


cdef void release_pymem(char** pp) noexcept:
    if pp[0] != NULL:
        PyMem_Free(pp[0])
        pp[0] = NULL


cdef void release_keeping(char** pp) noexcept:
    free(pp[0])


def wrong_family(int n):
    cdef char* b = <char*>malloc(n + 1)
    if b == NULL:
        raise MemoryError()
    b[0] = 0
    release_pymem(&b)  # expect: CY002


def freed_twice(int n):
    cdef char* b = <char*>malloc(n + 1)
    if b == NULL:
        raise MemoryError()
    release_keeping(&b)
    b[0] = 1  # expect: CY006
    free(b)  # expect: CY005


cdef void free_if_set(char** pp) noexcept nogil:
    # Guarded, but the slot keeps the freed pointer.
    if pp[0] != NULL:
        free(pp[0])


def guarded_release_twice(bytes text):
    cdef char* work = <char*>malloc(len(text) + 1)
    if work == NULL:
        raise MemoryError()
    try:
        if len(text) == 0:
            free_if_set(&work)
            return None
        work[0] = text[0]
        return work[0]
    finally:
        free_if_set(&work)  # expect: CY005
