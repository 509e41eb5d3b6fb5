# CY003 in pure-Python mode: the result of a realloc stored over the place it resizes.
import cython
from cython.cimports.libc.stdlib import malloc, realloc, free
from cython.cimports.cpython.mem import PyMem_Malloc, PyMem_Realloc, PyMem_Free


def grow(n: cython.size_t):
    p: cython.p_double = cython.cast(cython.p_double, malloc(n * 8))
    if not p:
        raise MemoryError()
    p = cython.cast(cython.p_double, realloc(p, 2 * n * 8))  # expect: CY003
    if not p:
        raise MemoryError()
    free(p)


def grow_parameter(p: cython.p_char, n: cython.size_t) -> cython.p_char:
    p = cython.cast(cython.p_char, realloc(p, n))  # expect: CY003
    return p


def grow_in_a_temporary(n: cython.size_t):
    p = malloc(n)
    if not p:
        raise MemoryError()
    tmp = realloc(p, 2 * n)
    if not tmp:
        free(p)
        raise MemoryError()
    p = tmp
    free(p)


def grow_into_another_variable(p: cython.p_char, n: cython.size_t) -> cython.p_char:
    q = cython.cast(cython.p_char, realloc(p, n))
    if q == cython.NULL:
        return cython.NULL
    return q


@cython.cclass
class Buffer:
    data: cython.p_double
    size: cython.size_t

    def __cinit__(self, n: cython.size_t):
        self.data = cython.cast(cython.p_double, PyMem_Malloc(n * 8))
        if not self.data:
            raise MemoryError()
        self.size = n

    def grow(self, n: cython.size_t):
        self.data = cython.cast(cython.p_double, PyMem_Realloc(self.data, n * 8))  # expect: CY003
        if not self.data:
            raise MemoryError()
        self.size = n

    def grow_safely(self, n: cython.size_t):
        mem = cython.cast(cython.p_double, PyMem_Realloc(self.data, n * 8))
        if not mem:
            raise MemoryError()
        self.data = mem
        self.size = n

    def __dealloc__(self):
        PyMem_Free(self.data)
