# The same list with pop() reading the node it just freed.
from cpython.mem cimport PyMem_Malloc, PyMem_Free

cdef struct Node:
    Node* next
    long value

cdef class IntList:
    cdef Node* head

    def push(self, long value):
        cdef Node* node = <Node*>PyMem_Malloc(sizeof(Node))
        if node == NULL:
            raise MemoryError()
        node.value = value
        node.next = self.head
        self.head = node

    def pop(self):
        cdef Node* node = self.head
        if node == NULL:
            raise IndexError("pop from an empty list")
        self.head = node.next
        PyMem_Free(node)
        return node.value  # expect: CY006

    def __dealloc__(self):
        cdef Node* nxt
        while self.head != NULL:
            nxt = self.head.next
            PyMem_Free(self.head)
            self.head = nxt
