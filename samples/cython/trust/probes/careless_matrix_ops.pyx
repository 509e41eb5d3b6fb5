# The same product with the temporary freed twice on the error path and the result
# from malloc handed to an object that frees with PyMem_Free.
from libc.stdlib cimport malloc, free
from cpython.mem cimport PyMem_Free

cdef class Mat:
    cdef double* data
    cdef Py_ssize_t n

    def __dealloc__(self):
        PyMem_Free(self.data)  # expect: CY002

def identity(Py_ssize_t n):
    cdef Mat m = Mat.__new__(Mat)
    cdef Py_ssize_t i
    m.data = <double*>malloc(n * n * sizeof(double))
    if m.data == NULL:
        raise MemoryError()
    for i in range(n * n):
        m.data[i] = 1.0 if i % (n + 1) == 0 else 0.0
    m.n = n
    return m

def trace_of_square(Mat a):
    cdef Py_ssize_t n = a.n, i, k
    cdef double* diag = <double*>malloc(n * sizeof(double))
    cdef double total = 0
    if diag == NULL:
        raise MemoryError()
    for i in range(n):
        diag[i] = 0
        for k in range(n):
            diag[i] += a.data[i * n + k] * a.data[k * n + i]
        if diag[i] != diag[i]:
            free(diag)
            break
        total += diag[i]
    free(diag)  # expect: CY005
    return total
