# Minimized shapes of false positives found on real code; each must stay clean.
from cpython.mem cimport PyMem_Malloc, PyMem_Realloc, PyMem_Free


# After scipy's rank finder: two buffers doubled together in a loop, each result checked
# before it replaces the old pointer, both freed (and one read) in a `finally`. On the
# path that raises, `ret` still holds a checked block, never the new unchecked one.
# (scipy itself keeps the old `ret` when only `ra` fails to grow, whose block the
# successful `PyMem_Realloc` already moved: this version keeps whichever succeeded.)
def doubled_in_a_loop(int n, int m):
    cdef double* ra = <double*>PyMem_Malloc(n * sizeof(double))
    cdef double* ret = <double*>PyMem_Malloc(n * sizeof(double))
    cdef double* grown_ra
    cdef double* grown_ret
    cdef int cols = 2, rank = 0, k
    cdef double total = 0
    if not ra or not ret:
        PyMem_Free(ra)
        PyMem_Free(ret)
        raise MemoryError()
    try:
        while True:
            ret[rank] = 1
            ra[rank] = 2
            if rank == cols - 2:
                grown_ra = <double*>PyMem_Realloc(ra, cols * 2 * n * sizeof(double))
                grown_ret = <double*>PyMem_Realloc(ret, cols * 2 * n * sizeof(double))
                if grown_ra:
                    ra = grown_ra
                if grown_ret:
                    ret = grown_ret
                if grown_ra and grown_ret:
                    cols *= 2
                else:
                    raise MemoryError()
            rank += 1
            if rank >= m:
                break
    finally:
        PyMem_Free(ra)
        for k in range(rank):
            total += ret[k]
        PyMem_Free(ret)
    return total
