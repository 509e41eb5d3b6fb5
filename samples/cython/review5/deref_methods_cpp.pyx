# distutils: language = c++
# `deref(x).method()` calls a C++ method of what `x` points to: without `except +` it
# cannot raise, as `x.method()` on the pointer cannot.
from libc.stdlib cimport malloc, free
from libcpp.memory cimport shared_ptr
from libcpp.vector cimport vector
from cython.operator cimport dereference as deref

cdef extern from *:
    """
    struct Box { int v; int get() { return v; } };
    """
    cdef cppclass Box:
        int get()


cdef int via_shared(shared_ptr[Box] sp, int n) except -1:
    cdef char* p = <char*>malloc(n)
    if p == NULL:
        raise MemoryError()
    r = deref(sp).get()
    free(p)
    return r


cdef size_t via_vector(vector[int]* v, int n) except? 0:
    cdef char* p = <char*>malloc(n)
    if p == NULL:
        raise MemoryError()
    r = deref(v).size()
    free(p)
    return r
