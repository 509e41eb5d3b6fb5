# __dealloc__ copies self.st into a local and frees the nested block through it.
from libc.stdlib cimport malloc, free


cdef struct state_t:
    float* hist
    int nbins


cdef class Tracker:
    cdef state_t* st

    def __cinit__(self, int nbins):
        self.st = <state_t*>malloc(sizeof(state_t))
        if self.st == NULL:
            raise MemoryError()
        self.st.nbins = nbins
        self.st.hist = <float*>malloc(nbins * sizeof(float))
        if self.st.hist == NULL:
            free(self.st)
            self.st = NULL
            raise MemoryError()

    def __dealloc__(self):
        cdef state_t* s = self.st
        if s == NULL:
            return
        with nogil:
            free(s.hist)
            free(<void*>s)
