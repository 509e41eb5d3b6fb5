# An extern the module's own .pxd declares with a `const double*` parameter lends the
# block, as one declared here would: the early return after it leaks. One declared there
# with a mutable pointer parameter may keep it.
from libc.stdlib cimport malloc, free

def read_then_leak(int n):
    cdef double* p = <double*>malloc(n * sizeof(double))  # expect: CY007
    if p == NULL:
        return -1
    if step(p) < 0:
        return -2
    free(p)
    return 0

def handed_off(int n):
    cdef double* p = <double*>malloc(n * sizeof(double))
    if p == NULL:
        return -1
    if keep(p) < 0:
        return -2
    free(p)
    return 0
