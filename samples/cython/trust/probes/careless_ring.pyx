# The same ring written in a hurry: growth with realloc straight into the attribute,
# the first allocation never checked, and a reset that frees without forgetting.
from libc.stdlib cimport malloc, realloc, free

cdef class Ring:
    cdef double* items
    cdef Py_ssize_t head, count, capacity

    def __cinit__(self, Py_ssize_t capacity=16):
        self.items = <double*>malloc(capacity * sizeof(double))  # expect: CY001
        self.capacity = capacity
        self.items[0] = 0.0

    def push(self, double value):
        if self.count == self.capacity:
            self.capacity *= 2
            self.items = <double*>realloc(self.items, self.capacity * sizeof(double))  # expect: CY003
            if self.items == NULL:
                raise MemoryError()
        self.items[(self.head + self.count) % self.capacity] = value  # expect: CY006
        self.count += 1

    def reset(self):
        free(self.items)
        self.count = 0

    def __dealloc__(self):
        free(self.items)  # expect: CY005
