# A typed memoryview or Cython array made from a pointer cast (`<double[:n]>buf`) neither
# copies nor owns the block: when the block is freed while the view escapes, or before the
# view is read, the view shows freed memory.
import numpy as np
from libc.stdlib cimport malloc, free


def ramp(int n):
    cdef double* buf = <double*>malloc((n + 1) * sizeof(double))
    cdef int i
    if buf == NULL:
        raise MemoryError()
    try:
        for i in range(n):
            buf[i] = i
        return <double[:n]>buf
    finally:
        free(buf)  # expect: CY006


def ramp_array(int n):
    cdef double* buf = <double*>malloc((n + 1) * sizeof(double))
    if buf == NULL:
        raise MemoryError()
    view = <double[:n]>buf
    try:
        return np.asarray(view)
    finally:
        free(buf)  # expect: CY006


def gaussian_kernel(int n):
    # (and if np.asarray raises, k leaks)
    cdef double* k = <double*>malloc((n + 1) * sizeof(double))  # expect: CY008
    cdef int i
    if k == NULL:
        raise MemoryError()
    for i in range(n):
        k[i] = 1.0 / (1 + (i - n // 2) ** 2)
    cdef double[::1] view = <double[:n]>k
    arr = np.asarray(view)
    free(k)
    total = arr.sum()  # expect: CY006
    return total


def freed_first(int n):
    cdef double* buf = <double*>malloc((n + 1) * sizeof(double))
    if buf == NULL:
        raise MemoryError()
    free(buf)
    return <double[:n]>buf  # expect: CY006
