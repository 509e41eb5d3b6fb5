# `except T as e:` catches exactly what `except T:` does; the name only binds the
# exception.
from libc.stdlib cimport malloc, free


def frees_and_reraises(obj, int n):
    cdef char* p = <char*>malloc(n)
    if p == NULL:
        raise MemoryError()
    try:
        obj.write(b'x')
    except BaseException as e:
        free(p)
        raise
    free(p)


def wraps_the_error(obj, int n):
    cdef char* p = <char*>malloc(n)
    if p == NULL:
        raise MemoryError()
    try:
        obj.process()
    except Exception as e:
        free(p)
        raise ValueError("process failed") from e
    free(p)


def tuple_of_classes(obj, int n):
    cdef char* p = <char*>malloc(n)
    if p == NULL:
        raise MemoryError()
    try:
        obj.process()
    except (KeyError, Exception) as e:
        free(p)
        return str(e)
    free(p)
    return None


def narrow_then_wide(obj, int n):
    cdef char* p = <char*>malloc(n)
    if p == NULL:
        raise MemoryError()
    try:
        obj.process()
    except ValueError as e:
        pass
    except BaseException as e:
        free(p)
        raise
    free(p)
