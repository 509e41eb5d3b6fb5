# distutils: language = c++
# A C++ buffer made with new that __dealloc__ forgets, and a temporary deleted twice.
from libcpp.vector cimport vector

cdef class Samples:
    cdef vector[double]* values
    cdef vector[int]* counts

    def __cinit__(self):
        self.values = new vector[double]()
        self.counts = new vector[int]()  # expect: CY004

    def __dealloc__(self):
        del self.values

def histogram(list xs):
    cdef vector[int]* bins = new vector[int](10)
    for x in xs:
        bins[0][int(x) % 10] += 1
    result = [bins.at(i) for i in range(10)]
    del bins
    if not result:
        del bins  # expect: CY005
    return result
