# The same checksums with the buffer freed on every turn, and on the way out of a turn
# that raises.
from libc.stdlib cimport malloc, free
from libc.string cimport memcpy

def checksums(list lines):
    cdef char* scratch
    cdef Py_ssize_t n, i
    cdef unsigned long total
    result = []
    for line in lines:
        n = len(line)
        scratch = <char*>malloc(n + 1)
        if scratch == NULL:
            raise MemoryError()
        try:
            memcpy(scratch, <char*>line, n)
            total = 0
            for i in range(n):
                total += <unsigned char>scratch[i]
            result.append(total)
        finally:
            free(scratch)
    return result
