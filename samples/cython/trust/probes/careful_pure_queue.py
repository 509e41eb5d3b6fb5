# Pure-Python mode: a FIFO of doubles over PyMem with a head index, grown through a
# temporary, released in __dealloc__.
import cython
from cython.cimports.cpython.mem import PyMem_Malloc, PyMem_Realloc, PyMem_Free


@cython.cclass
class Queue:
    items: cython.p_double
    head: cython.Py_ssize_t
    tail: cython.Py_ssize_t
    capacity: cython.Py_ssize_t

    def __cinit__(self):
        self.capacity = 16
        self.head = self.tail = 0
        self.items = cython.cast(cython.p_double, PyMem_Malloc(self.capacity * cython.sizeof(cython.double)))
        if not self.items:
            raise MemoryError()

    def put(self, value: cython.double):
        grown: cython.p_double
        if self.tail == self.capacity:
            grown = cython.cast(cython.p_double, PyMem_Realloc(self.items, 2 * self.capacity * cython.sizeof(cython.double)))
            if not grown:
                raise MemoryError()
            self.items = grown
            self.capacity *= 2
        self.items[self.tail] = value
        self.tail += 1

    def get(self):
        if self.head == self.tail:
            raise IndexError("get from an empty queue")
        value = self.items[self.head]
        self.head += 1
        return value

    def __dealloc__(self):
        PyMem_Free(self.items)
