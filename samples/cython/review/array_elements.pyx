# Elements with different constant indices are different places; `a[i]` may be any.
from libc.stdlib cimport malloc, free
from cpython.mem cimport PyMem_Malloc, PyMem_Free


def two_families_two_slots(int n):
    cdef void* arr[2]
    arr[0] = malloc(n)
    arr[1] = PyMem_Malloc(n)
    free(arr[0])
    PyMem_Free(arr[1])


def slots_swapped(int n):
    cdef void* arr[2]
    arr[0] = malloc(n)
    arr[1] = PyMem_Malloc(n)
    PyMem_Free(arr[0])  # expect: CY002
    free(arr[1])  # expect: CY002


def any_slot_released(int n, int i):
    cdef void* arr[2]
    arr[0] = PyMem_Malloc(n)
    arr[1] = PyMem_Malloc(n)
    free(arr[i])  # expect: CY002


def filled_in_a_loop(int n):
    cdef int* rows[4]
    for i in range(4):
        rows[i] = <int*>malloc(n)  # expect: CY001
    rows[0][0] = 1
