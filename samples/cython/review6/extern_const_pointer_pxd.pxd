# The externs of extern_const_pointer_pxd.pyx, declared in its .pxd: `step` reads its
# argument through a pointer to const data, `keep` may keep it.
cdef extern from *:
    """
    static int step(const double* p) { return p ? -1 : 0; }
    static int keep(double* p) { return p ? -1 : 0; }
    """
    int step(const double* p) nogil
    int keep(double* p) nogil
