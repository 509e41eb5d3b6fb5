# A capsule without a destructor owns nothing: the helper that returns the block hands it
# over, and a caller that does not free it leaks it.
from libc.stdlib cimport malloc, free
from cpython.pycapsule cimport PyCapsule_New

cdef dict _tables = {}


cdef unsigned int* make_table(unsigned int poly) except NULL:
    cdef unsigned int* t = <unsigned int*>malloc(256 * sizeof(unsigned int))
    if t == NULL:
        raise MemoryError()
    _tables[poly] = PyCapsule_New(t, b"tbl", NULL)
    return t


def crc_first(unsigned int poly):
    cdef unsigned int* t = make_table(poly)  # expect: CY007
    return t[0]
