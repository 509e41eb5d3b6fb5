# distutils: language = c++
# A C++ function taking the tested local by reference may change it between the tests:
# they are not related, and the double free is found.
from libc.stdlib cimport malloc, free

cdef extern from *:
    """
    static void refresh(bool& flag) { flag = !flag; }
    """
    void refresh(bint& flag)


def changed_through_a_reference(int n, bint c):
    cdef int* p = <int*>malloc(n * sizeof(int))  # expect: CY007
    if p == NULL:
        raise MemoryError()
    if c:
        free(p)
    refresh(c)
    if not c:
        free(p)  # expect: CY005
