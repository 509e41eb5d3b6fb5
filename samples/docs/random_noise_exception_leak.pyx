# Buggy variant of the docs example: the array is freed after the loop instead of in a
# `finally`, so it leaks whenever `ran(0, 1)` raises.
import random
from libc.stdlib cimport malloc, free

def random_noise(int number=1):
    cdef int i
    # allocate number * sizeof(double) bytes of memory
    cdef double *my_array = <double *> malloc(  # expect: CY008
        number * sizeof(double))
    if not my_array:
        raise MemoryError()

    ran = random.normalvariate
    for i in range(number):
        my_array[i] = ran(0, 1)

    result = [x for x in my_array[:number]]
    # return the previously allocated memory to the system
    free(my_array)
    return result
