# Buggy variant of the docs example: the result is built after the `finally` has freed
# the array.
import random
from cython.cimports.libc.stdlib import malloc, free

def random_noise(number: cython.int = 1):
    i: cython.int
    # allocate number * sizeof(double) bytes of memory
    my_array: cython.p_double = cython.cast(cython.p_double, malloc(
        number * cython.sizeof(cython.double)))
    if not my_array:
        raise MemoryError()

    try:
        ran = random.normalvariate
        for i in range(number):
            my_array[i] = ran(0, 1)
    finally:
        # return the previously allocated memory to the system
        free(my_array)
    return [x for x in my_array[:number]]  # expect: CY006
