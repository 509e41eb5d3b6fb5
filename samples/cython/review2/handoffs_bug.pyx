# An integer handle kept only in a local list is lost with it.
from libc.stdlib cimport malloc, free


def local_list_only(Py_ssize_t n):
    cdef char* p = <char*>malloc(n)  # expect: CY007, CY008
    if p == NULL:
        raise MemoryError()
    handles = []
    handles.append(<Py_ssize_t>p)
    return len(handles)
