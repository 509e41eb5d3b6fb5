# A singly linked list of ints owned by an extension type; __dealloc__ walks self.head
# itself, pop() unlinks before freeing.
from cpython.mem cimport PyMem_Malloc, PyMem_Free

cdef struct Node:
    Node* next
    long value

cdef class IntList:
    cdef Node* head
    cdef Py_ssize_t size

    def __cinit__(self):
        self.head = NULL
        self.size = 0

    def push(self, long value):
        cdef Node* node = <Node*>PyMem_Malloc(sizeof(Node))
        if node == NULL:
            raise MemoryError()
        node.value = value
        node.next = self.head
        self.head = node
        self.size += 1

    def pop(self):
        cdef Node* node = self.head
        cdef long value
        if node == NULL:
            raise IndexError("pop from an empty list")
        value = node.value
        self.head = node.next
        PyMem_Free(node)
        self.size -= 1
        return value

    def __dealloc__(self):
        cdef Node* nxt
        while self.head != NULL:
            nxt = self.head.next
            PyMem_Free(self.head)
            self.head = nxt
