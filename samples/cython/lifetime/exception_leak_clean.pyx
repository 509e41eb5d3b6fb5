# Shapes a naive exception-leak checker flags, all correct: no CY007 or CY008 here.
from libc.stdlib cimport malloc, free
from libc.string cimport memcpy, strlen
from cpython.mem cimport PyMem_Malloc, PyMem_Free
from cpython.pycapsule cimport PyCapsule_New, PyCapsule_GetPointer


def released_in_finally(int n, f):
    cdef char* p = <char*>malloc(n)
    if p == NULL:
        raise MemoryError()
    try:
        p[0] = f(n)
        return f(p[0])
    finally:
        free(p)


def released_in_except_then_reraised(int n, f):
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


def released_in_a_handler_that_returns(int n, f):
    cdef char* p = <char*>malloc(n)
    if p == NULL:
        raise MemoryError()
    try:
        p[0] = f(n)
    except Exception:
        free(p)
        return None
    free(p)
    return 0


cdef class Scratch:
    cdef char* buf

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        free(self.buf)
        self.buf = NULL

    def __dealloc__(self):
        free(self.buf)


def with_a_manager_whose_exit_releases(int n, f):
    cdef Scratch scratch = Scratch()
    cdef char* p = <char*>malloc(n)
    if p == NULL:
        raise MemoryError()
    scratch.buf = p
    with scratch:
        p[0] = f(n)


def no_call_can_raise_without_the_gil(int n):
    cdef char* p = <char*>malloc(n)
    if p == NULL:
        raise MemoryError()
    with nogil:
        p[0] = 0
        memcpy(p, p, strlen(p))
    free(p)


cdef void capsule_destructor(object capsule) noexcept:
    free(PyCapsule_GetPointer(capsule, "buffer"))


def handed_to_a_capsule_then_a_call(int n, f):
    cdef char* p = <char*>malloc(n)
    if p == NULL:
        raise MemoryError()
    capsule = PyCapsule_New(p, "buffer", capsule_destructor)
    f(capsule)
    return capsule


def flagged_ownership_released_in_finally(int n, bint owns, char* borrowed, f):
    cdef char* p
    if owns:
        p = <char*>malloc(n)
        if p == NULL:
            raise MemoryError()
    else:
        p = borrowed
    try:
        f(n)
    finally:
        if owns:
            free(p)


cdef int clamp(int n) noexcept:
    return n if n < 4096 else 4096


def only_operations_and_c_calls(int n, obj):
    cdef char* p = <char*>malloc(clamp(n))
    cdef int i
    if p == NULL:
        raise MemoryError()
    for i in range(min(n, len(obj))):
        p[i] = obj.fill + i
    free(p)


def rows_freed_in_a_loop_in_finally(int n, f):
    cdef char** rows = <char**>malloc(n * sizeof(char*))
    cdef int i
    if rows == NULL:
        raise MemoryError()
    for i in range(n):
        rows[i] = NULL
    try:
        for i in range(n):
            rows[i] = <char*>malloc(16)
            f(i)
    finally:
        for i in range(n):
            free(rows[i])
        free(rows)


def calls_before_the_allocation_and_after_the_release(int n, f):
    key = f(n)
    cdef char* p = <char*>malloc(n)
    if p == NULL:
        raise MemoryError()
    p[0] = 0
    free(p)
    return f(key)


# Minimized from the corpus: a cdef helper that returns a C value and holds no `raise`
# (Cython 3 lets exceptions through it, but it has none: yt's `contour_find`, Kivy's
# `_get_angle_diff`).
cdef double angle_between(double x, double y):
    return x * y


def calls_a_quiet_cdef_helper(int n):
    cdef double* p = <double*>malloc(n * sizeof(double))
    if p == NULL:
        raise MemoryError()
    p[0] = angle_between(1.0, 2.0)
    free(p)


cdef class Owner:
    cdef char* data

    def __dealloc__(self):
        free(self.data)


def handed_to_an_object_whose_dealloc_frees_then_a_call(int n, f):
    cdef Owner owner = Owner()
    cdef char* p = <char*>malloc(n)
    if p == NULL:
        raise MemoryError()
    owner.data = p
    f(owner)
    return owner


cdef struct Context:
    char* buf
    int size


cdef void context_free(Context* ctx) noexcept:
    free(ctx.buf)
    free(ctx)


def handed_to_a_struct_that_a_later_call_frees(int n, f):
    cdef Context* ctx = <Context*>malloc(sizeof(Context))
    if ctx == NULL:
        raise MemoryError()
    ctx.buf = <char*>malloc(n)
    ctx.size = n
    try:
        f(ctx.size)
    finally:
        context_free(ctx)


cdef struct Chunk:
    char* data
    size_t size


cdef Chunk chunk_of(size_t size) except *:
    # A struct's constructor builds a C value: it cannot raise, so the block is never
    # lost there, and the returned struct carries it out.
    cdef char* data = <char*>malloc(size)
    if data == NULL:
        raise MemoryError()
    return Chunk(data=data, size=size)
