# Frees guarded by flags of the instance: tags compared with == and !=, booleans set by
# close(), early returns on another attribute being NULL.
from libc.stdlib cimport malloc, free
from cpython.mem cimport PyMem_Malloc, PyMem_Free

cdef struct Big:
    double values[64]

cdef struct Small:
    double value

cdef union Core:
    Big* big
    Small* small


cdef class TaggedValue:
    """A tagged union: the tag says which member owns a block."""
    cdef int _type
    cdef Core _core

    def __cinit__(self, bint large):
        if large:
            self._type = 1
            self._core.big = <Big*>malloc(sizeof(Big))
            if self._core.big == NULL:
                raise MemoryError()
        else:
            self._type = 2
            self._core.small = <Small*>malloc(sizeof(Small))
            if self._core.small == NULL:
                raise MemoryError()

    def __dealloc__(self):
        if self._type == 1:
            free(self._core.big)
        elif self._type == 2:
            free(self._core.small)


cdef class MaybeBorrowed:
    """Owns its buffer unless built around someone else's."""
    cdef double* data
    cdef int borrowed

    def __cinit__(self, Py_ssize_t n):
        self.borrowed = 0
        self.data = <double*>PyMem_Malloc(n * sizeof(double))
        if self.data == NULL:
            raise MemoryError()

    @staticmethod
    cdef MaybeBorrowed wrap(double* data):
        cdef MaybeBorrowed view = MaybeBorrowed.__new__(MaybeBorrowed, 0)
        PyMem_Free(view.data)
        view.data = data
        view.borrowed = 1
        return view

    def __dealloc__(self):
        if self.borrowed != 1:
            PyMem_Free(self.data)


cdef class Stream:
    """close() marks it closed but forgets the buffer: a leak."""
    cdef char* buf
    cdef bint closed

    def __cinit__(self, size_t n):
        self.closed = False
        self.buf = <char*>malloc(n)  # expect: CY004
        if self.buf == NULL:
            raise MemoryError()

    def close(self):
        self.closed = True

    def __dealloc__(self):
        if not self.closed:
            free(self.buf)


cdef class CarefulStream:
    """close() frees the buffer and marks it closed: clean."""
    cdef char* buf
    cdef bint closed

    def __cinit__(self, size_t n):
        self.closed = False
        self.buf = <char*>malloc(n)
        if self.buf == NULL:
            raise MemoryError()

    def close(self):
        if not self.closed:
            free(self.buf)
            self.buf = NULL
            self.closed = True

    def __dealloc__(self):
        if not self.closed:
            free(self.buf)


cdef class Mode:
    """The tag is set to a value __dealloc__ does not free under: a leak."""
    cdef int kind
    cdef double* table

    def __cinit__(self, int n):
        self.kind = 3
        self.table = <double*>malloc(n * sizeof(double))  # expect: CY004
        if self.table == NULL:
            raise MemoryError()

    def __dealloc__(self):
        if self.kind == 1 or self.kind == 2:
            free(self.table)


cdef class Tree:
    """__dealloc__ returns early when the root is NULL; the root is never NULL while the
    other arrays own blocks."""
    cdef int* root
    cdef double* weights

    def __cinit__(self, int n):
        self.weights = <double*>malloc(n * sizeof(double))
        if self.weights == NULL:
            raise MemoryError()
        self.root = <int*>malloc(sizeof(int))
        if self.root == NULL:
            free(self.weights)
            raise MemoryError()

    def __dealloc__(self):
        if self.root == NULL:
            return
        free(self.root)
        free(self.weights)


cdef class Lazy:
    """Allocated later, in build(); __dealloc__ returns early when an attribute set from
    the outside is NULL, which says nothing about the buffer: trusted."""
    cdef void* handle
    cdef double* cache

    def attach(self, size_t handle):
        self.handle = <void*>handle

    def build(self, int n):
        self.cache = <double*>malloc(n * sizeof(double))
        if self.cache == NULL:
            raise MemoryError()

    def __dealloc__(self):
        if self.handle == NULL:
            return
        free(self.cache)
