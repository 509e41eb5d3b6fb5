# Pure-Python mode: the same stack without a check, and a realloc straight into the
# attribute.
import cython
from cython.cimports.libc.stdlib import malloc, realloc, free


@cython.cclass
class Stack:
    items: cython.p_int
    size: cython.Py_ssize_t
    capacity: cython.Py_ssize_t

    def __cinit__(self):
        self.capacity = 8
        self.items = cython.cast(cython.p_int, malloc(self.capacity * cython.sizeof(cython.int)))  # expect: CY001
        self.items[0] = 0

    def push(self, value: cython.int):
        if self.size == self.capacity:
            self.capacity *= 2
            self.items = cython.cast(cython.p_int, realloc(self.items, self.capacity * cython.sizeof(cython.int)))  # expect: CY003, CY001
        self.items[self.size] = value
        self.size += 1

    def __dealloc__(self):
        free(self.items)
