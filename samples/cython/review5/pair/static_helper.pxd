cdef class Acc:
    cdef double total
    cdef double add(self, double x) noexcept
    @staticmethod
    cdef int helper(int x) noexcept
