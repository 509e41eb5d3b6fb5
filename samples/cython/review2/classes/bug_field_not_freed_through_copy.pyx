# __dealloc__ frees the struct through a local copy but forgets the nested block.
from libc.stdlib cimport malloc, free


cdef struct state_t:
    float* hist
    float* bins


cdef class Tracker:
    cdef state_t* st

    def __cinit__(self, int nbins):
        self.st = <state_t*>malloc(sizeof(state_t))
        if self.st == NULL:
            raise MemoryError()
        self.st.bins = NULL
        self.st.hist = <float*>malloc(nbins * sizeof(float))  # expect: CY004
        if self.st.hist == NULL:
            free(self.st)
            self.st = NULL
            raise MemoryError()

    def __dealloc__(self):
        cdef state_t* s = self.st
        if s == NULL:
            return
        free(s.bins)
        free(s)
