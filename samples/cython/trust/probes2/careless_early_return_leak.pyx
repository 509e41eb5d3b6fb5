from cpython.mem cimport PyMem_Malloc, PyMem_Free

cdef class Decoder:
    cdef unsigned char* table

    def __cinit__(self):
        self.table = <unsigned char*>PyMem_Malloc(256)
        if self.table == NULL:
            raise MemoryError()

    def decode(self, bytes data):
        cdef Py_ssize_t n = len(data), i
        cdef unsigned char* out = <unsigned char*>PyMem_Malloc(n)  # expect: CY007, CY008
        if out == NULL:
            raise MemoryError()
        for i in range(n):
            if data[i] > 127:
                # The planted bug: CY007 out leaks
                return None
            out[i] = self.table[data[i]]
        result = bytes(out[:n])
        PyMem_Free(out)
        return result

    def __dealloc__(self):
        PyMem_Free(self.table)
