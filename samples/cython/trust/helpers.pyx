# Helper summaries: an out-parameter reallocator, a release helper freeing a list in a
# loop, a helper that writes through its fresh block before returning it (its callers
# are not told it may be NULL), pointer-array elements keeping their family, helpers that
# always raise.
from libc.stdlib cimport malloc, free, realloc
from cpython.mem cimport PyMem_Malloc, PyMem_Free
from cpython.exc cimport PyErr_NoMemory

cdef struct Entry:
    Entry* next
    int key

cdef struct Table:
    double* data
    size_t n

# 8: an out-parameter reallocator, raising on failure.
cdef int safe_realloc(double** p, size_t n) except -1 nogil:
    cdef double* tmp = <double*>realloc(p[0], n * sizeof(double))
    if tmp == NULL:
        with gil:
            raise MemoryError()
    p[0] = tmp
    return 0

cdef class Tree:
    cdef double* values
    cdef size_t capacity

    def __cinit__(self):
        self.values = NULL
        self.capacity = 0

    def resize(self, size_t n):
        safe_realloc(&self.values, n)
        self.values[0] = 0
        self.capacity = n

    def __dealloc__(self):
        free(self.values)

# 9: a release helper freeing a list in a loop.
cdef void free_entries(Entry* e):
    cdef Entry* nxt
    while e != NULL:
        nxt = e.next
        PyMem_Free(e)
        e = nxt

cdef Entry* make_entry(int key) except NULL:
    cdef Entry* e = <Entry*>PyMem_Malloc(sizeof(Entry))
    if e == NULL:
        raise MemoryError()
    e.key = key
    e.next = NULL
    return e

# The same walk through a copy of the parameter.
cdef void free_chain(Entry* head) noexcept:
    cdef Entry* cur = head
    cdef Entry* nxt
    while cur != NULL:
        nxt = cur.next
        PyMem_Free(cur)
        cur = nxt

def use_entries(int n):
    cdef Entry* head = make_entry(0)
    free_entries(head)

def use_chain(int n):
    cdef Entry* head = make_entry(0)
    free_chain(head)

def entries_freed_twice(int n):
    cdef Entry* head = make_entry(0)
    free_entries(head)
    free_chain(head)  # expect: CY005

def entry_read_after_release(int n):
    cdef Entry* head = make_entry(n)
    free_chain(head)
    return head.key  # expect: CY006

def entries_of_another_family(int n):
    cdef Entry* head = <Entry*>malloc(sizeof(Entry))
    if head == NULL:
        raise MemoryError()
    head.next = NULL
    free_entries(head)  # expect: CY002

# 12: a helper that writes through its block before returning it.
cdef Entry* new_node(int key):
    cdef Entry* e = <Entry*>malloc(sizeof(Entry))  # expect: CY001
    e.key = key
    e.next = NULL
    return e

def build(int n):
    cdef Entry* e = new_node(n)
    e.next = NULL
    free(e)

cdef class Rows:
    cdef double** rows
    cdef int n

    def __cinit__(self, int n):
        cdef int i
        self.n = n
        self.rows = <double**>PyMem_Malloc(n * sizeof(double*))
        if self.rows == NULL:
            raise MemoryError()
        for i in range(n):
            self.rows[i] = <double*>PyMem_Malloc(8 * sizeof(double))
            if self.rows[i] == NULL:
                raise MemoryError()

    def __dealloc__(self):
        cdef int i
        if self.rows != NULL:
            for i in range(self.n):
                free(self.rows[i])  # expect: CY002
            PyMem_Free(self.rows)

# 11: a helper every path of which raises never returns; one that raises only sometimes
# does.
cdef void raise_error(int code) except *:
    if code == -1:
        raise MemoryError()
    raise ValueError(code)

cdef void warn_or_raise(int code) except *:
    if code < 0:
        raise MemoryError()
    print("warning", code)

def checked_by_helper(size_t n):
    cdef double* p = <double*>malloc(n * sizeof(double))
    if p == NULL:
        raise_error(-1)
    p[0] = 1.0
    free(p)

def not_checked_by_helper(size_t n):
    cdef double* p = <double*>malloc(n * sizeof(double))  # expect: CY001
    if p == NULL:
        warn_or_raise(0)
    p[0] = 1.0
    free(p)
