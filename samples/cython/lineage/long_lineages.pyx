# Long lineages of reallocations: more than 16 reallocations of one place, whose
# older addresses the analysis folds into one block. Each function reports what
# the same function with two reallocations reports (the analysis is exact up to 16).
from libc.stdlib cimport malloc, realloc, free
from cpython.mem cimport PyMem_Malloc, PyMem_Realloc, PyMem_Free

def grow_checked(int n):
    cdef int* tmp
    cdef int* p = <int*>malloc(8)
    if p == NULL:
        raise MemoryError()
    if n > 0:
        tmp = <int*>realloc(p, 16)
        if tmp == NULL:
            free(p)
            raise MemoryError()
        p = tmp
    if n > 1:
        tmp = <int*>realloc(p, 17)
        if tmp == NULL:
            free(p)
            raise MemoryError()
        p = tmp
    if n > 2:
        tmp = <int*>realloc(p, 18)
        if tmp == NULL:
            free(p)
            raise MemoryError()
        p = tmp
    if n > 3:
        tmp = <int*>realloc(p, 19)
        if tmp == NULL:
            free(p)
            raise MemoryError()
        p = tmp
    if n > 4:
        tmp = <int*>realloc(p, 20)
        if tmp == NULL:
            free(p)
            raise MemoryError()
        p = tmp
    if n > 5:
        tmp = <int*>realloc(p, 21)
        if tmp == NULL:
            free(p)
            raise MemoryError()
        p = tmp
    if n > 6:
        tmp = <int*>realloc(p, 22)
        if tmp == NULL:
            free(p)
            raise MemoryError()
        p = tmp
    if n > 7:
        tmp = <int*>realloc(p, 23)
        if tmp == NULL:
            free(p)
            raise MemoryError()
        p = tmp
    if n > 8:
        tmp = <int*>realloc(p, 24)
        if tmp == NULL:
            free(p)
            raise MemoryError()
        p = tmp
    if n > 9:
        tmp = <int*>realloc(p, 25)
        if tmp == NULL:
            free(p)
            raise MemoryError()
        p = tmp
    if n > 10:
        tmp = <int*>realloc(p, 26)
        if tmp == NULL:
            free(p)
            raise MemoryError()
        p = tmp
    if n > 11:
        tmp = <int*>realloc(p, 27)
        if tmp == NULL:
            free(p)
            raise MemoryError()
        p = tmp
    if n > 12:
        tmp = <int*>realloc(p, 28)
        if tmp == NULL:
            free(p)
            raise MemoryError()
        p = tmp
    if n > 13:
        tmp = <int*>realloc(p, 29)
        if tmp == NULL:
            free(p)
            raise MemoryError()
        p = tmp
    if n > 14:
        tmp = <int*>realloc(p, 30)
        if tmp == NULL:
            free(p)
            raise MemoryError()
        p = tmp
    if n > 15:
        tmp = <int*>realloc(p, 31)
        if tmp == NULL:
            free(p)
            raise MemoryError()
        p = tmp
    if n > 16:
        tmp = <int*>realloc(p, 32)
        if tmp == NULL:
            free(p)
            raise MemoryError()
        p = tmp
    if n > 17:
        tmp = <int*>realloc(p, 33)
        if tmp == NULL:
            free(p)
            raise MemoryError()
        p = tmp
    if n > 18:
        tmp = <int*>realloc(p, 34)
        if tmp == NULL:
            free(p)
            raise MemoryError()
        p = tmp
    if n > 19:
        tmp = <int*>realloc(p, 35)
        if tmp == NULL:
            free(p)
            raise MemoryError()
        p = tmp
    free(p)

def grow_in_loop(int n):
    cdef int* p = <int*>malloc(8)
    if p == NULL:
        raise MemoryError()
    for j in range(n):
        if j > 0:
            p = <int*>realloc(p, 16)  # expect: CY003
        if j > 1:
            p = <int*>realloc(p, 17)  # expect: CY003
        if j > 2:
            p = <int*>realloc(p, 18)  # expect: CY003
        if j > 3:
            p = <int*>realloc(p, 19)  # expect: CY003
        if j > 4:
            p = <int*>realloc(p, 20)  # expect: CY003
        if j > 5:
            p = <int*>realloc(p, 21)  # expect: CY003
        if j > 6:
            p = <int*>realloc(p, 22)  # expect: CY003
        if j > 7:
            p = <int*>realloc(p, 23)  # expect: CY003
        if j > 8:
            p = <int*>realloc(p, 24)  # expect: CY003
        if j > 9:
            p = <int*>realloc(p, 25)  # expect: CY003
        if j > 10:
            p = <int*>realloc(p, 26)  # expect: CY003
        if j > 11:
            p = <int*>realloc(p, 27)  # expect: CY003
        if j > 12:
            p = <int*>realloc(p, 28)  # expect: CY003
        if j > 13:
            p = <int*>realloc(p, 29)  # expect: CY003
        if j > 14:
            p = <int*>realloc(p, 30)  # expect: CY003
        if j > 15:
            p = <int*>realloc(p, 31)  # expect: CY003
        if j > 16:
            p = <int*>realloc(p, 32)  # expect: CY003
        if j > 17:
            p = <int*>realloc(p, 33)  # expect: CY003
        if j > 18:
            p = <int*>realloc(p, 34)  # expect: CY003
        if j > 19:
            p = <int*>realloc(p, 35)  # expect: CY003
    free(p)

def store_before_check(int n):
    cdef int* tmp
    cdef int* p = <int*>malloc(8)
    if p == NULL:
        raise MemoryError()
    if n > 0:
        tmp = <int*>realloc(p, 16)
        p = tmp  # expect: CY003
        if p == NULL:
            raise MemoryError()
    if n > 1:
        tmp = <int*>realloc(p, 17)
        p = tmp  # expect: CY003
        if p == NULL:
            raise MemoryError()
    if n > 2:
        tmp = <int*>realloc(p, 18)
        p = tmp  # expect: CY003
        if p == NULL:
            raise MemoryError()
    if n > 3:
        tmp = <int*>realloc(p, 19)
        p = tmp  # expect: CY003
        if p == NULL:
            raise MemoryError()
    if n > 4:
        tmp = <int*>realloc(p, 20)
        p = tmp  # expect: CY003
        if p == NULL:
            raise MemoryError()
    if n > 5:
        tmp = <int*>realloc(p, 21)
        p = tmp  # expect: CY003
        if p == NULL:
            raise MemoryError()
    if n > 6:
        tmp = <int*>realloc(p, 22)
        p = tmp  # expect: CY003
        if p == NULL:
            raise MemoryError()
    if n > 7:
        tmp = <int*>realloc(p, 23)
        p = tmp  # expect: CY003
        if p == NULL:
            raise MemoryError()
    if n > 8:
        tmp = <int*>realloc(p, 24)
        p = tmp  # expect: CY003
        if p == NULL:
            raise MemoryError()
    if n > 9:
        tmp = <int*>realloc(p, 25)
        p = tmp  # expect: CY003
        if p == NULL:
            raise MemoryError()
    if n > 10:
        tmp = <int*>realloc(p, 26)
        p = tmp  # expect: CY003
        if p == NULL:
            raise MemoryError()
    if n > 11:
        tmp = <int*>realloc(p, 27)
        p = tmp  # expect: CY003
        if p == NULL:
            raise MemoryError()
    if n > 12:
        tmp = <int*>realloc(p, 28)
        p = tmp  # expect: CY003
        if p == NULL:
            raise MemoryError()
    if n > 13:
        tmp = <int*>realloc(p, 29)
        p = tmp  # expect: CY003
        if p == NULL:
            raise MemoryError()
    if n > 14:
        tmp = <int*>realloc(p, 30)
        p = tmp  # expect: CY003
        if p == NULL:
            raise MemoryError()
    if n > 15:
        tmp = <int*>realloc(p, 31)
        p = tmp  # expect: CY003
        if p == NULL:
            raise MemoryError()
    if n > 16:
        tmp = <int*>realloc(p, 32)
        p = tmp  # expect: CY003
        if p == NULL:
            raise MemoryError()
    if n > 17:
        tmp = <int*>realloc(p, 33)
        p = tmp  # expect: CY003
        if p == NULL:
            raise MemoryError()
    if n > 18:
        tmp = <int*>realloc(p, 34)
        p = tmp  # expect: CY003
        if p == NULL:
            raise MemoryError()
    if n > 19:
        tmp = <int*>realloc(p, 35)
        p = tmp  # expect: CY003
        if p == NULL:
            raise MemoryError()
    free(p)

def wrong_family(int n):
    cdef int* tmp
    cdef int* p = <int*>PyMem_Malloc(8)
    if p == NULL:
        raise MemoryError()
    if n > 0:
        tmp = <int*>PyMem_Realloc(p, 16)
        if tmp == NULL:
            PyMem_Free(p)
            raise MemoryError()
        p = tmp
    if n > 1:
        tmp = <int*>PyMem_Realloc(p, 17)
        if tmp == NULL:
            PyMem_Free(p)
            raise MemoryError()
        p = tmp
    if n > 2:
        tmp = <int*>PyMem_Realloc(p, 18)
        if tmp == NULL:
            PyMem_Free(p)
            raise MemoryError()
        p = tmp
    if n > 3:
        tmp = <int*>PyMem_Realloc(p, 19)
        if tmp == NULL:
            PyMem_Free(p)
            raise MemoryError()
        p = tmp
    if n > 4:
        tmp = <int*>PyMem_Realloc(p, 20)
        if tmp == NULL:
            PyMem_Free(p)
            raise MemoryError()
        p = tmp
    if n > 5:
        tmp = <int*>PyMem_Realloc(p, 21)
        if tmp == NULL:
            PyMem_Free(p)
            raise MemoryError()
        p = tmp
    if n > 6:
        tmp = <int*>PyMem_Realloc(p, 22)
        if tmp == NULL:
            PyMem_Free(p)
            raise MemoryError()
        p = tmp
    if n > 7:
        tmp = <int*>PyMem_Realloc(p, 23)
        if tmp == NULL:
            PyMem_Free(p)
            raise MemoryError()
        p = tmp
    if n > 8:
        tmp = <int*>PyMem_Realloc(p, 24)
        if tmp == NULL:
            PyMem_Free(p)
            raise MemoryError()
        p = tmp
    if n > 9:
        tmp = <int*>PyMem_Realloc(p, 25)
        if tmp == NULL:
            PyMem_Free(p)
            raise MemoryError()
        p = tmp
    if n > 10:
        tmp = <int*>PyMem_Realloc(p, 26)
        if tmp == NULL:
            PyMem_Free(p)
            raise MemoryError()
        p = tmp
    if n > 11:
        tmp = <int*>PyMem_Realloc(p, 27)
        if tmp == NULL:
            PyMem_Free(p)
            raise MemoryError()
        p = tmp
    if n > 12:
        tmp = <int*>PyMem_Realloc(p, 28)
        if tmp == NULL:
            PyMem_Free(p)
            raise MemoryError()
        p = tmp
    if n > 13:
        tmp = <int*>PyMem_Realloc(p, 29)
        if tmp == NULL:
            PyMem_Free(p)
            raise MemoryError()
        p = tmp
    if n > 14:
        tmp = <int*>PyMem_Realloc(p, 30)
        if tmp == NULL:
            PyMem_Free(p)
            raise MemoryError()
        p = tmp
    if n > 15:
        tmp = <int*>PyMem_Realloc(p, 31)
        if tmp == NULL:
            PyMem_Free(p)
            raise MemoryError()
        p = tmp
    if n > 16:
        tmp = <int*>PyMem_Realloc(p, 32)
        if tmp == NULL:
            PyMem_Free(p)
            raise MemoryError()
        p = tmp
    if n > 17:
        tmp = <int*>PyMem_Realloc(p, 33)
        if tmp == NULL:
            PyMem_Free(p)
            raise MemoryError()
        p = tmp
    if n > 18:
        tmp = <int*>PyMem_Realloc(p, 34)
        if tmp == NULL:
            PyMem_Free(p)
            raise MemoryError()
        p = tmp
    if n > 19:
        tmp = <int*>PyMem_Realloc(p, 35)
        if tmp == NULL:
            PyMem_Free(p)
            raise MemoryError()
        p = tmp
    free(p)  # expect: CY002

