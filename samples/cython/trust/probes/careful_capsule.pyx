# Blocks handed to Python through capsules: the capsule's destructor frees them, so the
# function that makes one gives its block away.
from cpython.pycapsule cimport PyCapsule_New, PyCapsule_GetPointer
from libc.stdlib cimport malloc, free

cdef struct Config:
    int level
    double threshold

cdef void free_config(object capsule) noexcept:
    cdef void* pointer = PyCapsule_GetPointer(capsule, b"Config")
    free(pointer)

def make_config(int level, double threshold):
    cdef Config* config = <Config*>malloc(sizeof(Config))
    if config == NULL:
        raise MemoryError()
    config.level = level
    config.threshold = threshold
    return PyCapsule_New(config, b"Config", free_config)

def config_level(object capsule):
    cdef Config* config = <Config*>PyCapsule_GetPointer(capsule, b"Config")
    return config.level
