# A block released on some paths only: whether a place may dangle is a property of the
# place on each path (freed and set to NULL is NULL), while the block stays owned on the
# paths that did not free it.
from libc.stdlib cimport malloc, free


def freed_and_reset_on_one_branch(int n, bint c):
    cdef char* p = <char*>malloc(n)
    if p == NULL:
        raise MemoryError()
    if c:
        free(p)
        p = NULL
    if p != NULL:
        p[0] = 1
    free(p)


def freed_and_reset_before_break(int n):
    cdef char* p = <char*>malloc(n)
    cdef int i
    if p == NULL:
        raise MemoryError()
    for i in range(n):
        if i == 3:
            free(p)
            p = NULL
            break
    free(p)


def buffer_dropped_and_remade_in_a_loop(int n):
    cdef char* buf = NULL
    cdef int i
    for i in range(n):
        if buf == NULL:
            buf = <char*>malloc(16)
            if buf == NULL:
                raise MemoryError()
        buf[0] = 1
        if i % 4 == 3:
            free(buf)
            buf = NULL
    free(buf)


def conditional_swap(int n, bint k):
    cdef char* a = <char*>malloc(n)
    cdef char* b = <char*>malloc(n)
    cdef char* t
    if a == NULL or b == NULL:
        free(a)
        free(b)
        raise MemoryError()
    if k:
        t = a
        a = b
        b = t
    free(a)
    free(b)


def freed_on_one_branch_only(int n, bint c):
    cdef char* p = <char*>malloc(n)  # expect: CY007
    if p == NULL:
        raise MemoryError()
    p[0] = 1
    if c:
        free(p)


def continue_skips_the_release(int n):
    cdef char* p
    cdef int i
    for i in range(n):
        p = <char*>malloc(16)  # expect: CY007
        if p == NULL:
            raise MemoryError()
        if i % 2:
            continue
        free(p)


def break_skips_the_release(int n):
    cdef char* p
    cdef int i
    for i in range(n):
        p = <char*>malloc(16)  # expect: CY007
        if p == NULL:
            raise MemoryError()
        if i == 5:
            break
        free(p)


def freed_on_one_branch_then_again(int n, bint c):
    cdef char* p = <char*>malloc(n)
    if p == NULL:
        raise MemoryError()
    if c:
        free(p)
    free(p)  # expect: CY005


cdef struct Node:
    int v
    Node* next


cdef class IntList:
    # remove_first() frees a node found by walking the list: the head only when it unlinked
    # it first, so the attribute never dangles.
    cdef Node* head

    def push(self, int v):
        cdef Node* n = <Node*>malloc(sizeof(Node))
        if n == NULL:
            raise MemoryError()
        n.v = v
        n.next = self.head
        self.head = n

    def remove_first(self, int v):
        cdef Node* prev = NULL
        cdef Node* cur = self.head
        while cur != NULL:
            if cur.v == v:
                if prev == NULL:
                    self.head = cur.next
                else:
                    prev.next = cur.next
                free(cur)
                return True
            prev = cur
            cur = cur.next
        return False

    def __dealloc__(self):
        cdef Node* nxt
        while self.head != NULL:
            nxt = self.head.next
            free(self.head)
            self.head = nxt


def freed_early_under_a_flag(int n, bint early):
    cdef char* p = <char*>malloc(n)
    if p == NULL:
        raise MemoryError()
    p[0] = 1
    cdef bint done = False
    if early:
        free(p)
        done = True
    if not done:
        p[0] = 2
        free(p)


def flag_set_before_the_release(int n):
    cdef char* p = <char*>malloc(n)
    if p == NULL:
        raise MemoryError()
    cdef bint done = False
    free(p)
    if not done:
        free(p)  # expect: CY005


def flag_never_tested(int n, bint early):
    cdef char* p = <char*>malloc(n)  # expect: CY007
    if p == NULL:
        raise MemoryError()
    cdef bint done = False
    if early:
        free(p)
        done = True
    if done:
        print("released")
