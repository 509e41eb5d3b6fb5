"""Writes one large Cython file of many small functions and classes that allocate
(checked, freed, leaked, reallocated), for the memory a whole file costs per byte of
source (issue 9): `python3 benches/whole_file.py 5 /tmp/big5.pyx`, then
`/usr/bin/time -f '%U+%S s %M KB' cysafe check /tmp/big5.pyx`, minus the peak RSS of
checking `python3 benches/whole_file.py 0.002 /tmp/tiny.pyx`, divided by the size.
The first argument is the size in MB (10^6 bytes); the file ends after the template
that crosses it."""
import sys
target = int(float(sys.argv[1]) * 1e6)
out = open(sys.argv[2], "w")
out.write("from libc.stdlib cimport malloc, free, realloc, calloc\nfrom libc.string cimport memcpy, memset\ncimport cython\n\nimport os\n\nDEF_SIZE = 16\n\n")
size = 0
i = 0
templates = [
'''cdef double* make_buffer_{i}(Py_ssize_t n) except NULL:
    cdef double* data = <double*>malloc(n * sizeof(double))
    if data == NULL:
        raise MemoryError()
    memset(data, 0, n * sizeof(double))
    return data


def total_{i}(Py_ssize_t n):
    cdef double* values = make_buffer_{i}(n)
    cdef double acc = 0
    cdef Py_ssize_t k
    try:
        for k in range(n):
            values[k] = k * 0.5
            acc += values[k]
    finally:
        free(values)
    return acc


''',
'''cdef class Buffer_{i}:
    cdef char* data
    cdef Py_ssize_t size

    def __cinit__(self, Py_ssize_t size):
        self.data = <char*>malloc(size)
        if self.data is NULL:
            raise MemoryError()
        self.size = size

    def grow(self, Py_ssize_t extra):
        cdef char* bigger = <char*>realloc(self.data, self.size + extra)
        if bigger == NULL:
            raise MemoryError()
        self.data = bigger
        self.size += extra

    def __dealloc__(self):
        free(self.data)


''',
'''def leaky_{i}(int n, values):
    cdef int* items = <int*>malloc(n * sizeof(int))
    if not items:
        raise MemoryError()
    for k in range(n):
        items[k] = values[k]
    if n > 100:
        return None
    result = [items[k] for k in range(n)]
    free(items)
    return result


def plain_{i}(a, b, c=None):
    """Adds things without touching memory."""
    if c is None:
        c = {{}}
    total = a + b
    for key, value in sorted(c.items()):
        total += len(key) * value
    return total


''',
'''cdef int fill_{i}(int* out, int n) noexcept nogil:
    cdef int k
    for k in range(n):
        out[k] = k * k
    return n


def squares_{i}(int n):
    cdef int* buf = <int*>calloc(n, sizeof(int))
    cdef int* copy
    if buf == NULL:
        raise MemoryError()
    fill_{i}(buf, n)
    copy = <int*>malloc(n * sizeof(int))
    memcpy(copy, buf, n * sizeof(int))
    free(buf)
    out = [copy[k] for k in range(n)]
    free(copy)
    return out


''',
]
while size < target:
    t = templates[i % len(templates)].format(i=i)
    out.write(t)
    size += len(t)
    i += 1
