# A Cython array made by a memoryview cast over a pointer (`<float[:n]> p`) has that
# pointer's block as its `data`: its `callback_free_data` must release the block with the
# family's own function, as for an array whose `data` is set by hand.
from cython cimport view
from cpython.mem cimport PyMem_Malloc, PyMem_Free
from libc.stdlib cimport malloc, free


cdef void release_pymem(void* data) noexcept:
    PyMem_Free(data)


def ones(int n):
    cdef float* p = <float*> PyMem_Malloc((n + 1) * sizeof(float))
    if p == NULL:
        raise MemoryError()
    cdef view.array a = <float[:n]> p
    a.callback_free_data = free  # expect: CY002
    return a


def grid(int n, int m):
    cdef double* p = <double*> PyMem_Malloc(n * m * sizeof(double))
    if p == NULL:
        raise MemoryError()
    arr = (<double[:n, :m]> p)
    arr.callback_free_data = free  # expect: CY002
    return arr


def handed_on(int n):
    cdef int* p = <int*> malloc(n * sizeof(int))
    if p == NULL:
        raise MemoryError()
    cdef view.array made = <int[:n]> p
    cdef view.array returned = made
    returned.callback_free_data = release_pymem  # expect: CY002
    return returned
