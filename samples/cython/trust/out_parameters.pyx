# Out-parameter allocators: a helper that reallocates `*p` through a `T**` allocates into
# the place whose address its caller passes. Its family, its NULL check (it raises on
# failure, or does not) and the owning class's `__dealloc__` follow.
from libc.stdlib cimport free, malloc, realloc
from cpython.mem cimport PyMem_Free

ctypedef fused grown_ptr:
    double*
    int*
    (double*)*


# Grows `*p` to `count` elements, raising on overflow or failure; returns the new block
# too, which the caller usually ignores.
cdef grown_ptr grow_array(grown_ptr* p, size_t count) except * nogil:
    cdef size_t nbytes = count * sizeof(p[0][0])
    if nbytes / sizeof(p[0][0]) != count:
        with gil:
            raise MemoryError("size overflow")
    cdef grown_ptr grown = <grown_ptr>realloc(p[0], nbytes)
    if grown == NULL:
        with gil:
            raise MemoryError("cannot grow to %d elements" % count)
    p[0] = grown
    return grown


# Stores the result unchecked: its callers must check it (and a failure loses `*p`).
cdef void grow_unchecked(double** p, size_t count) nogil:
    p[0] = <double*>realloc(p[0], count * sizeof(double))  # expect: CY003


cdef class Histogram:
    cdef double* edges
    cdef int* counts
    cdef size_t size

    def __cinit__(self):
        self.edges = NULL
        self.counts = NULL
        self.size = 0

    def resize(self, size_t size):
        grow_array(&self.edges, size + 1)
        grow_array(&self.counts, size)
        self.edges[size] = 0.0
        self.counts[0] = 0
        self.size = size

    def __dealloc__(self):
        free(self.edges)
        free(self.counts)


cdef class Forgetful:
    cdef double* values
    cdef int* counts

    def __cinit__(self):
        self.values = NULL
        self.counts = NULL

    def resize(self, size_t size):
        grow_array(&self.values, size)  # expect: CY004
        grow_array(&self.counts, size)
        self.values[0] = 0
        self.counts[0] = 0

    def __dealloc__(self):
        PyMem_Free(self.counts)  # expect: CY002


def scratch_sum(size_t n):
    cdef double* scratch = NULL
    cdef double total = 0
    cdef size_t i
    grow_array(&scratch, n)
    grow_array(&scratch, 2 * n)
    for i in range(2 * n):
        scratch[i] = i
        total += scratch[i]
    free(scratch)
    return total


def scratch_forgotten(size_t n):
    cdef double* scratch = NULL
    grow_array(&scratch, n)  # expect: CY007
    scratch[0] = 1.0
    return scratch[0]


def unchecked_grow(size_t n):
    cdef double* values = NULL
    grow_unchecked(&values, n)  # expect: CY001
    values[0] = 1.0
    free(values)


# Fills two fresh arrays through out-parameters without checking them: the helper's
# own CY001s say so; its caller, which reads them only where the helper wrote through
# them, is not told the same missing checks again.
cdef void split_axes(long* axes, long count, long** kept, long** dropped, long* kept_count):
    kept[0] = <long*>malloc(count * sizeof(long))  # expect: CY001
    dropped[0] = <long*>malloc(count * sizeof(long))  # expect: CY001
    cdef long i, k = 0, d = 0
    for i in range(count):
        if axes[i] >= 0:
            kept[0][k] = axes[i]
            k += 1
        else:
            dropped[0][d] = axes[i]
            d += 1
    kept_count[0] = k


def kept_axes(long[:] axes):
    cdef long* kept
    cdef long* dropped
    cdef long count, i
    split_axes(&axes[0], axes.shape[0], &kept, &dropped, &count)  # expect: CY008
    result = []
    for i in range(count):
        result.append(kept[i])
    free(kept)
    free(dropped)
    return result
