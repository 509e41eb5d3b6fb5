# A helper that keeps the block it returns (in an attribute, in the list or pool it was
# given, in a global, in the object it returns) lends it: the caller does not own it.
# One that returns a static buffer on some path lends that too.
from libc.stdlib cimport malloc, free
from cpython.mem cimport PyMem_Malloc, PyMem_Free


cdef struct node_t:
    long key
    node_t* next


cdef struct list_t:
    node_t* head


cdef node_t* push_node(list_t* lst, long key) noexcept nogil:
    cdef node_t* nd = <node_t*>malloc(sizeof(node_t))
    if nd == NULL:
        return NULL
    nd.key = key
    nd.next = lst.head
    lst.head = nd
    return nd


cdef void free_list(list_t* lst) noexcept nogil:
    cdef node_t* cur = lst.head
    cdef node_t* nxt
    while cur != NULL:
        nxt = cur.next
        free(cur)
        cur = nxt
    lst.head = NULL


def squares(long k):
    cdef list_t lst
    cdef node_t* nd
    cdef long i
    lst.head = NULL
    for i in range(k):
        nd = push_node(&lst, i)
        if nd == NULL:
            free_list(&lst)
            raise MemoryError()
        nd.key = i * i
    free_list(&lst)


cdef void* _pool[32]
cdef int _used = 0


cdef void* pool_get(size_t n) noexcept nogil:
    global _used
    cdef void* p
    if _used >= 32:
        return NULL
    p = malloc(n)
    if p == NULL:
        return NULL
    _pool[_used] = p
    _used += 1
    return p


def use_pool(int k):
    cdef int i
    cdef double* d
    for i in range(k):
        d = <double*>pool_get(8 * sizeof(double))
        if d == NULL:
            break
        d[0] = i


cdef unsigned int* _table = NULL


cdef unsigned int* shared_table() except NULL:
    global _table
    if _table == NULL:
        _table = <unsigned int*>malloc(256 * sizeof(unsigned int))
        if _table == NULL:
            raise MemoryError()
    return _table


cdef class Checksum:
    cdef unsigned int* table

    def __cinit__(self):
        self.table = shared_table()


cdef class Scratch:
    cdef unsigned char* buf
    cdef size_t size

    cdef unsigned char* ensure(self, size_t n) except NULL:
        cdef unsigned char* grown
        if n > self.size:
            grown = <unsigned char*>malloc(n)
            if grown == NULL:
                raise MemoryError()
            free(self.buf)
            self.buf = grown
            self.size = n
        return self.buf

    def fill(self, size_t n):
        cdef unsigned char* out = self.ensure(n)
        out[0] = 1

    def __dealloc__(self):
        free(self.buf)


cdef char _small[256]


cdef char* get_buffer(Py_ssize_t n) noexcept nogil:
    if n <= 256:
        return _small
    return <char*>malloc(n)


def count(Py_ssize_t n):
    cdef char* b = get_buffer(n)
    if b == NULL:
        raise MemoryError()
    b[0] = 0
    if b != _small:
        free(b)


cdef class Owner:
    cdef void* buf

    def __dealloc__(self):
        PyMem_Free(self.buf)


cdef object owned_buffer(Py_ssize_t n, void* out):
    cdef Owner ob = Owner.__new__(Owner)
    ob.buf = PyMem_Malloc(n)
    if ob.buf == NULL:
        raise MemoryError()
    (<void**>out)[0] = ob.buf
    return ob


def gather(list values):
    cdef int* c = NULL
    cdef Py_ssize_t i
    keep = owned_buffer(len(values) * sizeof(int), &c)
    for i in range(len(values)):
        c[i] = values[i]
