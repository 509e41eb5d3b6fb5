from libc.stdlib cimport malloc, free
from libc.string cimport memcpy

cdef int blur(float* img, Py_ssize_t n) noexcept nogil:
    cdef float* tmp = <float*>malloc(n * sizeof(float))  # expect: CY001
    cdef Py_ssize_t i
    # The planted bug: CY001 (no check)
    memcpy(tmp, img, n * sizeof(float))
    for i in range(1, n - 1):
        img[i] = (tmp[i - 1] + tmp[i] + tmp[i + 1]) / 3
    free(tmp)
    return 0
