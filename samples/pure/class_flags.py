# Pure-Python mode: guards on flags of the instance, evaluated like in .pyx files.
import cython
from cython.cimports.libc.stdlib import malloc, free


@cython.cclass
class Reader:
    """close() only marks the reader closed; __dealloc__ frees only while open: a leak."""

    buf: cython.p_char
    closed: cython.bint

    def __cinit__(self, n: cython.size_t):
        self.closed = False
        self.buf = cython.cast(cython.p_char, malloc(n))  # expect: CY004
        if self.buf == cython.NULL:
            raise MemoryError()

    def close(self):
        self.closed = True

    def __dealloc__(self):
        if not self.closed:
            free(self.buf)


@cython.cclass
class Tagged:
    """The tag set with the allocation is the one __dealloc__ frees under: clean."""

    kind: cython.int
    small: cython.p_double
    large: cython.p_double

    def __cinit__(self, big: cython.bint):
        if big:
            self.kind = 2
            self.large = cython.cast(cython.p_double, malloc(1024 * cython.sizeof(cython.double)))
            if self.large == cython.NULL:
                raise MemoryError()
        else:
            self.kind = 1
            self.small = cython.cast(cython.p_double, malloc(8 * cython.sizeof(cython.double)))
            if self.small == cython.NULL:
                raise MemoryError()

    def __dealloc__(self):
        if self.kind == 1:
            free(self.small)
        elif self.kind == 2:
            free(self.large)
