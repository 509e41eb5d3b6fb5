import cython
from cython.cimports.libc.stdlib import malloc, free


@cython.cclass
class Grid:
    cells: cython.p_int
    mask: cython.p_char

    def __cinit__(self, n: cython.int):
        self.cells = cython.cast(cython.p_int, malloc(n * 4))
        # The planted bug: CY004 mask never freed
        self.mask = cython.cast(cython.p_char, malloc(n))  # expect: CY004
        if self.cells == cython.NULL or self.mask == cython.NULL:
            raise MemoryError()

    def __dealloc__(self):
        free(self.cells)
