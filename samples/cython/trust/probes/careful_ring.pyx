# A growable ring buffer of doubles: every allocation checked, growth through a
# temporary, the old block kept until the new one is known good.
from libc.stdlib cimport malloc, realloc, free
from libc.string cimport memcpy

cdef class Ring:
    cdef double* items
    cdef Py_ssize_t head, count, capacity

    def __cinit__(self, Py_ssize_t capacity=16):
        if capacity < 1:
            capacity = 1
        self.items = <double*>malloc(capacity * sizeof(double))
        if self.items == NULL:
            raise MemoryError()
        self.capacity = capacity
        self.head = 0
        self.count = 0

    cdef int _grow(self) except -1:
        cdef Py_ssize_t new_capacity = self.capacity * 2
        cdef double* grown = <double*>malloc(new_capacity * sizeof(double))
        cdef Py_ssize_t i
        if grown == NULL:
            raise MemoryError()
        for i in range(self.count):
            grown[i] = self.items[(self.head + i) % self.capacity]
        free(self.items)
        self.items = grown
        self.head = 0
        self.capacity = new_capacity
        return 0

    def push(self, double value):
        if self.count == self.capacity:
            self._grow()
        self.items[(self.head + self.count) % self.capacity] = value
        self.count += 1

    def pop(self):
        if self.count == 0:
            raise IndexError("pop from an empty ring")
        cdef double value = self.items[self.head]
        self.head = (self.head + 1) % self.capacity
        self.count -= 1
        return value

    def __len__(self):
        return self.count

    def __dealloc__(self):
        free(self.items)
