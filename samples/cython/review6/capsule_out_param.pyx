# A helper that mallocs into `out[0]` and returns a capsule whose destructor frees the
# block: the caller's pointer is a view; the capsule, returned or dropped, owns it.
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
    return PyCapsule_New(out[0], "schema", &deleter)

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
    capsule = alloc_schema(&c_schema)
    with nogil:
        check_status(fill(c_schema))
    return capsule
