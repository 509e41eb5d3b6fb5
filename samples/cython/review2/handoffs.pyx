# A block handed to a container that outlives the call as an integer handle, or stored
# through pointer arithmetic into an array the object owns, is handed off.
from libc.stdlib cimport malloc, free


cdef struct slot_t:
    char* data
    Py_ssize_t n


cdef class Store:
    cdef list handles
    cdef slot_t* slots

    def __cinit__(self, Py_ssize_t count):
        self.handles = []
        self.slots = <slot_t*>malloc(count * sizeof(slot_t))
        if self.slots == NULL:
            raise MemoryError()

    def add_handle(self, Py_ssize_t n):
        cdef char* p = <char*>malloc(n)
        if p == NULL:
            raise MemoryError()
        self.handles.append(<Py_ssize_t>p)

    def fill_slot(self, Py_ssize_t i, Py_ssize_t n):
        cdef char* p = <char*>malloc(n)
        if p == NULL:
            raise MemoryError()
        (self.slots + i).data = p

    def __dealloc__(self):
        for h in self.handles:
            free(<char*><Py_ssize_t>h)
        free(self.slots)


def register(list handles, Py_ssize_t n):
    cdef char* p = <char*>malloc(n)
    if p == NULL:
        raise MemoryError()
    handles.append(<Py_ssize_t>p)
