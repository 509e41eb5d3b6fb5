# Correlated conditions: error flags and status codes assigned constants on the NULL and
# the non-NULL paths, tested later (nogil kernels cannot raise where they allocate).
from libc.stdlib cimport malloc, free


def scaled(double[:] values, double factor):
    cdef Py_ssize_t n = values.shape[0], i
    cdef double* out
    cdef bint failed = False
    with nogil:
        out = <double*>malloc(n * sizeof(double))
        if out == NULL:
            failed = True
        else:
            for i in range(n):
                out[i] = values[i] * factor
    if failed:
        raise MemoryError()
    result = [out[i] for i in range(n)]
    first = out[0]
    free(out)
    return result, first


def copied(double[:] values):
    cdef Py_ssize_t n = values.shape[0], i
    cdef double* p = <double*>malloc(n * sizeof(double))
    ok = p != NULL
    if not ok:
        raise MemoryError()
    for i in range(n):
        p[i] = values[i]
    total = p[0]
    free(p)
    return total


cdef int fill(double* out, Py_ssize_t n) nogil:
    cdef Py_ssize_t i
    for i in range(n):
        out[i] = i
    return 0


def by_status(Py_ssize_t n):
    cdef double* p = <double*>malloc(n * sizeof(double))
    cdef int rc
    if p == NULL:
        rc = -1
    else:
        rc = fill(p, n)
        rc = 0
    if rc == 0:
        p[0] += 1
    free(p)
    return rc


def status_ignored(Py_ssize_t n):
    cdef double* p = <double*>malloc(n * sizeof(double))  # expect: CY001
    cdef int rc
    if p == NULL:
        rc = -1
    else:
        rc = 0
    if rc != 0:
        print("allocation failed")
    p[0] = 1.0
    free(p)


def flag_set_the_wrong_way(Py_ssize_t n):
    cdef double* out = <double*>malloc(n * sizeof(double))  # expect: CY001, CY007
    cdef bint failed = False
    if out != NULL:
        failed = True
    if failed:
        raise MemoryError()
    out[0] = 1.0
    free(out)


# A guard that only partly checks: `n > 0 and p == NULL` stops the NULL path only where
# `n > 0`; uses under `n > 0` (a `range(n)` loop, an `if n > 0:`) are safe, one reached
# when `n == 0` is not.
def filled(Py_ssize_t n):
    cdef double* p = <double*>malloc(n * sizeof(double))
    cdef Py_ssize_t i
    if n > 0 and p == NULL:
        raise MemoryError()
    for i in range(n):
        p[i] = i
    if n > 0:
        p[n - 1] = 0
    free(p)


def header_written_anyway(Py_ssize_t n):
    cdef double* p = <double*>malloc((n + 1) * sizeof(double))  # expect: CY001
    if n > 0 and p == NULL:
        raise MemoryError()
    p[0] = n
    free(p)


def guard_outlived(Py_ssize_t n):
    cdef double* p = <double*>malloc(8 * sizeof(double))  # expect: CY001
    if n > 0 and p == NULL:
        raise MemoryError()
    n -= 1
    if n > 0:
        p[0] = 1
    free(p)


# A counter that starts as a constant and changes by `+=`: its first value says nothing
# later, so the branch on `count == 2` is reachable (and its allocation unchecked).
def crossing_points(double a, double b, double c):
    cdef int count = 0
    cdef double* points
    if a * b < 0:
        count += 1
    if b * c < 0:
        count += 1
    if count == 2:
        points = <double*>malloc(2 * sizeof(double))  # expect: CY001
        points[0] = a
        free(points)


def copied_with_a_declared_flag(double[:] values):
    # The flag declared with the test as its initial value records the test too.
    cdef Py_ssize_t n = values.shape[0], i
    cdef double* p = <double*>malloc(n * sizeof(double))
    cdef bint ok = p != NULL
    if not ok:
        raise MemoryError()
    for i in range(n):
        p[i] = values[i]
    total = p[0]
    free(p)
    return total


def declared_flag_never_tested(Py_ssize_t n):
    cdef double* p = <double*>malloc(n * sizeof(double))  # expect: CY001
    cdef bint ok = p != NULL
    p[0] = n
    free(p)
    return ok
