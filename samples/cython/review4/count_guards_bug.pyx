# Guards that do not make the count positive (or non-zero) where `p` is used: `p` may be
# NULL there, each is reported.
from libc.stdlib cimport malloc, free


def while_at_most_count(Py_ssize_t n):
    cdef int* p = <int*>malloc(n * sizeof(int))  # expect: CY001
    if p == NULL and n != 0:
        raise MemoryError()
    cdef Py_ssize_t i = 0
    while i <= n:
        p[i] = 0
        i += 1
    free(p)


def while_from_below_zero(Py_ssize_t n):
    cdef int* p = <int*>malloc(n * sizeof(int))  # expect: CY001
    if p == NULL and n != 0:
        raise MemoryError()
    cdef Py_ssize_t i = -1
    while i < n:
        p[i + 1] = 0
        i += 1
    free(p)


def while_index_of_unknown_start(Py_ssize_t n, Py_ssize_t start):
    cdef int* p = <int*>malloc(n * sizeof(int))  # expect: CY001
    if p == NULL and n != 0:
        raise MemoryError()
    cdef Py_ssize_t i = 0
    i = start
    while i < n:
        p[0] = 0
        i += 1
    free(p)


def count_reassigned_before_while(Py_ssize_t n, Py_ssize_t k):
    cdef int* p = <int*>malloc(n * sizeof(int))  # expect: CY001
    if p == NULL and n != 0:
        raise MemoryError()
    n = k
    cdef Py_ssize_t i = 0
    while i < n:
        p[i] = 0
        i += 1
    free(p)


def unsigned_index_signed_count(Py_ssize_t n):
    # `i < n` converts a negative `n` to a huge unsigned value: the loop runs where
    # `n > 0` did not hold.
    cdef int* p = <int*>malloc(n * sizeof(int))  # expect: CY001
    if p == NULL and n > 0:
        raise MemoryError()
    cdef size_t i = 0
    while i < n:
        p[0] = 0
        i += 1
    free(p)


def one_of_three_conjuncts(size_t n, size_t m):
    cdef double* p = <double*>malloc(n * m * sizeof(double))  # expect: CY001
    if p == NULL and n != 0 and m != 0:
        raise MemoryError()
    if n != 0:
        p[0] = 0
    free(p)


def conjunct_reassigned(size_t n, size_t m, size_t k):
    cdef double* p = <double*>malloc(n * m * sizeof(double))  # expect: CY001
    if p == NULL and n != 0 and m != 0:
        raise MemoryError()
    m = k
    if n != 0 and m != 0:
        p[0] = 0
    free(p)


def copied_before_the_count_changed(size_t n, size_t k):
    cdef size_t m = n
    n = k
    cdef int* p = <int*>malloc(n * sizeof(int))  # expect: CY001
    if p == NULL and n != 0:
        raise MemoryError()
    cdef size_t i
    for i in range(m):
        p[i] = 1
    free(p)


def copy_grown(size_t n):
    cdef int* p = <int*>malloc(n * sizeof(int))  # expect: CY001
    if p == NULL and n != 0:
        raise MemoryError()
    cdef size_t m = n
    m += 1
    cdef size_t i
    for i in range(m):
        p[0] = 1
    free(p)


def narrowed_copy_counted_down(Py_ssize_t n):
    # `<int>n` may be positive for a negative `n`: only `n != 0` follows, not `n > 0`.
    cdef int* p = <int*>malloc(n * sizeof(int))  # expect: CY001
    if p == NULL and n > 0:
        raise MemoryError()
    cdef int i = n
    while i > 0:
        i -= 1
        p[0] = i
    free(p)


def copy_counted_up(int n):
    cdef int* p = <int*>malloc(n * sizeof(int))  # expect: CY001
    if p == NULL and n > 0:
        raise MemoryError()
    cdef int i = n
    i += 3
    while i > 0:
        i -= 1
        p[0] = i
    free(p)


def list_grown_before_the_loop(list xs):
    cdef Py_ssize_t n = len(xs)
    cdef long* p = <long*>malloc(n * sizeof(long))  # expect: CY001
    if p == NULL and n != 0:
        raise MemoryError()
    cdef Py_ssize_t i = 0
    try:
        xs.append(0)
        for x in xs:
            p[i] = x
            i += 1
    finally:
        free(p)


def list_spliced_before_the_loop(list xs):
    cdef Py_ssize_t n = len(xs)
    cdef long* p = <long*>malloc(n * sizeof(long))  # expect: CY001
    if p == NULL and n != 0:
        raise MemoryError()
    xs[0:0] = [1]
    for i, x in enumerate(xs):
        p[i] = x
    free(p)


def length_of_an_object(object xs):
    # Any object may count one length and iterate another.
    cdef Py_ssize_t n = len(xs)
    cdef long* p = <long*>malloc(n * sizeof(long))  # expect: CY001
    if p == NULL and n != 0:
        raise MemoryError()
    for i, x in enumerate(xs):
        p[i] = x
    free(p)


def length_of_another_list(list xs, list ys):
    cdef Py_ssize_t n = len(xs)
    cdef long* p = <long*>malloc(n * sizeof(long))  # expect: CY001
    if p == NULL and n != 0:
        raise MemoryError()
    for i, y in enumerate(ys):
        p[i] = y
    free(p)
