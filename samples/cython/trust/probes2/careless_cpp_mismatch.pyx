# distutils: language = c++
from libc.stdlib cimport free

cdef cppclass Counter:
    int n

def count(int k):
    cdef Counter* c = new Counter()
    c.n = k
    result = c.n
    # The planted bug: CY002 (new, free)
    free(c)  # expect: CY002
    return result
