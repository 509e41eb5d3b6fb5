from cpython.mem cimport PyMem_Malloc, PyMem_Realloc, PyMem_Free

ctypedef struct IntVec:
    int* items
    Py_ssize_t size
    Py_ssize_t cap

cdef IntVec* vec_new(Py_ssize_t cap) except NULL:
    cdef IntVec* v = <IntVec*>PyMem_Malloc(sizeof(IntVec))
    if v == NULL:
        raise MemoryError()
    v.items = <int*>PyMem_Malloc(cap * sizeof(int))
    if v.items == NULL:
        PyMem_Free(v)
        raise MemoryError()
    v.size = 0
    v.cap = cap
    return v

cdef int vec_push(IntVec* v, int x) except -1:
    cdef int* grown
    if v.size == v.cap:
        grown = <int*>PyMem_Realloc(v.items, 2 * v.cap * sizeof(int))
        if grown == NULL:
            raise MemoryError()
        v.items = grown
        v.cap *= 2
    v.items[v.size] = x
    v.size += 1
    return 0

cdef void vec_free(IntVec* v) noexcept:
    if v != NULL:
        PyMem_Free(v.items)
        PyMem_Free(v)

def squares(int n):
    cdef IntVec* v = vec_new(4)
    cdef int i
    try:
        for i in range(n):
            vec_push(v, i * i)
        return [v.items[i] for i in range(v.size)]
    finally:
        vec_free(v)
