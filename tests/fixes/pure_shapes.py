# CY001 and CY003 fixes in pure-Python mode.
import cython
from cython.cimports.libc.stdlib import malloc, realloc, free
from cython.cimports.cpython.mem import PyMem_Malloc, PyMem_Realloc, PyMem_Free


def grow(n: cython.size_t):
    p: cython.p_double = cython.cast(cython.p_double, malloc(n * 8))
    if not p:
        raise MemoryError()
    p = cython.cast(cython.p_double, realloc(p, 2 * n * 8))
    if not p:
        raise MemoryError()
    free(p)


def grow_untyped(n: cython.size_t):
    p: cython.p_void = malloc(n)
    if p == cython.NULL:
        raise MemoryError()
    p = realloc(p, 2 * n)
    free(p)


def fill(n: cython.int):
    p: cython.p_double = cython.cast(cython.p_double, malloc(n * cython.sizeof(cython.double)))
    p[0] = 1.0
    free(p)


@cython.cfunc
@cython.nogil
@cython.exceptval(-1)
def fill_without_gil(n: cython.size_t) -> cython.int:
    p: cython.p_char = cython.cast(cython.p_char, malloc(n))
    p[0] = 0
    free(p)
    return 0


@cython.cclass
class Buffer:
    data: cython.p_double

    def __cinit__(self, n: cython.size_t):
        self.data = cython.cast(cython.p_double, PyMem_Malloc(n * 8))
        if not self.data:
            raise MemoryError()

    def grow(self, n: cython.size_t):
        self.data = cython.cast(cython.p_double, PyMem_Realloc(self.data, n * 8))
        if not self.data:
            raise MemoryError()

    def __dealloc__(self):
        PyMem_Free(self.data)
