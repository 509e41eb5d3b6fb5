# Buggy variant of the docs example: without the `try`/`finally`, the array is never
# returned to the system.
import random
from cython.cimports.libc.stdlib import malloc, free

def random_noise(number: cython.int = 1):
    i: cython.int
    # allocate number * sizeof(double) bytes of memory
    my_array: cython.p_double = cython.cast(cython.p_double, malloc(  # expect: CY007, CY008
        number * cython.sizeof(cython.double)))
    if not my_array:
        raise MemoryError()

    ran = random.normalvariate
    for i in range(number):
        my_array[i] = ran(0, 1)

    return [x for x in my_array[:number]]
