from cpython.mem cimport PyMem_Malloc, PyMem_Free

cdef class Pool:
    cdef void** blocks
    cdef Py_ssize_t used, capacity
    cdef int kind

    def __cinit__(self, Py_ssize_t capacity, int kind=1):
        self.kind = kind
        self.capacity = capacity
        self.used = 0
        self.blocks = <void**>PyMem_Malloc(capacity * sizeof(void*))
        if self.blocks == NULL:
            raise MemoryError()

    cdef void* take(self, size_t size) except NULL:
        if self.used == self.capacity:
            raise MemoryError("pool exhausted")
        cdef void* block = PyMem_Malloc(size)
        if block == NULL:
            raise MemoryError()
        self.blocks[self.used] = block
        self.used += 1
        return block

    def __dealloc__(self):
        cdef Py_ssize_t i
        if self.blocks != NULL:
            for i in range(self.used):
                PyMem_Free(self.blocks[i])
            PyMem_Free(self.blocks)
