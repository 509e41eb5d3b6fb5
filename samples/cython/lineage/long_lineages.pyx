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
    free(p)

def grow_in_loop(int n):
    cdef int* tmp
    cdef int* p = <int*>malloc(8)
    if p == NULL:
        raise MemoryError()
    for j in range(n):
        if j > 0:
            tmp = <int*>realloc(p, 16)
            if tmp == NULL:
                free(p)
                raise MemoryError()
            p = tmp
        if j > 1:
            tmp = <int*>realloc(p, 17)
            if tmp == NULL:
                free(p)
                raise MemoryError()
            p = tmp
        if j > 2:
            tmp = <int*>realloc(p, 18)
            if tmp == NULL:
                free(p)
                raise MemoryError()
            p = tmp
        if j > 3:
            tmp = <int*>realloc(p, 19)
            if tmp == NULL:
                free(p)
                raise MemoryError()
            p = tmp
        if j > 4:
            tmp = <int*>realloc(p, 20)
            if tmp == NULL:
                free(p)
                raise MemoryError()
            p = tmp
        if j > 5:
            tmp = <int*>realloc(p, 21)
            if tmp == NULL:
                free(p)
                raise MemoryError()
            p = tmp
        if j > 6:
            tmp = <int*>realloc(p, 22)
            if tmp == NULL:
                free(p)
                raise MemoryError()
            p = tmp
        if j > 7:
            tmp = <int*>realloc(p, 23)
            if tmp == NULL:
                free(p)
                raise MemoryError()
            p = tmp
        if j > 8:
            tmp = <int*>realloc(p, 24)
            if tmp == NULL:
                free(p)
                raise MemoryError()
            p = tmp
        if j > 9:
            tmp = <int*>realloc(p, 25)
            if tmp == NULL:
                free(p)
                raise MemoryError()
            p = tmp
        if j > 10:
            tmp = <int*>realloc(p, 26)
            if tmp == NULL:
                free(p)
                raise MemoryError()
            p = tmp
        if j > 11:
            tmp = <int*>realloc(p, 27)
            if tmp == NULL:
                free(p)
                raise MemoryError()
            p = tmp
        if j > 12:
            tmp = <int*>realloc(p, 28)
            if tmp == NULL:
                free(p)
                raise MemoryError()
            p = tmp
        if j > 13:
            tmp = <int*>realloc(p, 29)
            if tmp == NULL:
                free(p)
                raise MemoryError()
            p = tmp
        if j > 14:
            tmp = <int*>realloc(p, 30)
            if tmp == NULL:
                free(p)
                raise MemoryError()
            p = tmp
        if j > 15:
            tmp = <int*>realloc(p, 31)
            if tmp == NULL:
                free(p)
                raise MemoryError()
            p = tmp
        if j > 16:
            tmp = <int*>realloc(p, 32)
            if tmp == NULL:
                free(p)
                raise MemoryError()
            p = tmp
        if j > 17:
            tmp = <int*>realloc(p, 33)
            if tmp == NULL:
                free(p)
                raise MemoryError()
            p = tmp
        if j > 18:
            p = <int*>realloc(p, 34)  # expect: CY003
        if j > 19:
            p = <int*>realloc(p, 35)  # expect: CY003
        if j > 20:
            p = <int*>realloc(p, 36)  # expect: CY003
    free(p)

def store_before_check(int n):
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
        p = tmp  # expect: CY003
        if p == NULL:
            raise MemoryError()
    if n > 19:
        tmp = <int*>realloc(p, 35)
        p = tmp  # expect: CY003
        if p == NULL:
            raise MemoryError()
    if n > 20:
        tmp = <int*>realloc(p, 36)
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
    free(p)  # expect: CY002

