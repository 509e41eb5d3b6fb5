# `copy_bytes` comes from this module's own `.pxd`: its block leaks on the early return
# and is released by another family.
from cpython.mem cimport PyMem_Free


def first_word(bytes b):
    cdef char* s = copy_bytes(b, len(b))  # expect: CY007
    if s == NULL:
        raise MemoryError()
    if len(b) > 3:
        return 0
    PyMem_Free(s)  # expect: CY002
