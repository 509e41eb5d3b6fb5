# Clean twins of copies_and_walks_bug.pyx: a cast of a C string to a Python type copies
# it (freeing the string after leaves the object whole), `address(p)` is `&p` for an
# out-parameter allocator, a list walk saves the next node before freeing, and a call
# inside `with gil:` that may raise finds the block freed on its way out.
from libc.stdlib cimport malloc, free
from cython.operator cimport address
cimport cython

cdef extern from "stdlib.h":
    int posix_memalign(void** memptr, size_t alignment, size_t size) nogil

cdef struct Node:
    int v
    Node* next


def bytes_copy():
    cdef char* s = <char*>malloc(4)
    if s == NULL:
        raise MemoryError()
    s[0] = 0
    r = <bytes>s
    free(s)
    return r


def object_copy_of_a_cast():
    cdef void* v = malloc(4)
    if v == NULL:
        raise MemoryError()
    (<char*>v)[0] = 0
    r = <object>(<char*>v) + b"!"
    free(v)
    print(r)


def aligned(size_t n):
    cdef void* mem = NULL
    if posix_memalign(address(mem), 64, n + 8) != 0:
        raise MemoryError()
    (<char*>mem)[0] = 0
    free(mem)


def aligned_pure(size_t n):
    cdef void* mem = NULL
    if posix_memalign(cython.address(mem), 64, n + 8) != 0:
        raise MemoryError()
    (<char*>mem)[0] = 0
    free(mem)


cdef void drop_all(Node* head) noexcept:
    cdef Node* cur = head
    cdef Node* nxt
    while cur != NULL:
        nxt = cur.next
        free(cur)
        cur = nxt


cdef int run(object cb) except -1 nogil:
    cdef char* tmp = <char*>malloc(8)
    if tmp == NULL:
        return -1
    try:
        with gil:
            cb()
    finally:
        free(tmp)
    return 0
