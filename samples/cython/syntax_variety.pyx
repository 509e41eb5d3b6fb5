# Cython constructs around allocations: DEF/IF, ctypedef, cpdef enum, inline nogil helpers,
# properties, for-from loops, with nogil(flag), fused types.
from libc.stdlib cimport malloc, free
DEF N = 10
IF UNAME_SYSNAME == "Linux":
    cdef int linux = 1
ELSE:
    cdef int linux = 0

ctypedef double real
cpdef enum Color:
    red
    green

cdef inline real* alloc_reals(int n) noexcept nogil:
    return <real*> malloc(n * sizeof(real))

cdef class A:
    cdef public int size
    cdef real* data

    property length:
        def __get__(self):
            return self.size

    def __cinit__(self, int n):
        cdef int i
        self.data = alloc_reals(n)
        if self.data is NULL:
            raise MemoryError()
        for i from 0 <= i < n:
            self.data[i] = 0
        with nogil(True):
            self.data[0] = 1

    def __dealloc__(self):
        free(self.data)

def fused_fn(floating x):
    cdef floating* p = <floating*> malloc(3 * sizeof(floating))  # expect: CY001
    for i from 0 <= i < 3:
        p[i] = x
    free(p)
