from cpython.mem cimport PyMem_Malloc, PyMem_Realloc, PyMem_Free

cdef struct Item:
    double priority
    Py_ssize_t index

cdef class Queue:
    cdef Item* items
    cdef Item* top
    cdef Py_ssize_t count, capacity

    def __cinit__(self, Py_ssize_t capacity=16):
        self.items = <Item*>PyMem_Malloc(capacity * sizeof(Item))
        if not self.items:
            raise MemoryError()
        self.top = self.items
        self.capacity = capacity
        self.count = 0

    cdef int _grow(self) except -1:
        cdef Py_ssize_t new_capacity = self.capacity * 2
        cdef Item* grown = <Item*>PyMem_Realloc(self.items, new_capacity * sizeof(Item))
        if grown == NULL:
            raise MemoryError()
        self.items = grown
        self.top = self.items
        self.capacity = new_capacity
        return 0

    def push(self, double priority, Py_ssize_t index):
        if self.count == self.capacity:
            self._grow()
        self.items[self.count].priority = priority
        self.items[self.count].index = index
        self.count += 1

    def __dealloc__(self):
        PyMem_Free(self.items)
