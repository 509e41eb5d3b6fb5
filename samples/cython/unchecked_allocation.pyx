# CY001 in Cython syntax: blocks used before any NULL check, and the checks that count.
from libc.stdlib cimport malloc, calloc, realloc, free, abort
from libc.string cimport memset, memcpy, strcpy
from cpython.mem cimport PyMem_Malloc, PyMem_Free

cdef struct Point:
    double x
    double y


def squares(int n):
    cdef double* out = <double*> malloc(n * sizeof(double))  # expect: CY001
    cdef int i
    for i in range(n):
        out[i] = i * i
    result = [out[i] for i in range(n)]
    free(out)
    return result


cdef int zero_fill(size_t n) nogil:
    cdef char* buf = <char*> malloc(n)  # expect: CY001
    memset(buf, 0, n)
    free(buf)
    return 0


cdef Point* make_point() except NULL:
    cdef Point* p = <Point*> PyMem_Malloc(sizeof(Point))  # expect: CY001
    p.x = 0
    p.y = 0
    return p


cdef void copy_name(const char* name):
    cdef char* copy = <char*> malloc(64)  # expect: CY001
    strcpy(copy, name)
    free(copy)


cdef void arithmetic_then_deref(int n):
    cdef int* base = <int*> calloc(n, sizeof(int))  # expect: CY001
    (base + 1)[0] = 7
    free(base)


cdef int checked_with_not(int n) except -1:
    cdef double* p = <double*> malloc(n * sizeof(double))
    if not p:
        raise MemoryError()
    p[0] = 1
    free(p)
    return 0


cdef int checked_is_null(int n) except -1:
    cdef double* p = <double*> malloc(n * sizeof(double))
    if p is NULL:
        raise MemoryError()
    p[0] = 1
    free(p)
    return 0


cdef int checked_null_first(int n) nogil:
    cdef double* p = <double*> malloc(n * sizeof(double))
    if NULL == p:
        return -1
    p[0] = 1
    free(p)
    return 0


cdef int checked_two(int n) except -1:
    cdef double* p = <double*> malloc(n * sizeof(double))
    cdef double* q = <double*> malloc(n * sizeof(double))
    if p == NULL or q == NULL:
        free(p)
        free(q)
        raise MemoryError()
    memcpy(p, q, n * sizeof(double))
    free(p)
    free(q)
    return 0


cdef int checked_not_and(int n) nogil:
    cdef int* a = <int*> malloc(n * sizeof(int))
    cdef int* b = <int*> malloc(n * sizeof(int))
    if not (a and b):
        free(a)
        free(b)
        return -1
    a[0] = b[0]
    free(a)
    free(b)
    return 0


cdef int checked_in_nogil_with_gil_raise(int n) except -1 nogil:
    cdef int* a = <int*> malloc(n * sizeof(int))
    if a is NULL:
        with gil:
            raise MemoryError()
    a[0] = 1
    free(a)
    return 0


cdef void checked_then_abort(int n) noexcept nogil:
    cdef int* a = <int*> malloc(n * sizeof(int))
    if a == NULL:
        abort()
    a[0] = 1
    free(a)


def checked_walrus(int n):
    cdef int* a
    if (a := <int*> malloc(n * sizeof(int))) == NULL:
        raise MemoryError()
    a[0] = 1
    free(a)


def checked_assert(int n):
    cdef int* a = <int*> malloc(n * sizeof(int))
    assert a != NULL
    a[0] = 1
    free(a)


def viewed_as_memoryview(int n):
    # Cython raises ValueError for a NULL pointer cast to a memoryview: that is a check.
    cdef double* data = <double*> malloc(n * sizeof(double))
    try:
        view = <double[:n]> data
        data[0] = 1
        return view[0]
    finally:
        free(data)


def checked_in_loop(list sizes):
    cdef char* buf
    for size in sizes:
        buf = <char*> malloc(size)
        if buf == NULL:
            continue
        buf[0] = 0
        free(buf)


cdef double* returned_unchecked(int n):
    # Returning is not a use: the caller checks.
    return <double*> malloc(n * sizeof(double))


cdef class Holder:
    cdef double* data

    def __cinit__(self, int n):
        # Storing into a field is not a use; the check happens through the field.
        self.data = <double*> PyMem_Malloc(n * sizeof(double))
        if not self.data:
            raise MemoryError()
        self.data[0] = 0

    def __dealloc__(self):
        PyMem_Free(self.data)


cdef int fill_if_present(double* out, int n) nogil:
    if out == NULL:
        return -1
    out[0] = n
    return 0


cdef void fill_blindly(double* out, int n) noexcept nogil:
    out[0] = n


def passed_to_a_helper_that_checks(int n):
    cdef double* p = <double*> malloc(n * sizeof(double))
    if fill_if_present(p, n) < 0:
        raise MemoryError()
    free(p)


def passed_to_a_helper_that_does_not_check(int n):
    cdef double* p = <double*> malloc(n * sizeof(double))  # expect: CY001
    fill_blindly(p, n)
    free(p)


def checked_together_with_the_size(int n):
    # malloc(0) may return NULL: the check only matters when n > 0, and so does the loop.
    cdef double* p = <double*> malloc(n * sizeof(double))
    if n > 0 and p == NULL:
        raise MemoryError()
    for i in range(n):
        p[i] = i
    free(p)
