# A pointer turned into a number, or given to a function that accepts NULL, is not read
# through.
from libc.stdlib cimport malloc, free
from cpython.long cimport PyLong_FromVoidPtr


def logged_as_integer(int n):
    cdef int* p = <int*>malloc(n)  # expect: CY008
    print(<size_t>p)
    if p == NULL:
        raise MemoryError()
    free(p)


def address_as_python_int(size_t n):
    cdef void* p = malloc(n)
    key = PyLong_FromVoidPtr(p)
    if p == NULL:
        raise MemoryError()
    free(p)
    return key


def passed_as_pointer(int n):
    cdef char* p = <char*>malloc(n)  # expect: CY001, CY008
    print(<bytes>p)
    free(p)
