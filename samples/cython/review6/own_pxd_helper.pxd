# The module's own `.pxd` defines an inline helper that returns a fresh zeroed block.
from libc.stdlib cimport calloc


cdef inline double* zeroed(size_t n) noexcept nogil:
    return <double*> calloc(n, sizeof(double))
