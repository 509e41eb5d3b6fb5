# The calls of raising_calls.pyx inside a `try`/`finally` that frees: nothing leaks.
from cpython.mem cimport PyMem_Malloc, PyMem_Free
from libc.stdlib cimport malloc, free
from cpython.exc cimport PyErr_CheckSignals


cdef class Sink:
    cdef int fd

    def flush(self):
        with nogil:
            self.fd = 0


def load(reader, Py_ssize_t n):
    cdef unsigned char* px = <unsigned char*>PyMem_Malloc(n)
    cdef long s = 0
    if px == NULL:
        raise MemoryError()
    try:
        try:
            raw = reader.read(n)
        except OSError:
            return None
        s = len(raw)
    finally:
        PyMem_Free(px)
    return s


def copy_out(object source, Py_ssize_t n):
    cdef char* buf = <char*>malloc(n)
    if buf == NULL:
        raise MemoryError()
    try:
        data = source.getvalue()
    finally:
        free(buf)
    return data


def drain(bytes payload, Sink sink, Py_ssize_t n):
    cdef char* buf = <char*>malloc(n)
    if buf == NULL:
        raise MemoryError()
    try:
        sink.flush()
        text = payload.decode("utf-8")
    finally:
        free(buf)
    return text


def flush_only(Sink sink, Py_ssize_t n):
    # `flush` raises nothing of its own: no path loses the block.
    cdef char* buf = <char*>malloc(n)
    if buf == NULL:
        raise MemoryError()
    sink.flush()
    free(buf)
    return n


def long_sum(Py_ssize_t n):
    cdef double* acc = <double*>malloc(1024 * sizeof(double))
    cdef Py_ssize_t i
    cdef double s = 0
    if acc == NULL:
        raise MemoryError()
    try:
        for i in range(n):
            acc[i % 1024] = i
            PyErr_CheckSignals()
        s = acc[0]
    finally:
        free(acc)
    return s
