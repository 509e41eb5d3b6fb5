# An out-parameter reallocator (scikit-learn's `safe_realloc(&self.x, n)`) releases the
# block the caller's place held before, where it returns: the place then holds the new
# block, and an alias of the old one dangles.
from libc.stdlib cimport malloc, realloc, free
from cpython.mem cimport PyMem_Malloc, PyMem_Free


cdef int safe_realloc(double** p, size_t n) except -1:
    cdef double* tmp = <double*>realloc(p[0], n * sizeof(double))
    if tmp == NULL:
        raise MemoryError()
    p[0] = tmp
    return 0


cdef class Buffer:
    cdef double* data
    cdef size_t capacity

    def __cinit__(self):
        self.data = <double*>malloc(8 * sizeof(double))
        if self.data == NULL:
            raise MemoryError()
        self.capacity = 8

    def reserve(self, size_t n):
        if n > self.capacity:
            safe_realloc(&self.data, n)
            self.capacity = n
        self.data[0] = 0

    def reserve_through_a_local(self, size_t n):
        cdef double* data = self.data
        safe_realloc(&data, n)
        self.data = data
        self.capacity = n

    def __dealloc__(self):
        free(self.data)


def grown(size_t n):
    cdef double* buf = <double*>malloc(8 * sizeof(double))
    if buf == NULL:
        raise MemoryError()
    safe_realloc(&buf, n)
    safe_realloc(&buf, 2 * n)
    buf[0] = 1
    free(buf)


def grown_from_null(size_t n):
    cdef double* buf = NULL
    safe_realloc(&buf, n)
    buf[0] = 1
    free(buf)


def stale_alias_freed(size_t n):
    cdef double* buf = <double*>malloc(8 * sizeof(double))
    if buf == NULL:
        raise MemoryError()
    cdef double* old = buf
    safe_realloc(&buf, n)
    free(buf)
    free(old)  # expect: CY005


def stale_alias_read(size_t n):
    cdef double* buf = <double*>malloc(8 * sizeof(double))
    if buf == NULL:
        raise MemoryError()
    cdef double* old = buf
    safe_realloc(&buf, n)
    old[0] = 1  # expect: CY006
    free(buf)


def grown_block_of_another_family(size_t n):
    cdef double* buf = <double*>PyMem_Malloc(8 * sizeof(double))
    if buf == NULL:
        raise MemoryError()
    safe_realloc(&buf, n)  # expect: CY002
    free(buf)
