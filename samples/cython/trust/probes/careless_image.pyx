from libc.stdlib cimport malloc, free
from libc.string cimport memset

cdef class Image:
    cdef unsigned char* pixels
    cdef unsigned char* row
    cdef int width, height
    cdef int format

    def __cinit__(self, int width, int height, int format):
        self.width = width
        self.height = height
        self.format = format
        if format == 3:
            self.pixels = <unsigned char*>malloc(width * height * 3)  # expect: CY001
        else:
            self.pixels = <unsigned char*>malloc(width * height * 4)  # expect: CY001
        memset(self.pixels, 0, width * height)
        self.row = self.pixels

    def next_row(self):
        self.row = self.row + self.width

    def __dealloc__(self):
        # Not reported (a known miss): a format other than 3 or 4 leaks, but the flag's
        # value comes from a parameter, and a guard on an unknown value is trusted.
        if self.format == 3 or self.format == 4:
            free(self.pixels)
