# Buggy variant of the docs example: without the `try`/`finally`, the array is never
# returned to the system.
import random
from libc.stdlib cimport malloc, free

def random_noise(int number=1):
    cdef int i
    # allocate number * sizeof(double) bytes of memory
    cdef double *my_array = <double *> malloc(  # expect: CY007, CY008
        number * sizeof(double))
    if not my_array:
        raise MemoryError()

    ran = random.normalvariate
    for i in range(number):
        my_array[i] = ran(0, 1)

    return [x for x in my_array[:number]]
