# Calls that raise and lose a block (CY008): methods of Python parameters.
from cpython.mem cimport PyMem_Malloc, PyMem_Free
from libc.stdlib cimport malloc, free
from cpython.exc cimport PyErr_CheckSignals


cdef class Sink:
    cdef int fd

    def flush(self):
        # Does nothing that can raise: a call of it loses nothing.
        with nogil:
            self.fd = 0


def load(reader, Py_ssize_t n):
    # An untyped parameter is a Python object: `reader.read(n)` may raise, and the
    # handler returns without freeing.
    cdef unsigned char* px = <unsigned char*>PyMem_Malloc(n)  # expect: CY008
    cdef long s = 0
    if px == NULL:
        raise MemoryError()
    try:
        raw = reader.read(n)
    except OSError:
        return None
    s = len(raw)
    PyMem_Free(px)
    return s


def copy_out(object source, Py_ssize_t n):
    cdef char* buf = <char*>malloc(n)  # expect: CY008
    if buf == NULL:
        raise MemoryError()
    data = source.getvalue()
    free(buf)
    return data


def drain(bytes payload, Sink sink, Py_ssize_t n):
    cdef char* buf = <char*>malloc(n)  # expect: CY008
    if buf == NULL:
        raise MemoryError()
    sink.flush()
    text = payload.decode("utf-8")
    free(buf)
    return text


def long_sum(Py_ssize_t n):
    # `PyErr_CheckSignals` is declared `except -1`: a Ctrl-C raises `KeyboardInterrupt`.
    cdef double* acc = <double*>malloc(1024 * sizeof(double))  # expect: CY008
    cdef Py_ssize_t i
    cdef double s = 0
    if acc == NULL:
        raise MemoryError()
    for i in range(n):
        acc[i % 1024] = i
        PyErr_CheckSignals()
    s = acc[0]
    free(acc)
    return s
