# Attributes that view another attribute's block, lists walked by __dealloc__ itself,
# release methods inherited from a base, __del__, and objects that pin themselves.
from libc.stdlib cimport malloc, free, realloc
from cpython.mem cimport PyMem_Malloc, PyMem_Free
from cpython.ref cimport Py_INCREF, Py_DECREF

cdef struct Node:
    Node* next
    double value


cdef class RingBuffer:
    """`current` only ever points into `front`'s block: a view, owned once."""
    cdef double* front
    cdef double* current
    cdef double inline_slots[4]
    cdef double* active

    def __cinit__(self, int n):
        self.front = <double*>malloc(n * sizeof(double))
        if self.front == NULL:
            raise MemoryError()
        self.current = self.front
        self.active = self.inline_slots

    def advance(self):
        self.current = self.current + 1

    def use_heap(self):
        self.active = self.front

    def __dealloc__(self):
        free(self.front)


cdef class Accumulator:
    """The view is freed, through its owner's name nowhere: reported once, at the owner."""
    cdef double* data
    cdef void* opaque

    def __cinit__(self, int n):
        self.data = <double*>malloc(n * sizeof(double))  # expect: CY004
        if self.data == NULL:
            raise MemoryError()
        self.opaque = <void*>self.data


cdef class LinkedList:
    """__dealloc__ walks self.head itself."""
    cdef Node* head

    def push(self, double value):
        cdef Node* node = <Node*>malloc(sizeof(Node))
        if node == NULL:
            raise MemoryError()
        node.value = value
        node.next = self.head
        self.head = node

    def __dealloc__(self):
        cdef Node* nxt
        while self.head != NULL:
            nxt = self.head.next
            free(self.head)
            self.head = nxt


cdef class Chain:
    """__dealloc__ calls clear(), which walks a local over the list."""
    cdef Node* first
    cdef Node* last

    def append(self, double value):
        cdef Node* node = <Node*>malloc(sizeof(Node))
        if node == NULL:
            raise MemoryError()
        node.value = value
        node.next = NULL
        if self.last != NULL:
            self.last.next = node
        self.last = node
        if self.first == NULL:
            self.first = node

    def clear(self):
        cdef Node* cur = self.first
        cdef Node* nxt
        while cur != NULL:
            nxt = cur.next
            free(cur)
            cur = nxt
        self.first = self.last = NULL

    def __dealloc__(self):
        self.clear()


cdef class Resource:
    cdef char* payload

    cdef void _release(self):
        if self.payload != NULL:
            PyMem_Free(self.payload)
            self.payload = NULL


cdef class FileResource(Resource):
    """The release method comes from the base class."""

    def __cinit__(self, size_t n):
        self.payload = <char*>PyMem_Malloc(n)
        if self.payload == NULL:
            raise MemoryError()

    def __dealloc__(self):
        self._release()


cdef class Finalized:
    """Cython 3 runs __del__ of an extension type when it dies."""
    cdef double* samples

    def __init__(self, int n):
        self.samples = <double*>malloc(n * sizeof(double))
        if self.samples == NULL:
            raise MemoryError()

    def __del__(self):
        free(self.samples)


cdef class Pinned:
    """Keeps itself alive while it owns the block; close() frees both."""
    cdef char* block
    cdef bint open

    def start(self, size_t n):
        self.block = <char*>malloc(n)
        if self.block == NULL:
            raise MemoryError()
        self.open = True
        Py_INCREF(self)

    def close(self):
        if self.open:
            free(self.block)
            self.block = NULL
            self.open = False
            Py_DECREF(self)


cdef class Resizable:
    """A family change across methods: __cinit__ mallocs, load() reallocates with
    PyMem_Malloc, __dealloc__ frees with free(). A second load() frees the first one's
    PyMem_Malloc block with free() too."""
    cdef double* data

    def __cinit__(self, int n):
        self.data = <double*>malloc(n * sizeof(double))
        if self.data == NULL:
            raise MemoryError()

    def load(self, int n):
        cdef double* fresh = <double*>PyMem_Malloc(n * sizeof(double))
        if fresh == NULL:
            raise MemoryError()
        free(self.data)  # expect: CY002
        self.data = fresh

    def __dealloc__(self):
        free(self.data)  # expect: CY002
