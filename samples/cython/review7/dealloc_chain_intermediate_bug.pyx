# A subclass's __dealloc__ that frees a field a base class further up also frees, with a
# __dealloc__ in between: Cython runs Leaf's, then Mid's, then Root's, so the field's
# block flows through every one of them in turn.
from libc.stdlib cimport malloc, free

cdef class Root:
    cdef char* buf

    def __cinit__(self, *args, **kwargs):
        self.buf = <char*>malloc(16)
        if self.buf == NULL:
            raise MemoryError()

    def __dealloc__(self):
        free(self.buf)


cdef class Mid(Root):
    cdef int* idx

    def __cinit__(self, *args, **kwargs):
        self.idx = <int*>malloc(8 * sizeof(int))
        if self.idx == NULL:
            raise MemoryError()

    def __dealloc__(self):
        # Only its own field: self.buf is still the block Leaf freed.
        free(self.idx)


cdef class Leaf(Mid):
    def __dealloc__(self):
        free(self.buf)  # expect: CY005


cdef class Owner(Root):
    cdef bint owns

    def __cinit__(self, *args, **kwargs):
        self.owns = True

    def __dealloc__(self):
        # Leaves self.buf alone: Root frees it once.
        self.owns = False


cdef class Borrower(Owner):
    def __dealloc__(self):
        # Owner's flag says nothing to Root, which frees it unconditionally.
        free(self.buf)  # expect: CY005


cdef class Twice(Root):
    def __dealloc__(self):
        # Root.__dealloc__ runs next and frees it again.
        free(self.buf)  # expect: CY005


cdef class Thrice(Twice):
    def __dealloc__(self):
        # Twice.__dealloc__ frees it again (and then Root a third time).
        free(self.buf)  # expect: CY005
