# A block passed to a helper of the module whose body only reads or writes through it is
# still the caller's to free; a helper that keeps it, frees it, or tests it for NULL
# takes it (or may say through its result that it was NULL).
from libc.stdlib cimport malloc, free
from libc.string cimport memcpy

cdef char* g_last = NULL


cdef int checksum(const unsigned char* s, int n) noexcept nogil:
    cdef int i, c = 0
    for i in range(n):
        c += s[i]
    return c


cdef void fill(char* dst, const char* src, int n) noexcept nogil:
    memcpy(dst, src, n)
    dst[n] = 0


cdef int parse(const char* s, int* out) except -1:
    if s[0] == 0x7f:
        raise ValueError("DEL")
    out[0] = s[0]
    return 0


cdef void remember(char* s) noexcept nogil:
    global g_last
    g_last = s


cdef void remember_handle(char* s, list handles):
    handles.append(<size_t>s)


cdef int fill_if_present(char* out, int n) noexcept nogil:
    if out == NULL:
        return -1
    out[0] = n
    return 0


def leaks_after_reading(int n):
    cdef unsigned char* tmp = <unsigned char*>malloc(n + 1)  # expect: CY007
    if tmp == NULL:
        raise MemoryError()
    tmp[0] = 1
    return checksum(tmp, 1)


def leaks_when_the_parse_is_empty(bytes s):
    cdef int v
    cdef char* tmp = <char*>malloc(len(s) + 1)  # expect: CY007
    if tmp == NULL:
        raise MemoryError()
    fill(tmp, s, len(s))
    try:
        parse(tmp, &v)
    except:
        free(tmp)
        raise
    else:
        if v == 0:
            return None
    free(tmp)
    return v


def leaks_if_a_later_call_raises(bytes s, object sink):
    cdef char* tmp = <char*>malloc(len(s) + 1)  # expect: CY008
    if tmp == NULL:
        raise MemoryError()
    fill(tmp, s, len(s))
    sink.write(tmp[0])
    free(tmp)


def the_raising_helper_is_not_blamed(bytes s):
    # Why `parse` raises may be about the block itself: not guessed.
    cdef int v
    cdef char* tmp = <char*>malloc(len(s) + 1)
    if tmp == NULL:
        raise MemoryError()
    fill(tmp, s, len(s))
    parse(tmp, &v)
    free(tmp)
    return v


def freed_after_reading(int n):
    cdef unsigned char* tmp = <unsigned char*>malloc(n + 1)
    if tmp == NULL:
        raise MemoryError()
    tmp[0] = 1
    try:
        return checksum(tmp, 1)
    finally:
        free(tmp)


def kept_by_the_helper(int n):
    cdef char* p = <char*>malloc(n)
    if p == NULL:
        raise MemoryError()
    remember(p)
    return 1


def kept_as_a_handle(int n, list handles):
    cdef char* p = <char*>malloc(n)
    if p == NULL:
        raise MemoryError()
    remember_handle(p, handles)
    return 1


def null_told_by_the_result(int n):
    cdef char* p = <char*>malloc(n)
    if fill_if_present(p, n) < 0:
        raise MemoryError()
    free(p)
