from cpython.mem cimport PyMem_Malloc, PyMem_Free

def run_workers(int n_workers, size_t size):
    cdef void** slots = <void**>PyMem_Malloc(n_workers * sizeof(void*))
    cdef int i
    if slots == NULL:
        raise MemoryError()
    for i in range(n_workers):
        slots[i] = PyMem_Malloc(size)
    for i in range(n_workers):
        if slots[i] == NULL:
            for i in range(n_workers):
                PyMem_Free(slots[i])
            PyMem_Free(slots)
            raise MemoryError()
    (<char*>slots[0])[0] = 0
    for i in range(n_workers):
        PyMem_Free(slots[i])
    PyMem_Free(slots)
