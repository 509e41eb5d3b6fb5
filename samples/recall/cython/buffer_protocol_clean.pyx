# Buffer exports that give back what they allocate: `__releasebuffer__` frees the shape
# (whatever each method calls the buffer), the `internal` state behind a NULL test or a
# guard, through a helper given the buffer, or in a base class; a shape kept in an
# attribute is `__dealloc__`'s; a buffer pointing at the instance's own arrays allocates
# nothing.
from cpython.mem cimport PyMem_Malloc, PyMem_Free
from libc.stdlib cimport malloc, free


cdef void release_view(Py_buffer* view) noexcept:
    free(view.shape)


cdef class Matrix:
    cdef float values[8]

    def __getbuffer__(self, Py_buffer* info, int flags):
        cdef Py_ssize_t* shape = <Py_ssize_t*>malloc(4 * sizeof(Py_ssize_t))
        if shape == NULL:
            raise MemoryError()
        shape[0] = 2
        shape[1] = 4
        shape[2] = 4 * sizeof(float)
        shape[3] = sizeof(float)
        info.buf = self.values
        info.obj = self
        info.ndim = 2
        info.shape = shape
        info.strides = shape + 2

    def __releasebuffer__(self, Py_buffer* view):
        free(view.shape)


cdef class WithState:
    cdef float values[8]

    def __getbuffer__(self, Py_buffer* buffer, int flags):
        cdef int* state = <int*>PyMem_Malloc(sizeof(int))
        if state == NULL:
            raise MemoryError()
        state[0] = flags
        buffer.buf = self.values
        buffer.obj = self
        buffer.internal = state

    def __releasebuffer__(self, Py_buffer* buffer):
        if buffer.internal != NULL:
            PyMem_Free(buffer.internal)


cdef class Guarded:
    cdef float values[8]
    cdef int ndim

    def __getbuffer__(self, Py_buffer* buffer, int flags):
        cdef Py_ssize_t* shape = NULL
        if self.ndim > 1:
            shape = <Py_ssize_t*>malloc(2 * sizeof(Py_ssize_t))
            if shape == NULL:
                raise MemoryError()
            shape[0] = 2
            shape[1] = 4
        buffer.buf = self.values
        buffer.obj = self
        buffer.ndim = self.ndim
        buffer.shape = shape

    def __releasebuffer__(self, Py_buffer* buffer):
        if buffer.ndim > 1:
            free(buffer.shape)


cdef class ThroughAHelper:
    cdef float values[8]

    def __getbuffer__(self, Py_buffer* buffer, int flags):
        cdef Py_ssize_t* shape = <Py_ssize_t*>malloc(sizeof(Py_ssize_t))
        if shape == NULL:
            raise MemoryError()
        shape[0] = 8
        buffer.buf = self.values
        buffer.obj = self
        buffer.shape = shape

    def __releasebuffer__(self, Py_buffer* buffer):
        release_view(buffer)


cdef class Base:
    cdef float values[8]

    def __releasebuffer__(self, Py_buffer* buffer):
        free(buffer.shape)


cdef class Derived(Base):
    def __getbuffer__(self, Py_buffer* buffer, int flags):
        cdef Py_ssize_t* shape = <Py_ssize_t*>malloc(sizeof(Py_ssize_t))
        if shape == NULL:
            raise MemoryError()
        shape[0] = 8
        buffer.buf = self.values
        buffer.obj = self
        buffer.shape = shape


cdef class CachedShape:
    cdef float values[8]
    cdef Py_ssize_t* shape

    def __dealloc__(self):
        free(self.shape)

    def __getbuffer__(self, Py_buffer* buffer, int flags):
        if self.shape == NULL:
            self.shape = <Py_ssize_t*>malloc(sizeof(Py_ssize_t))
            if self.shape == NULL:
                raise MemoryError()
            self.shape[0] = 8
        buffer.buf = self.values
        buffer.obj = self
        buffer.shape = self.shape


cdef class OwnArrays:
    cdef float values[8]
    cdef Py_ssize_t shape[1]
    cdef Py_ssize_t strides[1]

    def __getbuffer__(self, Py_buffer* buffer, int flags):
        cdef float* scratch = <float*>malloc(sizeof(float))
        if scratch == NULL:
            raise MemoryError()
        free(scratch)
        self.shape[0] = 8
        self.strides[0] = sizeof(float)
        buffer.buf = self.values
        buffer.obj = self
        buffer.shape = self.shape
        buffer.strides = self.strides
