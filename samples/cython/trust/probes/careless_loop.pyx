# A per-line scratch buffer allocated in the loop and freed once after it: every line
# but the last leaks its buffer.
from libc.stdlib cimport malloc, free
from libc.string cimport memcpy

def checksums(list lines):
    cdef char* scratch = NULL
    cdef Py_ssize_t n, i
    cdef unsigned long total
    result = []
    for line in lines:
        n = len(line)
        scratch = <char*>malloc(n + 1)  # expect: CY007, CY008
        if scratch == NULL:
            raise MemoryError()
        memcpy(scratch, <char*>line, n)
        total = 0
        for i in range(n):
            total += <unsigned char>scratch[i]
        result.append(total)
    free(scratch)
    return result
