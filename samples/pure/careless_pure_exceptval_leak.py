import cython
from cython.cimports.libc.stdlib import malloc, free


@cython.cfunc
@cython.exceptval(-1)
def validate(n: cython.Py_ssize_t) -> cython.int:
    if n < 0:
        raise ValueError("negative")
    return 0


def prepared(n: cython.Py_ssize_t):
    p: cython.p_int = cython.cast(cython.p_int, malloc(8 * cython.sizeof(cython.int)))  # expect: CY008
    if p == cython.NULL:
        raise MemoryError()
    # The planted bug: CY008 p leaks if validate raises
    validate(n)
    p[0] = n
    free(p)
