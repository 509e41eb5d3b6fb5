# CY003 in Cython syntax: the result of a realloc stored over the place it resizes.
from libc.stdlib cimport malloc, realloc, free
from cpython.mem cimport PyMem_Malloc, PyMem_Realloc, PyMem_Free, PyMem_RawMalloc, PyMem_RawRealloc, PyMem_RawFree
from cpython.object cimport PyObject_Malloc, PyObject_Realloc, PyObject_Free

cdef struct Stack:
    int* items
    size_t size
    size_t capacity


cdef int push(Stack* s, int value) except -1:
    if s.size == s.capacity:
        s.capacity *= 2
        s.items = <int*> realloc(s.items, s.capacity * sizeof(int))  # expect: CY003
        if s.items == NULL:
            raise MemoryError()
    s.items[s.size] = value
    s.size += 1
    return 0


cdef int push_safely(Stack* s, int value) except -1:
    cdef int* grown
    if s.size == s.capacity:
        grown = <int*> realloc(s.items, 2 * s.capacity * sizeof(int))
        if grown == NULL:
            raise MemoryError()
        s.items = grown
        s.capacity *= 2
    s.items[s.size] = value
    s.size += 1
    return 0


def grow_local(size_t n):
    cdef char* buf = <char*> PyMem_RawMalloc(n)
    if buf == NULL:
        raise MemoryError()
    buf = <char*> PyMem_RawRealloc(buf, 2 * n)  # expect: CY003
    if buf == NULL:
        raise MemoryError()
    PyMem_RawFree(buf)


def grow_pyobject(size_t n):
    cdef void* buf = PyObject_Malloc(n)
    if buf == NULL:
        raise MemoryError()
    buf = PyObject_Realloc(buf, 2 * n)  # expect: CY003
    PyObject_Free(buf)


cdef class Vector:
    cdef double* data
    cdef size_t size

    def __cinit__(self, size_t n):
        self.data = <double*> PyMem_Malloc(n * sizeof(double))
        if not self.data:
            raise MemoryError()
        self.size = n

    def resize(self, size_t n):
        self.data = <double*> PyMem_Realloc(self.data, n * sizeof(double))  # expect: CY003
        if not self.data:
            raise MemoryError()
        self.size = n

    def resize_safely(self, size_t n):
        cdef double* mem = <double*> PyMem_Realloc(self.data, n * sizeof(double))
        if not mem:
            raise MemoryError()
        self.data = mem
        self.size = n

    def __dealloc__(self):
        PyMem_Free(self.data)


def first_allocation_through_realloc(size_t n):
    # realloc(NULL, n) allocates: there is no old block to lose.
    cdef char* buf = NULL
    buf = <char*> realloc(buf, n)
    if buf == NULL:
        raise MemoryError()
    free(buf)


def grown_in_a_loop(list chunks):
    cdef char* buf = NULL
    cdef size_t size = 0
    for chunk in chunks:
        size += len(chunk)
        buf = <char*> realloc(buf, size)  # expect: CY003
        if buf == NULL:
            raise MemoryError()
    free(buf)
