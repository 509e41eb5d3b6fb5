# `ord()` of a C character is compiled to the character's code: nothing between the
# allocation and the free can raise, so no block is lost. `ord()` of a Python object
# calls into Python and raises TypeError for anything but a one-character string.
from libc.stdlib cimport malloc, free


def codes_of_c_characters(bytes data):
    cdef char c = data[0]
    cdef Py_UCS4 ch = u'x'
    cdef unsigned char u = 65
    cdef int* p = <int*>malloc(3 * sizeof(int))
    if p == NULL:
        raise MemoryError()
    p[0] = ord(c)
    p[1] = ord(ch)
    p[2] = ord(u)
    cdef int total = p[0] + p[1] + p[2]
    free(p)
    return total


def code_of_a_python_object(obj):
    cdef int* p = <int*>malloc(sizeof(int))  # expect: CY008
    if p == NULL:
        raise MemoryError()
    p[0] = ord(obj)
    cdef int value = p[0]
    free(p)
    return value

