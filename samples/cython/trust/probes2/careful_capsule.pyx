from cpython.pycapsule cimport PyCapsule_New, PyCapsule_GetPointer
from libc.stdlib cimport malloc, free

cdef void destroy(object capsule) noexcept:
    free(PyCapsule_GetPointer(capsule, "state"))

def make_state(int n):
    cdef int* state = <int*>malloc(n * sizeof(int))
    if state == NULL:
        raise MemoryError()
    state[0] = n
    return PyCapsule_New(state, "state", destroy)
