# A block passed through a `const T*` parameter with no function alongside is still lent:
# a value that is not a function (a stream, a flag) does not hand it off, so an early
# return after the call still leaks it (review 7 FP-4, the loans that stay).
from libc.stdio cimport FILE, stderr
from libc.stdlib cimport malloc, free

cdef extern from *:
    """
    #include <stdio.h>
    static int log_line(FILE* stream, const char* text) { return fputs(text, stream); }
    static int check_text(const char* text, int strict) { return strict && text[0] == 'x' ? -1 : 0; }
    """
    int log_line(FILE* stream, const char* text)
    int check_text(const char* text, int strict)


def logged(int n):
    cdef char* text = <char*>malloc(n + 1)  # expect: CY007
    if text == NULL:
        raise MemoryError()
    text[0] = 0
    if log_line(stderr, text) < 0:
        return None
    free(text)
    return n


def checked(int n, int strict):
    cdef char* text = <char*>malloc(n + 1)  # expect: CY007
    if text == NULL:
        raise MemoryError()
    text[0] = 0
    if check_text(text, strict) < 0:
        return None
    free(text)
    return n
