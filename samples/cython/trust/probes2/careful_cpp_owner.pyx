# distutils: language = c++
from libcpp.vector cimport vector
from libcpp.memory cimport unique_ptr

cdef cppclass Grid:
    vector[double] cells
    int w, h

cdef class PyGrid:
    cdef Grid* grid

    def __cinit__(self, int w, int h):
        self.grid = new Grid()
        self.grid.w = w
        self.grid.h = h
        self.grid.cells.resize(w * h)

    def __dealloc__(self):
        del self.grid

def temp_grid(int w, int h):
    cdef unique_ptr[Grid] g = unique_ptr[Grid](new Grid())
    g.get().w = w
    return g.get().w
