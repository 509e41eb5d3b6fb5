from libc.stdlib cimport malloc, free

ctypedef struct Table:
    int* keys
    int* vals
    int size

cdef Table* table_new(int size) except NULL:
    cdef Table* t = <Table*>malloc(sizeof(Table))
    if t == NULL:
        raise MemoryError()
    t.keys = <int*>malloc(size * sizeof(int))
    t.vals = <int*>malloc(size * sizeof(int))
    if t.keys == NULL or t.vals == NULL:
        free(t.keys)
        free(t.vals)
        free(t)
        raise MemoryError()
    t.size = size
    return t

cdef void table_free(Table* t) noexcept:
    free(t.keys)
    free(t.vals)
    free(t)

def lookup(int size, int k):
    cdef Table* t = table_new(size)
    cdef int i, found = -1
    for i in range(size):
        t.keys[i] = i
        t.vals[i] = i * i
    for i in range(size):
        if t.keys[i] == k:
            found = t.vals[i]
    table_free(t)
    return found
