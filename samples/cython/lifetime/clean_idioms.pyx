# distutils: language = c++
# Shapes a naive lifetime checker flags, all correct: no CY005, CY006 or CY007 here.
from libc.stdlib cimport malloc, free
from cpython.mem cimport PyMem_Malloc, PyMem_Free
from cpython.pycapsule cimport PyCapsule_New, PyCapsule_GetPointer
from libcpp.vector cimport vector

cdef struct Node:
    int value
    Node* next

cdef struct Context:
    char* buf
    int size


def released_in_finally(int n, f):
    cdef char* p = <char*>malloc(n)
    if p == NULL:
        raise MemoryError()
    try:
        p[0] = 1
        return f(n)
    finally:
        free(p)


cdef class Owner:
    cdef char* data

    def __dealloc__(self):
        free(self.data)


def handed_to_an_object_whose_dealloc_frees(int n):
    cdef Owner owner = Owner()
    cdef char* p = <char*>malloc(n)
    if p == NULL:
        raise MemoryError()
    owner.data = p
    return owner


cdef Context* context_new(int n) except NULL:
    cdef Context* ctx = <Context*>malloc(sizeof(Context))
    if ctx == NULL:
        raise MemoryError()
    ctx.buf = NULL
    return ctx


cdef void context_free(Context* ctx) noexcept:
    free(ctx.buf)
    free(ctx)


def ownership_handed_to_a_struct(int n):
    cdef Context* ctx = context_new(n)
    cdef char* buf = <char*>malloc(n)
    if buf == NULL:
        context_free(ctx)
        raise MemoryError()
    ctx.buf = buf
    ctx.size = n
    context_free(ctx)


cdef void capsule_destructor(object capsule) noexcept:
    free(PyCapsule_GetPointer(capsule, "buffer"))


def capsule_with_a_destructor(int n):
    cdef char* p = <char*>malloc(n)
    if p == NULL:
        raise MemoryError()
    return PyCapsule_New(p, "buffer", capsule_destructor)


def freed_in_except_then_raised(int n, f):
    cdef double* p = <double*>PyMem_Malloc(n * sizeof(double))
    if not p:
        raise MemoryError()
    try:
        p[0] = f(n)
    except:
        PyMem_Free(p)
        raise
    result = p[0]
    PyMem_Free(p)
    return result


def ownership_flag(int n, bint owns):
    cdef char* p
    if owns:
        p = <char*>malloc(n)
        if p == NULL:
            raise MemoryError()
    else:
        p = NULL
    if owns:
        free(p)


def array_of_pointers_freed_in_a_loop(int n):
    cdef char** rows = <char**>malloc(n * sizeof(char*))
    cdef int i
    if rows == NULL:
        raise MemoryError()
    for i in range(n):
        rows[i] = <char*>malloc(16)
    for i in range(n):
        free(rows[i])
    free(rows)


cdef void list_free(Node* head) noexcept:
    # Walking a list: `this` holds another node each turn, never a freed one.
    cdef Node* next
    cdef Node* this = head
    while this != NULL:
        next = this.next
        free(this)
        this = next


def freed_then_set_to_null(int n):
    cdef char* p = <char*>malloc(n)
    if p == NULL:
        raise MemoryError()
    free(p)
    p = NULL
    free(p)


def each_loop_turn_frees_its_own_block(int n):
    cdef char* p
    cdef int i
    for i in range(n):
        p = <char*>malloc(n)
        if p == NULL:
            raise MemoryError()
        p[0] = 0
        free(p)


def two_allocations_released_on_failure(int n):
    cdef char* a = <char*>malloc(n)
    cdef char* b = <char*>malloc(n)
    if a == NULL or b == NULL:
        free(a)
        free(b)
        raise MemoryError()
    a[0] = b[0]
    free(a)
    free(b)


cdef class Stream:
    cdef char* buf

    def __cinit__(self, int n):
        self.buf = <char*>malloc(n)
        if self.buf == NULL:
            raise MemoryError()

    def close(self):
        if self.buf != NULL:
            free(self.buf)
            self.buf = NULL

    def read(self):
        if self.buf == NULL:
            raise ValueError("closed")
        return self.buf[0]

    def __dealloc__(self):
        free(self.buf)


cdef class Flagged:
    cdef char* buf
    cdef bint closed

    def __cinit__(self, int n):
        self.buf = <char*>malloc(n)
        if self.buf == NULL:
            raise MemoryError()

    def close(self):
        free(self.buf)
        self.closed = True

    def __dealloc__(self):
        if not self.closed:
            free(self.buf)


cdef void list_free_trailing(Node* head) noexcept:
    cdef Node* this = head
    cdef Node* last
    while this != NULL:
        last = this
        this = this.next
        free(last)


def compared_before_the_second_release(int n, bint swap):
    cdef char* orig = <char*>malloc(n)
    if orig == NULL:
        raise MemoryError()
    cdef char* p = orig
    if swap:
        p = <char*>malloc(n)
    if p != orig:
        free(p)
    free(orig)


def inferred_cpp_pointer_deleted():
    # Cython infers `v` is a pointer from `new`: `del v` deletes the block.
    v = new vector[int]()
    v.push_back(1)
    del v
