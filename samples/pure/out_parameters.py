# An out-parameter allocator in pure-Python mode: `cython.address(buf)` receives the block.
import cython
from cython.cimports.libc.stdlib import free, realloc


@cython.cfunc
@cython.exceptval(-1)
def grow(p: cython.pointer(cython.pointer(cython.double)), n: cython.size_t) -> cython.int:
    tmp: cython.p_double = cython.cast(cython.p_double, realloc(p[0], n * 8))
    if tmp == cython.NULL:
        raise MemoryError()
    p[0] = tmp
    return 0


def use(n: cython.size_t):
    buf: cython.p_double = cython.NULL
    grow(cython.address(buf), n)
    buf[0] = 1.0
    free(buf)


def leak(n: cython.size_t):
    buf: cython.p_double = cython.NULL
    grow(cython.address(buf), n)  # expect: CY007
    buf[0] = 1.0
