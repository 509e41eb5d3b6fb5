# A release helper that frees with PyMem_Free on every path (whatever its flag says) is
# still matched against the caller's block: a malloc block handed to it is a mismatch.
from libc.stdlib cimport malloc
from cpython.mem cimport PyMem_Free


cdef void release(void* p, bint verbose) noexcept:
    if verbose:
        print("releasing")
        PyMem_Free(p)
    else:
        PyMem_Free(p)


def run(Py_ssize_t n):
    cdef char* a = <char*>malloc(n)
    if a == NULL:
        raise MemoryError()
    a[0] = 1
    release(a, False)  # expect: CY002
