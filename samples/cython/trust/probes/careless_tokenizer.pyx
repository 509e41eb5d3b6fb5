# Splits a line into fields; the field table comes from malloc and goes back to PyMem,
# and nothing looks at what malloc returned.
from libc.stdlib cimport malloc, free
from cpython.mem cimport PyMem_Free
from libc.string cimport strlen

def split_fields(bytes line, char sep=b','):
    cdef const char* text = line
    cdef Py_ssize_t n = strlen(text)
    cdef Py_ssize_t* starts = <Py_ssize_t*>malloc((n + 1) * sizeof(Py_ssize_t))  # expect: CY001, CY008
    cdef Py_ssize_t count = 1, i
    starts[0] = 0
    for i in range(n):
        if text[i] == sep:
            starts[count] = i + 1
            count += 1
    result = []
    for i in range(count):
        end = starts[i + 1] - 1 if i + 1 < count else n
        result.append(line[starts[i]:end])
    PyMem_Free(starts)  # expect: CY002
    return result

def count_fields(bytes line, char sep=b','):
    cdef const char* text = line
    cdef Py_ssize_t n = strlen(text)
    cdef char* copy = <char*>malloc(n + 1)
    cdef Py_ssize_t i, fields = 1
    if copy == NULL:
        raise MemoryError()
    for i in range(n):
        copy[i] = text[i]
        if text[i] == sep:
            fields += 1
    free(copy)
    return fields
