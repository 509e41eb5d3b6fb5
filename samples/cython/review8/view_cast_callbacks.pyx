# A Cython array made by a memoryview cast over a pointer (`<float[:n]> p`) whose
# `callback_free_data` releases the block with its own family's function; and casts that
# only view a block, which the function frees itself.
from cython cimport view
from cpython.mem cimport PyMem_Malloc, PyMem_Free
from libc.stdlib cimport malloc, free


cdef void release_pymem(void* data) noexcept:
    PyMem_Free(data)


def ones(int n):
    cdef float* p = <float*> malloc((n + 1) * sizeof(float))
    if p == NULL:
        raise MemoryError()
    cdef view.array a = <float[:n]> p
    a.callback_free_data = free
    return a


def pymem_grid(int n, int m):
    cdef double* p = <double*> PyMem_Malloc(n * m * sizeof(double))
    if p == NULL:
        raise MemoryError()
    arr = <double[:n, :m]> p
    arr.callback_free_data = release_pymem
    return arr


def pymem_direct(int n):
    cdef int* p = <int*> PyMem_Malloc(n * sizeof(int))
    if p == NULL:
        raise MemoryError()
    cdef view.array arr = <int[:n]> p
    arr.callback_free_data = PyMem_Free
    return arr


def rebound(int n):
    # `arr` first views the PyMem block, then is rebound to a view of the malloc one:
    # only that one is the array's `data` when its callback is set.
    cdef float* p = <float*> PyMem_Malloc(n * sizeof(float))
    cdef float* q = <float*> malloc(n * sizeof(float))
    if p == NULL or q == NULL:
        PyMem_Free(p)
        free(q)
        raise MemoryError()
    arr = <float[:n]> p
    total = sum(arr)
    arr = <float[:n]> q
    arr.callback_free_data = free
    PyMem_Free(p)
    return arr, total


def total(int n):
    # A typed memoryview over the block only views it: the function frees the block.
    cdef double* p = <double*> PyMem_Malloc(n * sizeof(double))
    if p == NULL:
        raise MemoryError()
    cdef double[:] mv = <double[:n]> p
    cdef double s = 0
    cdef int i
    for i in range(n):
        mv[i] = i
        s += mv[i]
    PyMem_Free(p)
    return s
