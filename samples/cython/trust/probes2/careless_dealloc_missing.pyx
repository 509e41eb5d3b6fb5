from cpython.mem cimport PyMem_Malloc, PyMem_Free

cdef class Pair:
    cdef double* left
    cdef double* right

    def __cinit__(self, Py_ssize_t n):
        self.left = <double*>PyMem_Malloc(n * sizeof(double))
        self.right = <double*>PyMem_Malloc(n * sizeof(double))  # expect: CY004
        if self.left == NULL or self.right == NULL:
            raise MemoryError()

    def __dealloc__(self):
        # The planted bug: CY004 right not freed
        PyMem_Free(self.left)
