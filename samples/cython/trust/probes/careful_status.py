# Pure-Python mode: a growable int stack, each block checked, freed in __dealloc__.
import cython
from cython.cimports.libc.stdlib import malloc, realloc, free


@cython.cclass
class Stack:
    items: cython.p_int
    size: cython.Py_ssize_t
    capacity: cython.Py_ssize_t

    def __cinit__(self):
        self.capacity = 8
        self.size = 0
        self.items = cython.cast(cython.p_int, malloc(self.capacity * cython.sizeof(cython.int)))
        if self.items is cython.NULL:
            raise MemoryError()

    def push(self, value: cython.int):
        grown: cython.p_int
        if self.size == self.capacity:
            grown = cython.cast(cython.p_int, realloc(self.items, 2 * self.capacity * cython.sizeof(cython.int)))
            if grown is cython.NULL:
                raise MemoryError()
            self.items = grown
            self.capacity *= 2
        self.items[self.size] = value
        self.size += 1

    def __dealloc__(self):
        free(self.items)
