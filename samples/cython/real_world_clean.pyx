# Shapes from real code that a naive checker would flag, all correct.
from libc.stdlib cimport malloc, free
from libc.string cimport memcpy
from cpython.exc cimport PyErr_NoMemory
from cython.parallel cimport prange

cdef struct Node:
    int value
    Node* next


cdef int* halving_retry(size_t n) nogil:
    cdef int* p
    while True:
        p = <int*> malloc(n * sizeof(int))
        if p != NULL:
            break
        n //= 2
    p[0] = 0
    return p


cdef int rows_of_rows(int n, int m) except -1:
    cdef int** rows = <int**> malloc(n * sizeof(int*))
    cdef int i, j
    if rows == NULL:
        raise MemoryError()
    for i in range(n):
        rows[i] = <int*> malloc(m * sizeof(int))
        if rows[i] == NULL:
            for j in range(i):
                free(rows[j])
            free(rows)
            raise MemoryError()
        for j in range(m):
            rows[i][j] = 0
    for i in range(n):
        free(rows[i])
    free(rows)
    return 0


cdef Node* push(Node* head, int value) except NULL:
    cdef Node* node = <Node*> malloc(sizeof(Node))
    if node is NULL:
        PyErr_NoMemory()
    node.value = value
    node.next = head
    return node


def parallel_fill(int n):
    cdef int* p = <int*> malloc(n * sizeof(int))
    cdef int i
    if not p:
        raise MemoryError
    with nogil:
        for i in prange(n):
            p[i] = i
    free(p)


def copy_bytes(bytes data):
    cdef Py_ssize_t n = len(data)
    cdef char* buf = <char*> malloc(n + 1)
    if buf == NULL or n < 0:
        free(buf)
        raise MemoryError()
    memcpy(buf, <char*> data, n)
    buf[n] = 0
    free(buf)


def offset_pointer(int n):
    cdef double* base = <double*> malloc(n * sizeof(double))
    if <void*> base == NULL:
        raise MemoryError()
    cdef double* second = base + 1
    second[0] = 1
    free(base)


def checked_in_the_condition(int n):
    cdef int* p = <int*> malloc(n * sizeof(int))
    if p == NULL or p[0] == 0:
        pass
    free(p)


def checked_in_try(int n):
    cdef int* p = NULL
    try:
        p = <int*> malloc(n * sizeof(int))
        if p == NULL:
            raise MemoryError()
        p[0] = 1
    except MemoryError:
        return None
    finally:
        free(p)
    return 1
