import cython
from cython.cimports.cpython.mem import PyMem_Malloc, PyMem_Free


@cython.cclass
class Bitset:
    words: cython.p_ulong
    nwords: cython.Py_ssize_t

    def __cinit__(self, nbits: cython.Py_ssize_t):
        self.nwords = (nbits + 63) // 64
        self.words = cython.cast(cython.p_ulong, PyMem_Malloc(self.nwords * 8))
        if self.words is cython.NULL:
            raise MemoryError()
        i: cython.Py_ssize_t
        for i in range(self.nwords):
            self.words[i] = 0

    @cython.ccall
    @cython.exceptval(check=False)
    def set(self, bit: cython.Py_ssize_t) -> cython.void:
        self.words[bit // 64] |= 1 << (bit % 64)

    def __dealloc__(self):
        PyMem_Free(self.words)
