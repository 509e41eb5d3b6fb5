# Pure-Python mode: the FIFO that forgets its buffer and frees a malloc block with
# PyMem_Free.
import cython
from cython.cimports.cpython.mem import PyMem_Malloc, PyMem_Free
from cython.cimports.libc.stdlib import malloc, free


@cython.cclass
class Queue:
    items: cython.p_double
    scratch: cython.p_double

    def __cinit__(self):
        self.items = cython.cast(cython.p_double, PyMem_Malloc(16 * cython.sizeof(cython.double)))  # expect: CY004
        if not self.items:
            raise MemoryError()
        self.scratch = cython.cast(cython.p_double, malloc(16 * cython.sizeof(cython.double)))
        if not self.scratch:
            raise MemoryError()

    def __dealloc__(self):
        PyMem_Free(self.scratch)  # expect: CY002
