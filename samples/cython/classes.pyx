# distutils: language = c++
# CY004 and CY002 across methods and helpers, in Cython syntax.
from libc.stdlib cimport malloc, calloc, free
from cpython.mem cimport PyMem_Malloc, PyMem_Free
from cpython.bytes cimport PyBytes_AsString

cdef cppclass Engine:
    int power


cdef double* make_buffer(size_t n) except NULL:
    cdef double* p = <double*> malloc(n * sizeof(double))
    if p == NULL:
        raise MemoryError()
    return p


cdef void release_buffer(double* p) noexcept nogil:
    free(p)


cdef struct Table:
    int* keys
    double* values


cdef void release_table(Table* t) noexcept nogil:
    free(t.keys)
    free(t.values)


cdef class Leaky:
    cdef double* data

    def __cinit__(self, size_t n):
        self.data = <double*> PyMem_Malloc(n * sizeof(double))  # expect: CY004
        if not self.data:
            raise MemoryError()


cdef class ForgetsOne:
    cdef:
        int* keys
        double* values

    def __cinit__(self, size_t n):
        self.keys = <int*> calloc(n, sizeof(int))
        self.values = <double*> calloc(n, sizeof(double))  # expect: CY004
        if self.keys == NULL or self.values == NULL:
            raise MemoryError()

    def __dealloc__(self):
        free(self.keys)


cdef class AllocatedLater:
    cdef double* cache

    def build(self, size_t n):
        self.cache = make_buffer(n)  # expect: CY004

    def __dealloc__(self):
        pass


cdef class WrongFamily:
    cdef double* data

    def __cinit__(self, size_t n):
        self.data = <double*> PyMem_Malloc(n * sizeof(double))
        if not self.data:
            raise MemoryError()

    def __dealloc__(self):
        free(self.data)  # expect: CY002


cdef class HelperWrongFamily:
    cdef double* data

    def __cinit__(self, size_t n):
        self.data = <double*> PyMem_Malloc(n * sizeof(double))
        if not self.data:
            raise MemoryError()

    def __dealloc__(self):
        release_buffer(self.data)  # expect: CY002


cdef class NewThenFree:
    cdef Engine* engine

    def __cinit__(self):
        self.engine = new Engine()

    def __dealloc__(self):
        free(self.engine)  # expect: CY002


def helper_allocation_wrong_free(size_t n):
    cdef double* p = make_buffer(n)
    PyMem_Free(p)  # expect: CY002


cdef class Clean:
    cdef double* data

    def __cinit__(self, size_t n):
        self.data = <double*> PyMem_Malloc(n * sizeof(double))
        if not self.data:
            raise MemoryError()

    def __dealloc__(self):
        if self.data != NULL:
            PyMem_Free(self.data)
            self.data = NULL


cdef class CleanCpp:
    cdef Engine* engine

    def __cinit__(self):
        self.engine = new Engine()

    def __dealloc__(self):
        del self.engine


cdef class FreedThroughACdefMethod:
    cdef double* data

    def __cinit__(self, size_t n):
        self.data = make_buffer(n)

    cdef void _release(self) noexcept:
        if self.data is not NULL:
            free(self.data)
            self.data = NULL

    def __dealloc__(self):
        self._release()


cdef class FreedThroughAHelper:
    cdef Table table

    def __cinit__(self, size_t n):
        self.table.keys = <int*> malloc(n * sizeof(int))
        self.table.values = <double*> malloc(n * sizeof(double))

    def __dealloc__(self):
        release_table(&self.table)


cdef class Borrowed:
    cdef char* text
    cdef bytes source

    def __cinit__(self, bytes source):
        self.source = source
        self.text = PyBytes_AsString(source)


cdef class HandsOff:
    cdef double* data

    def give(self, size_t n, sink):
        self.data = make_buffer(n)
        sink.adopt(<size_t> self.data)
        self.data = NULL


cdef class Base:
    cdef double* data

    def __dealloc__(self):
        free(self.data)


cdef class Derived(Base):
    def __cinit__(self, size_t n):
        self.data = make_buffer(n)


cdef double* raw_buffer(size_t n):
    # Returns the block unchecked: callers must check it.
    return <double*> malloc(n * sizeof(double))


def helper_allocation_used_unchecked(size_t n):
    cdef double* p = raw_buffer(n)  # expect: CY001
    p[0] = 1
    free(p)


def helper_allocation_checked(size_t n):
    cdef double* p = raw_buffer(n)
    if p == NULL:
        raise MemoryError()
    p[0] = 1
    free(p)


cdef class View:
    # Frees its buffer only when it owns it: the flag is trusted.
    cdef double* data
    cdef bint owner

    def __cinit__(self, size_t n, bint copy):
        self.owner = copy
        if copy:
            self.data = make_buffer(n)

    def __dealloc__(self):
        if self.owner:
            free(self.data)


cdef class FreesUnderAnUnrelatedCondition:
    cdef double* data

    def __cinit__(self, size_t n):
        self.data = make_buffer(n)  # expect: CY004

    def __dealloc__(self):
        if live_instances() > 1:
            free(self.data)


def live_instances():
    return 2


cdef class FreesWhenAnotherPointerIsNull:
    # Reduced from Cython's tests/buffers/mockbuffers.pxi: the indirect buffer leaks.
    cdef double* buffer
    cdef Py_ssize_t* suboffsets

    def __cinit__(self, size_t n, bint indirect):
        self.buffer = make_buffer(n)  # expect: CY004
        self.suboffsets = NULL
        if indirect:
            self.suboffsets = <Py_ssize_t*> malloc(sizeof(Py_ssize_t))

    def __dealloc__(self):
        if self.suboffsets != NULL:
            free(self.suboffsets)
        else:
            free(self.buffer)
