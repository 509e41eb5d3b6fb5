from libc.stdlib cimport malloc, free

cdef class DoubleBuffer:
    cdef float* front
    cdef float* back
    cdef int n

    def __cinit__(self, int n):
        self.front = <float*>malloc(n * sizeof(float))
        self.back = <float*>malloc(n * sizeof(float))
        if self.front == NULL or self.back == NULL:
            free(self.front)
            free(self.back)
            self.front = self.back = NULL
            raise MemoryError()
        self.n = n

    def swap(self):
        cdef float* tmp = self.front
        self.front = self.back
        self.back = tmp

    def __dealloc__(self):
        free(self.front)
        free(self.back)
