from libc.stdlib cimport malloc, realloc, free

cdef class Stack:
    cdef int* items
    cdef Py_ssize_t size, cap

    def __cinit__(self):
        self.items = <int*>malloc(4 * sizeof(int))
        if self.items == NULL:
            raise MemoryError()
        self.cap = 4
        self.size = 0

    def push(self, int x):
        if self.size == self.cap:
            self.cap *= 2
            # The planted bug: CY003
            self.items = <int*>realloc(self.items, self.cap * sizeof(int))  # expect: CY003
            if self.items == NULL:
                raise MemoryError()
        self.items[self.size] = x
        self.size += 1

    def __dealloc__(self):
        free(self.items)
