# CY003 fixes in Cython syntax: every shape the fix is written for.
from libc.stdlib cimport malloc, realloc, free
from cpython.mem cimport PyMem_Malloc, PyMem_Realloc, PyMem_Free

cdef struct Stack:
    int* items
    size_t capacity


cdef int push(Stack* s, int value) except -1:
    """Checked right after: the check is kept, made a check of the temporary."""
    s.capacity *= 2
    s.items = <int*> realloc(s.items, s.capacity * sizeof(int))
    if s.items == NULL:
        raise MemoryError()
    s.items[0] = value
    return 0


def unchecked(size_t n):
    cdef void* buf = malloc(n)
    if buf == NULL:
        raise MemoryError()
    buf = realloc(buf, 2 * n)
    free(buf)


def name_taken(size_t n):
    cdef int tmp = 0
    cdef char* buf = <char*> malloc(n)
    if not buf:
        raise MemoryError()
    buf = <char*> realloc(buf, 2 * n)
    if not buf: raise MemoryError()
    buf[0] = tmp
    free(buf)


cdef int grow_without_gil(char** out, size_t n) except -1 nogil:
    cdef char* buf = out[0]
    buf = <char*> realloc(buf, n)
    out[0] = buf
    return 0


def grow_in_nogil_block(size_t n):
    cdef char* buf = <char*> malloc(n)
    if buf is NULL:
        raise MemoryError()
    with nogil:
        buf = <char*> realloc(buf, 2 * n)
    free(buf)


def twice(size_t n):
    cdef char* a = <char*> malloc(n)
    cdef char* b = <char*> malloc(n)
    if a == NULL or b == NULL:
        free(a)
        free(b)
        raise MemoryError()
    a = <char*> realloc(a, 2 * n)
    if a == NULL:
        raise MemoryError()
    b = <char*> realloc(b, 2 * n)
    if b == NULL:
        raise MemoryError()
    free(a)
    free(b)


cdef class Vector:
    cdef double* data

    def __cinit__(self, size_t n):
        self.data = <double*> PyMem_Malloc(n * sizeof(double))
        if not self.data:
            raise MemoryError()

    def resize(self, size_t n):
        self.data = <double*> PyMem_Realloc(self.data, n * sizeof(double))  # grow
        if not self.data:
            raise MemoryError()

    def __dealloc__(self):
        PyMem_Free(self.data)


cdef void cannot_raise(char** out, size_t n) noexcept nogil:
    cdef char* buf = out[0]
    buf = <char*> realloc(buf, n)
    out[0] = buf
