# The `.pxd` declares the class's `noexcept` methods: calls of them through an instance,
# `self` or the class (a static method) cannot raise.
from libc.stdlib cimport malloc, free


cdef class Acc:
    cdef double add(self, double x) noexcept:
        self.total += x
        return self.total

    @staticmethod
    cdef int helper(int x) noexcept:
        return x * 2

    def run(self, int n):
        cdef double* p = <double*>malloc(n * sizeof(double))
        if p == NULL:
            raise MemoryError()
        p[0] = self.add(1.0) + Acc.helper(3)
        free(p)


def through_instance(Acc acc, int n):
    cdef Acc other = Acc()
    cdef double* p = <double*>malloc(n * sizeof(double))
    if p == NULL:
        raise MemoryError()
    p[0] = acc.add(1.0) + other.add(2.0) + Acc.helper(1)
    free(p)
