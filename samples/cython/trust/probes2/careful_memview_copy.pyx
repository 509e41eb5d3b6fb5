from cpython.mem cimport PyMem_Malloc, PyMem_Free
cimport cython

@cython.boundscheck(False)
def normalized(double[::1] xs):
    cdef Py_ssize_t n = xs.shape[0], i
    cdef double total = 0
    cdef double* tmp = <double*>PyMem_Malloc(n * sizeof(double))
    if tmp is NULL:
        raise MemoryError()
    try:
        for i in range(n):
            tmp[i] = xs[i]
            total += tmp[i]
        if total == 0:
            raise ZeroDivisionError()
        return [tmp[i] / total for i in range(n)]
    finally:
        PyMem_Free(tmp)
