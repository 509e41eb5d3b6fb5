# A handler under `as` that names one class catches only that class: whatever else the
# call raises leaves the function with the block.
from libc.stdlib cimport malloc, free


def catches_one_class(obj, int n):
    cdef char* p = <char*>malloc(n)  # expect: CY008
    if p == NULL:
        raise MemoryError()
    try:
        obj.write(b'x')
    except ValueError as e:
        free(p)
        raise
    free(p)


def tuple_without_a_base(obj, int n):
    cdef char* p = <char*>malloc(n)  # expect: CY008
    if p == NULL:
        raise MemoryError()
    try:
        obj.process()
    except (KeyError, ValueError) as e:
        free(p)
        return str(e)
    free(p)
    return None
