# The bug twin of capsule_out_param.pyx: the helper returns no capsule, so the caller
# owns the block, lost where `check_status` raises and at the return.
from libc.stdlib cimport malloc, free
from cpython.pycapsule cimport PyCapsule_New, PyCapsule_GetPointer

cdef struct Schema:
    int release

cdef void deleter(object capsule) noexcept:
    free(PyCapsule_GetPointer(capsule, "schema"))

cdef object alloc_schema(Schema** out):
    out[0] = <Schema*> malloc(sizeof(Schema))
    if out[0] == NULL:
        raise MemoryError()
    out[0].release = 0
    return None

cdef int check_status(int status) except -1 nogil:
    if status != 0:
        with gil:
            raise ValueError(status)
    return 0

cdef int fill(Schema* s) noexcept nogil:
    s.release = 1
    return 0

def export():
    cdef Schema* c_schema
    capsule = alloc_schema(&c_schema)  # expect: CY007, CY008
    with nogil:
        check_status(fill(c_schema))
    return capsule
