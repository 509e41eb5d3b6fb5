from libc.stdlib cimport malloc, free

cdef class View:
    cdef char* data
    cdef bint owner

    def __cinit__(self):
        self.data = NULL
        self.owner = False

    @staticmethod
    cdef View wrap(char* external):
        cdef View v = View.__new__(View)
        v.data = external
        v.owner = False
        return v

    @staticmethod
    def create(size_t n):
        cdef View v = View.__new__(View)
        v.data = <char*>malloc(n)
        if v.data == NULL:
            raise MemoryError()
        v.owner = True
        return v

    def __dealloc__(self):
        if self.owner:
            free(self.data)
