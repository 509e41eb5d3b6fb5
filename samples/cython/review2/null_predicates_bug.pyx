# Predicate helpers that do not make a NULL check of the pointer used: another argument
# tested, a branch that goes on, a helper that does more than the test.
from libc.stdlib cimport malloc, free


cdef inline bint is_null(const void* p) noexcept nogil:
    return p == NULL


cdef inline bint second_is_null(void* p, void* q) noexcept:
    return q == NULL


cdef bint noisy_is_null(void* p):
    print("checking")
    return p == NULL


cdef inline bint compares_length(char* p, size_t n) noexcept:
    return n == 0


def tests_the_other_argument(size_t n, char* other):
    cdef char* buf = <char*>malloc(n)  # expect: CY001, CY007
    if second_is_null(buf, other):
        raise MemoryError()
    buf[0] = 0
    free(buf)


def goes_on_after_the_test(size_t n):
    cdef char* buf = <char*>malloc(n)  # expect: CY001
    if is_null(buf):
        print("out of memory")
    buf[0] = 0
    free(buf)


def helper_does_more(size_t n):
    cdef char* buf = <char*>malloc(n)  # expect: CY001
    if noisy_is_null(buf):
        raise MemoryError()
    buf[0] = 0
    free(buf)


def helper_tests_no_pointer(size_t n):
    cdef char* buf = <char*>malloc(n)  # expect: CY001
    if compares_length(buf, n):
        raise MemoryError()
    buf[0] = 0
    free(buf)


cdef class Grid:
    # The required attribute is another one, or the method goes on when it is NULL.
    cdef float* cells
    cdef float* spare

    cdef int _require_spare(self) except -1:
        if self.spare == NULL:
            raise MemoryError()
        return 0

    cdef int _warn_cells(self) except -1:
        if self.cells == NULL:
            print("no cells")
        return 0

    def __cinit__(self, Py_ssize_t n):
        self.cells = <float*>PyMem_Malloc(n * sizeof(float))  # expect: CY001
        self._require_spare()
        self.cells[0] = 0.0

    def grow(self, Py_ssize_t n):
        PyMem_Free(self.cells)
        self.cells = <float*>PyMem_Malloc(n * sizeof(float))  # expect: CY001
        self._warn_cells()
        self.cells[0] = 0.0

    def __dealloc__(self):
        PyMem_Free(self.cells)
        PyMem_Free(self.spare)
