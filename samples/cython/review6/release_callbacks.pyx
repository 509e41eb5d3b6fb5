# The clean twin of release_callbacks_bug.pyx: each capsule destructor and array callback
# releases the block with its own family's function, or its family is not certain.
from cython cimport view
from cpython.mem cimport PyMem_Malloc, PyMem_Free
from cpython.pycapsule cimport PyCapsule_New, PyCapsule_GetPointer, PyCapsule_GetContext
from libc.stdlib cimport malloc, free


cdef void free_capsule(object capsule) noexcept:
    free(PyCapsule_GetPointer(capsule, b"buffer"))


cdef void pymem_free_capsule(object capsule) noexcept:
    cdef void* data = PyCapsule_GetPointer(capsule, NULL)
    if data != NULL:
        PyMem_Free(data)


# Which function releases the pointer depends on the capsule's context.
cdef void either_capsule(object capsule) noexcept:
    cdef void* data = PyCapsule_GetPointer(capsule, NULL)
    if PyCapsule_GetContext(capsule) != NULL:
        PyMem_Free(data)
    else:
        free(data)


cdef void release_pymem(void* data) noexcept:
    PyMem_Free(data)


cdef void capsule_through_helper(object capsule) noexcept:
    release_pymem(PyCapsule_GetPointer(capsule, NULL))


def malloc_capsule(size_t n):
    cdef void* p = malloc(n)
    if p == NULL:
        raise MemoryError()
    return PyCapsule_New(p, b"buffer", free_capsule)


def pymem_capsule(size_t n):
    cdef void* p = PyMem_Malloc(n)
    if p == NULL:
        raise MemoryError()
    return PyCapsule_New(p, NULL, pymem_free_capsule)


def pymem_capsule_helper(size_t n):
    cdef char* p = <char*>PyMem_Malloc(n)
    if p == NULL:
        raise MemoryError()
    capsule = PyCapsule_New(<void*>p, NULL, capsule_through_helper)
    return capsule


def either_family_capsule(size_t n):
    cdef void* p = PyMem_Malloc(n)
    if p == NULL:
        raise MemoryError()
    return PyCapsule_New(p, NULL, either_capsule)


def malloc_array(Py_ssize_t n):
    cdef double* p = <double*>malloc(n * sizeof(double))
    if p == NULL:
        raise MemoryError()
    cdef view.array arr = view.array(shape=(n,), itemsize=sizeof(double), format="d", mode="c", allocate_buffer=False)
    arr.data = <char*>p
    arr.callback_free_data = free
    return arr


def pymem_array(Py_ssize_t n):
    cdef double* p = <double*>PyMem_Malloc(n * sizeof(double))
    if p == NULL:
        raise MemoryError()
    cdef view.array arr = view.array(shape=(n,), itemsize=sizeof(double), format="d", mode="c", allocate_buffer=False)
    arr.data = <char*>p
    arr.callback_free_data = release_pymem
    return arr


def pymem_array_direct(Py_ssize_t n):
    cdef double* p = <double*>PyMem_Malloc(n * sizeof(double))
    if p == NULL:
        raise MemoryError()
    cdef view.array arr = view.array(shape=(n,), itemsize=sizeof(double), format="d", mode="c", allocate_buffer=False)
    arr.data = <char*>p
    arr.callback_free_data = PyMem_Free
    return arr
