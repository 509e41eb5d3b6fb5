# One module in two files: the classes' attributes and their inline `@staticmethod`
# factories are declared here, their `__dealloc__` is in vectors.pyx. The two halves are
# one class: `Vector`'s block is freed there, `Matrix`'s is not, `Bytes`'s with the wrong
# family's function.
from libc.stdlib cimport malloc, free


cdef class Vector:
    cdef double* data
    cdef Py_ssize_t size

    @staticmethod
    cdef inline Vector zeros(Py_ssize_t size):
        cdef Vector v = Vector.__new__(Vector)
        v.data = <double*> malloc(size * sizeof(double))
        if v.data == NULL:
            raise MemoryError()
        v.size = size
        cdef Py_ssize_t i
        for i in range(size):
            v.data[i] = 0.0
        return v


cdef class Matrix:
    cdef double* cells
    cdef Py_ssize_t rows, cols

    @staticmethod
    cdef inline Matrix empty(Py_ssize_t rows, Py_ssize_t cols):
        cdef Matrix m = Matrix.__new__(Matrix)
        m.cells = <double*> malloc(rows * cols * sizeof(double))  # expect: CY004
        if m.cells == NULL:
            raise MemoryError()
        m.rows = rows
        m.cols = cols
        return m


cdef class Arena:
    cdef char* base
    cdef size_t used, capacity

    @staticmethod
    cdef inline Arena with_capacity(size_t capacity):
        cdef Arena arena = Arena.__new__(Arena)
        arena.base = <char*> malloc(capacity)
        if arena.base == NULL:
            raise MemoryError()
        arena.capacity = capacity
        arena.used = 0
        return arena

    cdef inline void _release(self) noexcept:
        free(self.base)
        self.base = NULL
        self.used = self.capacity = 0


cdef class Bytes:
    cdef unsigned char* data
    cdef Py_ssize_t size

    @staticmethod
    cdef inline Bytes zeroed(Py_ssize_t size):
        cdef Bytes b = Bytes.__new__(Bytes)
        cdef Py_ssize_t i
        b.data = <unsigned char*> malloc(size)  # expect: CY002
        if b.data == NULL:
            raise MemoryError()
        for i in range(size):
            b.data[i] = 0
        b.size = size
        return b
