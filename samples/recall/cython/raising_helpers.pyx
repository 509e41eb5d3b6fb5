# `cdef` helpers that return a C value and hold no `raise` statement, yet raise: what a
# Python call in their body raises propagates (Cython 3: a `cdef` function propagates
# unless it says `noexcept`; `except -1`, `except? -1` and `except *` propagate too), and
# so does an error return after `PyErr_SetString`. A caller holding a block across such a
# call leaks it when the call raises.
from cpython.exc cimport PyErr_SetString
from libc.stdlib cimport malloc, free


cdef int compute(obj) except -1:
    return obj.compute()             # a Python call: raises whatever compute() raises


cdef int fetch(obj) except -1:
    return obj.fetch()


cdef int fetch_twice(obj) except -1:
    return fetch(obj) * 2            # raises what `fetch` raises


cdef int fetch_four_times(obj) except -1:
    return fetch_twice(obj) * 2      # and so on up the chain


cdef int maybe_compute(obj) except? -1:
    return obj.compute()


cdef void log_value(obj):
    print(obj)                       # `cdef void` without a clause is `except *`


cdef int check_status(int rc) except -1:
    if rc < 0:
        PyErr_SetString(ValueError, b"negative status")
        return -1                    # an error return: the caller propagates it
    return 0


def direct(obj, int n):
    cdef char* p = <char*>malloc(n)  # expect: CY008
    if p == NULL:
        raise MemoryError()
    r = compute(obj)
    p[0] = r
    free(p)


def through_a_chain_of_helpers(obj, int n):
    cdef char* p = <char*>malloc(n)  # expect: CY008
    if p == NULL:
        raise MemoryError()
    p[0] = fetch_four_times(obj)
    free(p)


def with_ambiguous_value(obj, int n):
    cdef char* p = <char*>malloc(n)  # expect: CY008
    if p == NULL:
        raise MemoryError()
    p[0] = maybe_compute(obj)
    free(p)


def void_helper(obj, int n):
    cdef char* p = <char*>malloc(n)  # expect: CY008
    if p == NULL:
        raise MemoryError()
    log_value(obj)
    free(p)


def error_return(int rc, int n):
    cdef char* p = <char*>malloc(n)  # expect: CY008
    if p == NULL:
        raise MemoryError()
    check_status(rc)
    free(p)


cdef class Parser:
    cdef int value

    cdef int _read(self, src) except -1:
        self.value = src.read_int()
        return 0

    def parse(self, src, int n):
        cdef char* p = <char*>malloc(n)  # expect: CY008
        if p == NULL:
            raise MemoryError()
        self._read(src)
        p[0] = self.value
        free(p)
