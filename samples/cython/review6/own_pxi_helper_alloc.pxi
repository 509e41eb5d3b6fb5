# Included by own_pxi_helper.pyx, whose cimports it uses: a helper that hands back a
# fresh block or NULL.
cdef int* new_counts(size_t n) noexcept:
    return <int*> PyMem_Malloc(n * sizeof(int))
