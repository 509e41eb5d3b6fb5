# A cast zero tests the pointer only where the code tests it: a use on the path where the
# test found NULL, or with no test at all, is still reported.
from libc.stdlib cimport malloc, free
from libc.stdint cimport uintptr_t


def used_where_null(int n):
    cdef double* p = <double*>malloc(n * sizeof(double))  # expect: CY001
    if p == <double*>0:
        p[0] = 1
    free(p)


def integer_compare_wrong_way(int n):
    cdef double* p = <double*>malloc(n * sizeof(double))  # expect: CY001
    if <uintptr_t>p == 0:
        p[0] = 1
    free(p)


def unrelated_zero(int n, int k):
    cdef double* p = <double*>malloc(n * sizeof(double))  # expect: CY001
    if k == 0:
        free(p)
        raise ValueError()
    p[0] = 1
    free(p)
