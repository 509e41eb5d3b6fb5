# distutils: language = c++
cdef cppclass Solver:
    int iterations

def solve(int n):
    cdef Solver* s = new Solver()
    cdef Solver* alias = s
    s.iterations = n
    del s
    r = n
    # The planted bug: CY005
    del alias  # expect: CY005
    return r
