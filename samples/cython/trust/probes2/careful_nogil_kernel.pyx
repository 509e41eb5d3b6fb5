# cython: boundscheck=False
from libc.stdlib cimport malloc, free, calloc
from libc.string cimport memcpy, memset

cdef int smooth_rows(double* data, Py_ssize_t rows, Py_ssize_t cols) noexcept nogil:
    cdef double* scratch = <double*>malloc(cols * sizeof(double))
    cdef Py_ssize_t i, j
    if scratch == NULL:
        return -1
    for i in range(rows):
        memcpy(scratch, &data[i * cols], cols * sizeof(double))
        for j in range(1, cols - 1):
            data[i * cols + j] = (scratch[j - 1] + scratch[j] + scratch[j + 1]) / 3.0
    free(scratch)
    return 0


def smooth(double[:, ::1] image):
    cdef int rc
    with nogil:
        rc = smooth_rows(&image[0, 0], image.shape[0], image.shape[1])
    if rc != 0:
        raise MemoryError()


cdef Py_ssize_t* histogram(const unsigned char* pixels, Py_ssize_t n) noexcept nogil:
    cdef Py_ssize_t* counts = <Py_ssize_t*>calloc(256, sizeof(Py_ssize_t))
    cdef Py_ssize_t i
    if counts == NULL:
        return NULL
    for i in range(n):
        counts[pixels[i]] += 1
    return counts


def hist(const unsigned char[::1] pixels):
    cdef Py_ssize_t* counts
    cdef Py_ssize_t i
    with nogil:
        counts = histogram(&pixels[0], pixels.shape[0])
    if counts == NULL:
        raise MemoryError()
    try:
        return [counts[i] for i in range(256)]
    finally:
        free(counts)
