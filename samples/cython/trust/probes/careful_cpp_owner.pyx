# distutils: language = c++
# An extension type owning a C++ object made with new and deleted in __dealloc__; a
# second one that borrows it.
from libcpp.vector cimport vector

cdef class Samples:
    cdef vector[double]* values

    def __cinit__(self):
        self.values = new vector[double]()

    def add(self, double x):
        self.values.push_back(x)

    def mean(self):
        cdef double total = 0
        cdef size_t i
        if self.values.size() == 0:
            return 0.0
        for i in range(self.values.size()):
            total += self.values.at(i)
        return total / self.values.size()

    def __dealloc__(self):
        del self.values

cdef class Window:
    cdef vector[double]* source
    cdef Samples owner

    def __cinit__(self, Samples owner):
        self.owner = owner
        self.source = owner.values

    def first(self):
        return self.source.at(0)
