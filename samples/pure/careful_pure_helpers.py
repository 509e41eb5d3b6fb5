import cython
from cython.cimports.libc.stdlib import malloc, free, realloc


@cython.cfunc
@cython.exceptval(cython.NULL)
def grow(p: cython.p_int, n: cython.size_t) -> cython.p_int:
    q: cython.p_int = cython.cast(cython.p_int, realloc(p, n * cython.sizeof(cython.int)))
    if q == cython.NULL:
        free(p)
        raise MemoryError()
    return q


def squares(n: cython.size_t):
    out: cython.p_int = cython.NULL
    i: cython.size_t
    for i in range(n):
        out = grow(out, i + 1)
        out[i] = i * i
    result = [out[i] for i in range(n)]
    free(out)
    return result
