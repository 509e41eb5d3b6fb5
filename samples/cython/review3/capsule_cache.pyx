# A helper that keeps each block it makes in a module-level dict, inside a capsule whose
# destructor frees it, and returns the pointer: its callers borrow the block.
from libc.stdlib cimport malloc, free
from cpython.pycapsule cimport PyCapsule_New, PyCapsule_GetPointer

cdef dict _tables = {}


cdef void _free_table(object cap) noexcept:
    free(PyCapsule_GetPointer(cap, b"tbl"))


cdef unsigned int* get_table(unsigned int poly) except NULL:
    cap = _tables.get(poly)
    if cap is not None:
        return <unsigned int*>PyCapsule_GetPointer(cap, b"tbl")
    cdef unsigned int* t = <unsigned int*>malloc(256 * sizeof(unsigned int))
    if t == NULL:
        raise MemoryError()
    try:
        _tables[poly] = PyCapsule_New(t, b"tbl", _free_table)
    except:
        free(t)
        raise
    return t


cdef unsigned int* fresh_table(unsigned int poly) except NULL:
    cdef unsigned int* t = <unsigned int*>malloc(256 * sizeof(unsigned int))
    if t == NULL:
        raise MemoryError()
    try:
        _tables[poly] = PyCapsule_New(t, b"tbl", _free_table)
    except:
        free(t)
        raise
    t[0] = poly
    return t


def crc_first(unsigned int poly):
    cdef unsigned int* t = get_table(poly)
    return t[0]


def crc_fresh(unsigned int poly):
    cdef unsigned int* t = fresh_table(poly)
    return t[0]
