# distutils: language = c++
# Minimized from the corpus: C-level calls the engine gives an unwind edge but that are
# not Python calls. No CY008 here.
from libc.stdlib cimport malloc, free
from libcpp.vector cimport vector
from cython.parallel cimport prange
cimport numpy as cnp


def method_of_a_cpp_value(int n):
    # `v.push_back` is a C++ method (Cython's declaration says `except +`, which the
    # analysis does not read): not a Python call.
    cdef vector[int] v
    cdef int* p = <int*>malloc(n * sizeof(int))
    if p == NULL:
        raise MemoryError()
    v.push_back(p[0])
    free(p)


def function_cimported_from_another_module(cnp.ndarray arr, int n):
    cdef char* p = <char*>malloc(n)
    if p == NULL:
        raise MemoryError()
    p[0] = (<char*>cnp.PyArray_DATA(arr))[0]
    free(p)


cdef void fill(int n) noexcept:
    # In a noexcept function an exception returns to the caller: `prange` is a C loop.
    cdef int* p = <int*>malloc(n * sizeof(int))
    cdef int i
    if p == NULL:
        return
    for i in prange(n, nogil=True):
        p[i] = i
    free(p)
