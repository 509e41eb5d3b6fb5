from libc.stdlib cimport malloc, free
from libc.string cimport strlen, memcpy

cdef int split_words(const char* text, char*** out, int* count) noexcept nogil:
    cdef size_t n = strlen(text)
    cdef char* copy = <char*>malloc(n + 1)
    cdef char** words
    cdef int found = 0
    cdef size_t i
    if copy == NULL:
        return -1
    words = <char**>malloc((n // 2 + 1) * sizeof(char*))
    if words == NULL:
        free(copy)
        return -1
    memcpy(copy, text, n + 1)
    for i in range(n):
        if copy[i] == 32:
            copy[i] = 0
    words[0] = copy
    found = 1
    out[0] = words
    count[0] = found
    return 0


def words(bytes text):
    cdef char** ws = NULL
    cdef int count = 0
    cdef int rc
    rc = split_words(text, &ws, &count)
    if rc != 0:
        raise MemoryError()
    result = [ws[0]]
    free(ws[0])
    free(ws)
    return result
