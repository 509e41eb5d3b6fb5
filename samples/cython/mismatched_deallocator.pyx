# distutils: language = c++
# CY002 in Cython syntax, through every way of naming an allocator.
cimport libc.stdlib as stdlib
cimport cpython.mem
from libc.stdlib cimport malloc as c_malloc, free as c_free
from cpython.mem cimport PyMem_Malloc, PyMem_Realloc, PyMem_Free, PyMem_RawMalloc, PyMem_RawFree
from cpython.object cimport PyObject_Malloc, PyObject_Free

cdef extern from "stdlib.h" nogil:
    void* xmalloc "malloc" (size_t n)

cdef extern from "string.h":
    char* strdup(const char* s)

cdef cppclass Widget:
    int size


def malloc_then_pymem_free(size_t n):
    cdef double* p = <double*> c_malloc(n)
    if p == NULL:
        raise MemoryError()
    PyMem_Free(p)  # expect: CY002


def pymem_then_free_through_aliases(size_t n):
    cdef char* p = <char*> PyMem_Malloc(n)
    if not p:
        raise MemoryError()
    cdef char* q = p
    cdef void* r = <void*> q
    stdlib.free(r)  # expect: CY002


def raw_then_pymem_free(size_t n):
    cdef void* p = PyMem_RawMalloc(n)
    if p is NULL:
        raise MemoryError()
    cpython.mem.PyMem_Free(p)  # expect: CY002


def pyobject_then_free(size_t n):
    cdef void* p = PyObject_Malloc(n)
    if p is NULL:
        raise MemoryError()
    c_free(p)  # expect: CY002


def strdup_then_pymem_free(bytes name):
    cdef char* copy = strdup(name)
    if copy == NULL:
        raise MemoryError()
    PyMem_Free(copy)  # expect: CY002


def new_then_free():
    cdef Widget* w = new Widget()
    w.size = 3
    c_free(w)  # expect: CY002


def malloc_then_del(size_t n):
    cdef Widget* w = <Widget*> c_malloc(sizeof(Widget))
    if w == NULL:
        raise MemoryError()
    del w  # expect: CY002


def malloc_resized_by_pymem(size_t n):
    cdef char* p = <char*> c_malloc(n)
    if p == NULL:
        raise MemoryError()
    cdef char* q = <char*> PyMem_Realloc(p, 2 * n)  # expect: CY002
    if q == NULL:
        c_free(p)
        raise MemoryError()
    PyMem_Free(q)


cdef struct Buffer:
    char* data
    size_t size


cdef void buffer_through_a_struct(Buffer* b, size_t n) except *:
    b.data = <char*> PyMem_Malloc(n)
    if b.data == NULL:
        raise MemoryError()
    stdlib.free(b.data)  # expect: CY002


def matched_pairs(size_t n):
    cdef void* a = c_malloc(n)
    cdef void* b = PyMem_Malloc(n)
    cdef void* c = PyMem_RawMalloc(n)
    cdef void* d = PyObject_Malloc(n)
    cdef void* e = xmalloc(n)
    cdef Widget* w = new Widget()
    c_free(a)
    PyMem_Free(b)
    PyMem_RawFree(c)
    PyObject_Free(d)
    stdlib.free(e)
    del w


def matched_after_realloc(size_t n):
    cdef char* p = <char*> PyMem_Malloc(n)
    if p == NULL:
        raise MemoryError()
    cdef char* q = <char*> PyMem_Realloc(p, 2 * n)
    if q == NULL:
        PyMem_Free(p)
        raise MemoryError()
    p = q
    PyMem_Free(p)


def reused_for_another_family(size_t n):
    cdef void* p = c_malloc(n)
    c_free(p)
    p = PyMem_Malloc(n)
    PyMem_Free(p)


def shadowing_local(size_t n, free):
    # `free` is a parameter here, not libc's.
    cdef void* p = PyMem_Malloc(n)
    if p == NULL:
        raise MemoryError()
    free(<object> p)
    PyMem_Free(p)


def extern_c_name(size_t n):
    # `xmalloc` is declared with the C name "malloc".
    cdef char* p = <char*> xmalloc(n)
    if p == NULL:
        raise MemoryError()
    PyMem_Free(p)  # expect: CY002
