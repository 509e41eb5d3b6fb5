# Included by own_pxi_helper_bug.pyx, whose cimports it uses: a helper that raises
# MemoryError rather than return NULL.
cdef char* checked_alloc(size_t n) except NULL:
    cdef char* p = <char*> malloc(n + 1)
    if p == NULL:
        raise MemoryError()
    return p
