# The elements of a pointer array filled in one loop and checked in a second loop over
# the same range: when the checking loop runs to its end, every element was seen not NULL.
from libc.stdlib cimport malloc, free


def checked_in_a_second_loop(size_t n):
    cdef char* bufs[2]
    cdef int i
    for i in range(2):
        bufs[i] = <char*>malloc(n)
    for i in range(2):
        if bufs[i] == NULL:
            free(bufs[0])
            free(bufs[1])
            raise MemoryError()
    bufs[0][0] = 1
    free(bufs[0])
    free(bufs[1])


def checked_with_not_and_a_bound(int count, size_t n):
    cdef double** rows = <double**>malloc(count * sizeof(double*))
    cdef int i, j
    if rows == NULL:
        raise MemoryError()
    for i in range(count):
        rows[i] = <double*>malloc(n * sizeof(double))
    for j in range(count):
        if not rows[j]:
            for i in range(count):
                free(rows[i])
            free(rows)
            raise MemoryError()
    rows[0][0] = 1.0
    for i in range(count):
        free(rows[i])
    free(rows)


def no_checking_loop(size_t n):
    cdef char* bufs[2]
    cdef int i
    for i in range(2):
        bufs[i] = <char*>malloc(n)  # expect: CY001
    bufs[0][0] = 1
    free(bufs[0])
    free(bufs[1])


def checks_another_array(size_t n):
    cdef char* bufs[2]
    cdef char* spare[2]
    cdef int i
    for i in range(2):
        bufs[i] = <char*>malloc(n)  # expect: CY001
        spare[i] = <char*>malloc(n)
    for i in range(2):
        if spare[i] == NULL:
            raise MemoryError()
    bufs[0][0] = 1
    spare[0][0] = 1
    for i in range(2):
        free(bufs[i])
        free(spare[i])


def null_element_only_noted(size_t n):
    cdef char* bufs[2]
    cdef int i, missing = 0
    for i in range(2):
        bufs[i] = <char*>malloc(n)  # expect: CY001
    for i in range(2):
        if bufs[i] == NULL:
            missing += 1
    bufs[0][0] = 1
    for i in range(2):
        free(bufs[i])


def checks_fewer_elements(int count, size_t n):
    cdef char* bufs[8]
    cdef int i
    for i in range(count):
        bufs[i] = <char*>malloc(n)  # expect: CY001
    for i in range(count - 1):
        if bufs[i] == NULL:
            raise MemoryError()
    bufs[0][0] = 1


def skips_some_turns(int count, size_t n, int skip):
    cdef char* bufs[8]
    cdef int i
    for i in range(count):
        bufs[i] = <char*>malloc(n)  # expect: CY001
    for i in range(count):
        if i == skip:
            continue
        if bufs[i] == NULL:
            raise MemoryError()
    bufs[0][0] = 1


def index_moved_in_the_body(int count, size_t n):
    cdef char* bufs[8]
    cdef int i
    for i in range(count):
        bufs[i] = <char*>malloc(n)  # expect: CY001
    for i in range(count):
        if bufs[i] == NULL:
            raise MemoryError()
        i += 1
    bufs[0][0] = 1
