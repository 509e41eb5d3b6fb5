# Pure-Python mode declares a local with an annotation: `c: Counter = Counter()` is a
# Counter whatever initializes it, and its `exceptval(check=False)` method cannot raise.
import cython
from cython.cimports.libc.stdlib import malloc, free


@cython.cclass
class Counter:
    n: cython.int

    @cython.cfunc
    @cython.exceptval(check=False)
    def get(self) -> cython.int:
        return self.n


def run(n: cython.int):
    c: Counter = Counter()
    p: cython.pointer[cython.double] = cython.cast(
        cython.pointer[cython.double], malloc(n * cython.sizeof(cython.double))
    )
    if not p:
        raise MemoryError()
    p[0] = c.get()
    free(p)
