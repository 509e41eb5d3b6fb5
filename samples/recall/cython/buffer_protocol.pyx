# The buffer protocol's pair: what `__getbuffer__` allocates and leaves in the fields of the
# `Py_buffer` it fills in (`shape`, `strides`, `internal`) is for `__releasebuffer__` to
# free, as `__dealloc__` frees what `__cinit__` stores in an attribute. Freed with another
# family's function, or not freed at all (no `__releasebuffer__`, or one that forgets the
# field), it is a bug each time a consumer takes the buffer.
from cpython.mem cimport PyMem_Malloc, PyMem_Free
from libc.stdlib cimport malloc, free


cdef class MismatchedShape:
    cdef float values[8]

    def __getbuffer__(self, Py_buffer* buffer, int flags):
        cdef Py_ssize_t* shape = <Py_ssize_t*>malloc(2 * sizeof(Py_ssize_t))
        if shape == NULL:
            raise MemoryError()
        shape[0] = 8
        shape[1] = sizeof(float)
        buffer.buf = self.values
        buffer.obj = self
        buffer.ndim = 1
        buffer.shape = shape
        buffer.strides = shape + 1

    def __releasebuffer__(self, Py_buffer* buffer):
        PyMem_Free(buffer.shape)  # expect: CY002


cdef class NoRelease:
    cdef float values[8]

    def __getbuffer__(self, Py_buffer* view, int flags):
        cdef Py_ssize_t* shape = <Py_ssize_t*>PyMem_Malloc(2 * sizeof(Py_ssize_t))  # expect: CY004
        if shape == NULL:
            raise MemoryError()
        shape[0] = 8
        shape[1] = sizeof(float)
        view.buf = self.values
        view.obj = self
        view.ndim = 1
        view.shape = shape
        view.strides = shape + 1


cdef class ForgetsOneField:
    cdef float values[8]

    def __getbuffer__(self, Py_buffer* buffer, int flags):
        cdef Py_ssize_t* shape = <Py_ssize_t*>malloc(2 * sizeof(Py_ssize_t))  # expect: CY004
        if shape == NULL:
            raise MemoryError()
        cdef int* state = <int*>malloc(sizeof(int))
        if state == NULL:
            free(shape)
            raise MemoryError()
        shape[0] = 8
        shape[1] = sizeof(float)
        state[0] = flags
        buffer.buf = self.values
        buffer.obj = self
        buffer.ndim = 1
        buffer.shape = shape
        buffer.strides = shape + 1
        buffer.internal = state

    def __releasebuffer__(self, Py_buffer* buffer):
        free(buffer.internal)
