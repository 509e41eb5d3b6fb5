# Guards in __dealloc__ that test the instance's state in ways the class model does not
# evaluate (an ordering, a pointer compared with an inline array) are trusted: the
# allocation that set the block also set that state. A guard on state outside the
# instance is not.
from libc.stdlib cimport malloc, free

cdef bint keep_buffers_for_debugging = False


cdef class SmallVector:
    # Small-buffer optimization: up to eight values live inline, more on the heap. A
    # fresh block never equals the inline array, so the guard always frees it.
    cdef int inline_values[8]
    cdef int* values

    def __cinit__(self, Py_ssize_t n):
        if n <= 8:
            self.values = self.inline_values
        else:
            self.values = <int*>malloc(n * sizeof(int))
            if self.values == NULL:
                raise MemoryError()

    def __dealloc__(self):
        if self.values != self.inline_values:
            free(self.values)


cdef class Samples:
    # The block exists exactly when the count is positive.
    cdef double* data
    cdef Py_ssize_t count

    def __cinit__(self, Py_ssize_t count):
        self.count = count
        if count > 0:
            self.data = <double*>malloc(count * sizeof(double))
            if self.data == NULL:
                raise MemoryError()

    def __dealloc__(self):
        if self.count > 0:
            free(self.data)


cdef class Scratch:
    cdef char* buf

    def __cinit__(self):
        self.buf = <char*>malloc(64)  # expect: CY004
        if self.buf == NULL:
            raise MemoryError()

    def __dealloc__(self):
        if not keep_buffers_for_debugging:
            free(self.buf)
