# The clean twin of extern_const_pointer_bug.pyx: a block read by an extern through
# `const T*` and freed afterwards on every path; an extern whose parameter is not a
# pointer to const data (`char* const` is a const pointer to mutable data), or a
# function pointer, may keep the block, so returning early after
# such a call is no leak the analysis can prove.
from libc.stdlib cimport malloc, free

cdef extern from *:
    """
    static int step(const double* p) { return p ? 0 : -1; }
    static int keep(double* p) { return p ? 0 : -1; }
    static int keep_too(char * const p) { return p ? 0 : -1; }
    """
    int step(const double* p) nogil
    int keep(double* p) nogil
    int keep_too(char * const p) nogil

def freed_after_the_reading_call(int n):
    cdef double* p = <double*>malloc(n * sizeof(double))
    if p == NULL:
        return -1
    if step(p) < 0:
        free(p)
        return -2
    free(p)
    return 0

def handed_to_a_mutable_parameter(int n):
    cdef double* p = <double*>malloc(n * sizeof(double))
    if p == NULL:
        return -1
    if keep(p) < 0:
        return -2
    free(p)
    return 0

def handed_to_a_const_pointer_of_mutable_data(int n):
    cdef char* p = <char*>malloc(n)
    if p == NULL:
        return -1
    if keep_too(p) < 0:
        return -2
    free(p)
    return 0

cdef int handed_to_a_function_pointer(int n, int (*consume)(const double*) noexcept nogil):
    cdef double* p = <double*>malloc(n * sizeof(double))
    if p == NULL:
        return -1
    if consume(p) < 0:
        return -2
    free(p)
    return 0
