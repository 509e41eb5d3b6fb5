# A .pxi is included by a .pyx that does the cimports: names it never binds still mean
# the C functions.
cdef double* scratch(size_t n) except NULL:
    cdef double* p = <double*> malloc(n * sizeof(double))
    if p == NULL:
        raise MemoryError()
    return p


cdef void fill(size_t n):
    cdef double* p = <double*> PyMem_Malloc(n * sizeof(double))  # expect: CY001
    p[0] = 0
    free(p)  # expect: CY002
