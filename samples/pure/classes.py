# CY004 and CY002 across methods and helpers, in pure-Python mode.
import cython
from cython.cimports.libc.stdlib import malloc, calloc, free
from cython.cimports.cpython.mem import PyMem_Malloc, PyMem_Free
from cython.cimports.cpython.bytes import PyBytes_AsString


def make_buffer(n: cython.size_t) -> cython.p_double:
    p: cython.p_double = cython.cast(cython.p_double, malloc(n * 8))
    if not p:
        raise MemoryError()
    return p


def release_buffer(p: cython.p_double):
    free(p)


@cython.cclass
class Leaky:
    data: cython.p_double

    def __cinit__(self, n: cython.size_t):
        self.data = cython.cast(cython.p_double, PyMem_Malloc(n * 8))  # expect: CY004
        if not self.data:
            raise MemoryError()


@cython.cclass
class ForgetsOne:
    keys: cython.p_int
    values: cython.p_double

    def __cinit__(self, n: cython.size_t):
        self.keys = cython.cast(cython.p_int, calloc(n, 4))
        self.values = cython.cast(cython.p_double, calloc(n, 8))  # expect: CY004
        if not self.keys or not self.values:
            raise MemoryError()

    def __dealloc__(self):
        free(self.keys)


@cython.cclass
class FreesOnlySometimes:
    data: cython.p_double
    owner: cython.bint

    def __cinit__(self, n: cython.size_t):
        self.data = make_buffer(n)  # expect: CY004
        self.owner = True

    def __dealloc__(self):
        if n_instances() > 1:
            free(self.data)


@cython.cclass
class WrongFamily:
    data: cython.p_double

    def __cinit__(self, n: cython.size_t):
        self.data = cython.cast(cython.p_double, PyMem_Malloc(n * 8))
        if not self.data:
            raise MemoryError()

    def __dealloc__(self):
        free(self.data)  # expect: CY002


@cython.cclass
class HelperWrongFamily:
    data: cython.p_double

    def __cinit__(self, n: cython.size_t):
        self.data = cython.cast(cython.p_double, PyMem_Malloc(n * 8))
        if not self.data:
            raise MemoryError()

    def __dealloc__(self):
        release_buffer(self.data)  # expect: CY002


def helper_allocation_wrong_free(n: cython.size_t):
    p = make_buffer(n)
    PyMem_Free(p)  # expect: CY002


def helper_allocation_freed(n: cython.size_t):
    p = make_buffer(n)
    p[0] = 1.0
    release_buffer(p)


@cython.cclass
class Clean:
    data: cython.p_double

    def __cinit__(self, n: cython.size_t):
        self.data = cython.cast(cython.p_double, PyMem_Malloc(n * 8))
        if not self.data:
            raise MemoryError()

    def __dealloc__(self):
        if self.data != cython.NULL:
            PyMem_Free(self.data)


@cython.cclass
class FreedThroughAMethod:
    data: cython.p_double

    def __cinit__(self, n: cython.size_t):
        self.data = make_buffer(n)

    def _release(self):
        free(self.data)
        self.data = cython.NULL

    def __dealloc__(self):
        self._release()


@cython.cclass
class FreedThroughAHelper:
    data: cython.p_double

    def __cinit__(self, n: cython.size_t):
        self.data = make_buffer(n)

    def __dealloc__(self):
        release_buffer(self.data)


@cython.cclass
class Borrowed:
    text: cython.p_char
    source: bytes

    def __cinit__(self, source: bytes):
        self.source = source
        self.text = PyBytes_AsString(source)


@cython.cclass
class HandsOff:
    data: cython.p_double

    def __cinit__(self, n: cython.size_t, sink):
        self.data = make_buffer(n)
        sink.adopt(self.data)
        self.data = cython.NULL


@cython.cclass
class Base:
    data: cython.p_double

    def __dealloc__(self):
        free(self.data)


@cython.cclass
class Derived(Base):
    def __cinit__(self, n: cython.size_t):
        self.data = make_buffer(n)
