# NULL checks made through a predicate helper whose whole body is one NULL test of a
# pointer parameter: a branch on its call narrows the argument as the test itself would.
from libc.stdlib cimport malloc, free
from cpython.mem cimport PyMem_Malloc, PyMem_Free


cdef inline bint is_null(const void* p) noexcept nogil:
    return p == NULL


cdef inline bint is_missing(void* p) noexcept:
    "True when the allocation failed."
    return p is NULL


cdef inline bint absent(char* p) noexcept:
    return not p


cdef inline bint has_data(void* p) noexcept:
    return p != NULL


cdef inline bint second_is_null(size_t n, void* p) noexcept:
    return (NULL == p)


def through_is_null(size_t n):
    cdef char* buf = <char*>PyMem_Malloc(n)
    if is_null(buf):
        raise MemoryError()
    buf[0] = 0
    PyMem_Free(buf)


def through_is_keyword(size_t n):
    cdef char* buf = <char*>malloc(n)
    if is_missing(buf):
        raise MemoryError()
    buf[0] = 0
    free(buf)


def through_truth(size_t n):
    cdef char* buf = <char*>malloc(n)
    if absent(<char*>buf):
        return None
    buf[0] = 0
    free(buf)


def through_negated_presence(size_t n):
    cdef char* buf = <char*>malloc(n)
    if not has_data(buf):
        raise MemoryError()
    buf[0] = 0
    free(buf)


def through_presence(size_t n):
    cdef char* buf = <char*>malloc(n)
    if has_data(buf):
        buf[0] = 0
        free(buf)


def through_second_parameter(size_t n):
    cdef char* buf = <char*>malloc(n)
    if second_is_null(n, buf):
        raise MemoryError()
    buf[0] = 0
    free(buf)


cdef class Table:
    cdef double* cells

    def __cinit__(self, size_t n):
        self.cells = <double*>PyMem_Malloc(n * sizeof(double))
        if is_null(self.cells):
            raise MemoryError()
        self.cells[0] = 0.0

    def __dealloc__(self):
        PyMem_Free(self.cells)


cdef class Grid:
    # A method that raises when the attribute is NULL: where it returns, the caller's
    # `self.cells` is checked.
    cdef float* cells

    cdef int _require_cells(self) except -1:
        if self.cells == NULL:
            raise MemoryError("grid allocation failed")
        return 0

    def __cinit__(self, Py_ssize_t n):
        self.cells = <float*>PyMem_Malloc(n * sizeof(float))
        self._require_cells()
        self.cells[0] = 0.0

    def __dealloc__(self):
        PyMem_Free(self.cells)
