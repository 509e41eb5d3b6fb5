# The same functions, made right: the view is copied before the block is freed
# (`np.array(view)`, `bytes(view)`, `.copy()`), or the array is given the block to free
# (`callback_free_data`), or only the view's shape is read after the release.
import numpy as np
from cython.view cimport array as cvarray
from libc.stdlib cimport malloc, free


def ramp(int n):
    cdef double* buf = <double*>malloc((n + 1) * sizeof(double))
    cdef int i
    if buf == NULL:
        raise MemoryError()
    try:
        for i in range(n):
            buf[i] = i
        return np.array(<double[:n]>buf)
    finally:
        free(buf)


def ramp_bytes(int n):
    cdef char* buf = <char*>malloc(n + 1)
    if buf == NULL:
        raise MemoryError()
    try:
        return bytes(<char[:n]>buf)
    finally:
        free(buf)


def gaussian_kernel(int n):
    cdef double* k = <double*>malloc((n + 1) * sizeof(double))
    cdef int i
    if k == NULL:
        raise MemoryError()
    for i in range(n):
        k[i] = 1.0 / (1 + (i - n // 2) ** 2)
    cdef double[::1] view = <double[:n]>k
    try:
        arr = np.asarray(view).copy()
    finally:
        free(k)
    return arr / arr.sum(), view.shape[0]


def owned_ramp(int n):
    cdef double* buf = <double*>malloc((n + 1) * sizeof(double))
    cdef int i
    if buf == NULL:
        raise MemoryError()
    for i in range(n):
        buf[i] = i
    cdef cvarray arr = <double[:n]>buf
    arr.callback_free_data = free
    return arr
