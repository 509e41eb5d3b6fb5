# Helper summaries, second halves: families through struct constructor helpers, functions
# that always fail by returning their declared error value, and helpers declared
# `except NULL` whose callers never receive NULL.
from libc.stdlib cimport malloc, free
from cpython.mem cimport PyMem_Malloc, PyMem_Free
from cpython.exc cimport PyErr_NoMemory, PyErr_SetString

cdef struct Table:
    double* data
    size_t n

cdef struct Pair:
    char* key
    char* value


# 10: `t.data` comes from `malloc`; the header from `PyMem_Malloc`.
cdef Table* table_new(size_t n) except NULL:
    cdef Table* t = <Table*>PyMem_Malloc(sizeof(Table))
    if t == NULL:
        raise MemoryError()
    t.data = <double*>malloc(n * sizeof(double))
    if t.data == NULL:
        PyMem_Free(t)
        raise MemoryError()
    t.n = n
    return t

cdef void table_free(Table* t) noexcept:
    free(t.data)
    PyMem_Free(t)

cdef void table_free_wrong(Table* t) noexcept:
    PyMem_Free(t.data)
    PyMem_Free(t)

def table_sum(size_t n):
    cdef Table* t = table_new(n)
    cdef double total = 0
    cdef size_t i
    for i in range(n):
        t.data[i] = i
        total += t.data[i]
    table_free(t)
    return total

def table_sum_wrong(size_t n):
    cdef Table* t = table_new(n)
    t.data[0] = 1.0
    table_free_wrong(t)  # expect: CY002

def table_by_hand(size_t n):
    cdef Table* t = table_new(n)
    PyMem_Free(t.data)  # expect: CY002
    PyMem_Free(t)

cdef Pair* pair_new(size_t n) except NULL:
    cdef Pair* p = <Pair*>malloc(sizeof(Pair))
    if p == NULL:
        raise MemoryError()
    p.key = <char*>PyMem_Malloc(n)
    p.value = <char*>PyMem_Malloc(n)
    if p.key == NULL or p.value == NULL:
        PyMem_Free(p.key)
        PyMem_Free(p.value)
        free(p)
        raise MemoryError()
    return p

def pair_roundtrip(size_t n):
    cdef Pair* p = pair_new(n)
    p.key[0] = 0
    p.value[0] = 0
    PyMem_Free(p.key)
    PyMem_Free(p.value)
    free(p)


# 11: functions declared `except -1`/`except NULL` that always fail (they set an error
# and return the declared value) never return; `except? -1` may return normally.
cdef int no_memory() except -1:
    PyErr_NoMemory()
    return -1

cdef double* no_block(str why) except NULL:
    PyErr_SetString(MemoryError, why)
    return NULL

cdef int maybe_error(int code) except? -1:
    if code:
        raise ValueError(code)
    return -1

def checked_by_no_memory(size_t n):
    cdef double* p = <double*>malloc(n * sizeof(double))
    if p == NULL:
        no_memory()
    p[0] = 1
    free(p)

def checked_by_no_block(size_t n):
    cdef double* p = <double*>malloc(n * sizeof(double))
    if not p:
        no_block("scratch")
    p[0] = 1
    free(p)

def not_checked_by_maybe_error(size_t n):
    cdef double* p = <double*>malloc(n * sizeof(double))  # expect: CY001
    if p == NULL:
        maybe_error(0)
    p[0] = 1
    free(p)


# 12: a helper declared `except NULL` never hands NULL to its caller; one without it does.
cdef double* new_row(size_t n) except NULL:
    return <double*>malloc(n * sizeof(double))

cdef double* new_row_unchecked(size_t n):
    return <double*>malloc(n * sizeof(double))

def fill_row(size_t n):
    cdef double* row = new_row(n)
    row[0] = 0
    free(row)

def fill_row_unchecked(size_t n):
    cdef double* row = new_row_unchecked(n)  # expect: CY001
    row[0] = 0
    free(row)
