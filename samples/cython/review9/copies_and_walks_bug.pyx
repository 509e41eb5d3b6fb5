# Reading a C string after it was freed, even to copy it, reads freed memory; a list walk
# that frees a node before reading its `next`; a call inside `with gil:` in a `nogil`
# function can raise as anywhere, and the block is not freed on that path.
from libc.stdlib cimport malloc, free

cdef struct Node:
    int v
    Node* next


def bytes_copy_too_late():
    cdef char* s = <char*>malloc(4)
    if s == NULL:
        raise MemoryError()
    s[0] = 0
    free(s)
    r = <bytes>s  # expect: CY006
    return r


cdef void drop_all(Node* head) noexcept:
    cdef Node* cur = head
    while cur != NULL:
        free(cur)
        cur = cur.next  # expect: CY006


cdef int run(object cb) except -1 nogil:
    cdef char* tmp = <char*>malloc(8)  # expect: CY008
    if tmp == NULL:
        return -1
    with gil:
        cb()
    free(tmp)
    return 0
