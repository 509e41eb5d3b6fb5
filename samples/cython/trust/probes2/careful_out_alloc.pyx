from libc.stdlib cimport malloc, realloc, free

cdef int ensure(double** buf, size_t* cap, size_t need) except -1 nogil:
    cdef double* grown
    cdef size_t new_cap
    if need <= cap[0]:
        return 0
    new_cap = max(need, 2 * cap[0])
    grown = <double*>realloc(buf[0], new_cap * sizeof(double))
    if grown == NULL:
        with gil:
            raise MemoryError()
    buf[0] = grown
    cap[0] = new_cap
    return 0

cdef class Accumulator:
    cdef double* values
    cdef size_t size, cap

    def __cinit__(self):
        self.values = NULL
        self.size = 0
        self.cap = 0

    def add(self, double x):
        ensure(&self.values, &self.cap, self.size + 1)
        self.values[self.size] = x
        self.size += 1

    def __dealloc__(self):
        free(self.values)

def collect(list xs):
    cdef double* out = NULL
    cdef size_t cap = 0, n = 0
    try:
        for x in xs:
            ensure(&out, &cap, n + 1)
            out[n] = x
            n += 1
        return [out[i] for i in range(n)]
    finally:
        free(out)
