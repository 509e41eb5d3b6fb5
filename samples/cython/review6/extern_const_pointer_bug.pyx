# Passing a block to an extern C function through a pointer to const data is a loan,
# not a hand-off: C code cannot free through `const T*` without a cast, and no C API
# takes ownership that way. The caller still owns the block, so a later early return
# leaks it (review 6 miss04).
from libc.stdlib cimport malloc, free
from libc.string cimport const_char

cdef extern from *:
    """
    static int step(const double* p) { return p ? -1 : 0; }
    static int scan(int n, char const *text) { return text[0] == 'x' ? n : -1; }
    static int parse(const char* text) { return text[0] == 'x' ? 0 : -1; }
    """
    int step(const double* p) nogil
    int scan(int n, const char *text) nogil
    int parse(const_char* text) nogil

def after_a_reading_call(int n):
    cdef double* p = <double*>malloc(n * sizeof(double))  # expect: CY007
    if p == NULL:
        return -1
    if step(p) < 0:
        return -2
    free(p)
    return 0

def second_parameter_is_const(int n):
    cdef char* text = <char*>malloc(n)  # expect: CY007
    if text == NULL:
        raise MemoryError()
    text[0] = 0
    if scan(n, text) < 0:
        return None
    free(text)
    return n

def through_cythons_const_typedef(int n):
    cdef char* text = <char*>malloc(n)  # expect: CY007
    if text == NULL:
        raise MemoryError()
    text[0] = 0
    if parse(text) < 0:
        return None
    free(text)
    return n
