# The implementation half of vectors.pxd.
from cpython.mem cimport PyMem_Free


cdef class Vector:
    def __len__(self):
        return self.size

    def __getitem__(self, Py_ssize_t i):
        if i < 0 or i >= self.size:
            raise IndexError(i)
        return self.data[i]

    def __dealloc__(self):
        free(self.data)


cdef class Matrix:
    @property
    def shape(self):
        return (self.rows, self.cols)

    def __dealloc__(self):
        self.rows = 0
        self.cols = 0


def identity(Py_ssize_t n):
    cdef Matrix m = Matrix.empty(n, n)
    cdef Py_ssize_t i, j
    for i in range(n):
        for j in range(n):
            m.cells[i * n + j] = 1.0 if i == j else 0.0
    return m


cdef class Arena:
    def reset(self):
        self.used = 0

    def __dealloc__(self):
        self._release()


cdef class Bytes:
    def __len__(self):
        return self.size

    # The families are crossed: `zeroed()` in the .pxd allocates with malloc.
    def __dealloc__(self):
        PyMem_Free(self.data)
