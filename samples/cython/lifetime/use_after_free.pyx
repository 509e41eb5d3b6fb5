# CY006: a block used after its release.
from libc.stdlib cimport malloc, free, realloc
from libc.string cimport memcpy
from libcpp.vector cimport vector


def read_after_free(int n):
    cdef int* p = <int*>malloc(n * sizeof(int))
    if p == NULL:
        raise MemoryError()
    p[0] = 1
    free(p)
    return p[0]  # expect: CY006


def passed_after_free(int n, char* src):
    cdef char* p = <char*>malloc(n)
    if p == NULL:
        raise MemoryError()
    free(p)
    memcpy(p, src, n)  # expect: CY006


def reallocated_after_free(int n):
    cdef char* p = <char*>malloc(n)
    if p == NULL:
        raise MemoryError()
    free(p)
    cdef char* q = <char*>realloc(p, 2 * n)  # expect: CY006
    if q == NULL:
        raise MemoryError()
    free(q)


cdef class Table:
    cdef double* rows

    def __cinit__(self, int n):
        self.rows = <double*>malloc(n * sizeof(double))
        if self.rows == NULL:
            raise MemoryError()

    def close(self):
        free(self.rows)

    def grow(self, int n):
        cdef double* bigger = <double*>realloc(self.rows, n * sizeof(double))  # expect: CY006
        if bigger == NULL:
            raise MemoryError()
        self.rows = bigger

    def __dealloc__(self):
        if self.rows != NULL:
            free(self.rows)  # expect: CY005


cdef struct Ops:
    int (*fn)(int) noexcept


cdef int ident(int x) noexcept:
    return x


def call_through_a_freed_struct():
    cdef Ops* ops = <Ops*>malloc(sizeof(Ops))
    if ops == NULL:
        raise MemoryError()
    ops.fn = ident
    free(ops)
    return ops.fn(1)  # expect: CY006


def method_of_a_deleted_cpp_object():
    cdef vector[int]* v = new vector[int]()
    del v
    v.push_back(1)  # expect: CY006


cdef char* returns_what_it_freed():
    cdef char* p = <char*>malloc(8)
    if p == NULL:
        return NULL
    free(p)
    return p  # expect: CY006


cdef char* returns_after_reset(bint drop):
    cdef char* p = <char*>malloc(8)
    if p == NULL:
        return NULL
    if drop:
        free(p)
        p = NULL
    return p


def returns_a_python_copy(int n):
    # A pointer stored into a `bytes` local is converted: the copy outlives the block.
    cdef char* log = <char*>malloc(n)
    cdef bytes text
    if log == NULL:
        raise MemoryError()
    log[0] = 0
    text = <char*>log
    free(log)
    return text
