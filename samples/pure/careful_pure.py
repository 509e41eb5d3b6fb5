import cython
from cython.cimports.libc.stdlib import malloc, free


@cython.cclass
class Ring:
    buf: cython.p_double
    cap: cython.Py_ssize_t
    head: cython.Py_ssize_t

    def __cinit__(self, cap: cython.Py_ssize_t):
        self.buf = cython.cast(cython.p_double, malloc(cap * cython.sizeof(cython.double)))
        if not self.buf:
            raise MemoryError()
        self.cap = cap
        self.head = 0

    def push(self, x: cython.double):
        self.buf[self.head % self.cap] = x
        self.head += 1

    def __dealloc__(self):
        free(self.buf)


@cython.cfunc
@cython.exceptval(-1)
def fill(out: cython.p_double, n: cython.Py_ssize_t) -> cython.int:
    i: cython.Py_ssize_t
    for i in range(n):
        out[i] = i
    return 0


def total(n: cython.Py_ssize_t) -> cython.double:
    tmp: cython.p_double = cython.cast(cython.p_double, malloc(n * cython.sizeof(cython.double)))
    s: cython.double = 0
    i: cython.Py_ssize_t
    if tmp == cython.NULL:
        raise MemoryError()
    try:
        fill(tmp, n)
        for i in range(n):
            s += tmp[i]
    finally:
        free(tmp)
    return s
