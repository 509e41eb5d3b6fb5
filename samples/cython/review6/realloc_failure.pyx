# The tmp-pointer realloc idiom done right, and blocks whose old holder outlives the
# function: nothing leaks where the reallocation fails.
from libc.stdlib cimport malloc, realloc, free


cdef class Holder:
    cdef int* buf

    def grow(self, size_t m):
        cdef int* tmp = <int*>realloc(self.buf, m * sizeof(int))
        if tmp == NULL:
            raise MemoryError()
        self.buf = tmp

    def __dealloc__(self):
        free(self.buf)


cdef int* _pool = NULL


def grow_global(size_t m):
    global _pool
    cdef int* tmp = <int*>realloc(_pool, m * sizeof(int))
    if tmp == NULL:
        raise MemoryError()
    _pool = tmp


def frees_on_failure(int m):
    cdef int* buf = <int*>malloc(4 * sizeof(int))
    cdef int* tmp
    if buf == NULL:
        raise MemoryError()
    tmp = <int*>realloc(buf, m * sizeof(int))
    if tmp == NULL:
        free(buf)
        raise MemoryError()
    buf = tmp
    buf[0] = 1
    free(buf)


def stored_before(Holder h, int m):
    cdef int* buf = <int*>malloc(4 * sizeof(int))
    cdef int* tmp
    if buf == NULL:
        raise MemoryError()
    free(h.buf)
    h.buf = buf
    tmp = <int*>realloc(buf, m * sizeof(int))
    if tmp == NULL:
        raise MemoryError()
    h.buf = tmp


def keeps_the_old_block(int m):
    cdef int* buf = <int*>malloc(4 * sizeof(int))
    cdef int* tmp
    if buf == NULL:
        raise MemoryError()
    tmp = <int*>realloc(buf, m * sizeof(int))
    if tmp != NULL:
        buf = tmp
    buf[0] = 1
    free(buf)


def growth_loop(list xs):
    cdef size_t cap = 4, n = 0
    cdef int* buf = <int*>malloc(cap * sizeof(int))
    cdef int* tmp
    if buf == NULL:
        raise MemoryError()
    try:
        for x in xs:
            if n == cap:
                tmp = <int*>realloc(buf, cap * 2 * sizeof(int))
                if tmp == NULL:
                    raise MemoryError()
                buf = tmp
                cap *= 2
            buf[n] = x
            n += 1
        return n
    finally:
        free(buf)


def stops_growing(int m):
    cdef int* buf = <int*>malloc(4 * sizeof(int))
    cdef int* tmp
    cdef int i
    if buf == NULL:
        raise MemoryError()
    for i in range(m):
        tmp = <int*>realloc(buf, (i + 8) * sizeof(int))
        if tmp == NULL:
            break
        buf = tmp
    free(buf)
