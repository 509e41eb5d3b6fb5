# Matrix products with a temporary from PyMem: the temporary is checked, freed in a
# finally, and the result handed to a new object that owns it.
from cpython.mem cimport PyMem_Malloc, PyMem_Free
cimport cython

cdef class Mat:
    cdef double* data
    cdef Py_ssize_t n

    @staticmethod
    cdef Mat adopt(double* data, Py_ssize_t n):
        cdef Mat m = Mat.__new__(Mat)
        m.data = data
        m.n = n
        return m

    def __dealloc__(self):
        PyMem_Free(self.data)

@cython.boundscheck(False)
def multiply(Mat a, Mat b):
    cdef Py_ssize_t n = a.n, i, j, k
    cdef double* out = <double*>PyMem_Malloc(n * n * sizeof(double))
    cdef double* column = <double*>PyMem_Malloc(n * sizeof(double))
    if out == NULL or column == NULL:
        PyMem_Free(out)
        PyMem_Free(column)
        raise MemoryError()
    try:
        for j in range(n):
            for k in range(n):
                column[k] = b.data[k * n + j]
            for i in range(n):
                out[i * n + j] = 0
                for k in range(n):
                    out[i * n + j] += a.data[i * n + k] * column[k]
    finally:
        PyMem_Free(column)
    return Mat.adopt(out, n)
