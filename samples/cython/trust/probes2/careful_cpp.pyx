# distutils: language = c++
from libcpp.vector cimport vector
from libcpp.string cimport string

cdef cppclass Node:
    int value
    Node* next

cdef class Chain:
    cdef Node* head
    cdef int count

    def __cinit__(self):
        self.head = NULL
        self.count = 0

    def push(self, int value):
        cdef Node* node = new Node()
        node.value = value
        node.next = self.head
        self.head = node
        self.count += 1

    def pop(self):
        cdef Node* node = self.head
        if node == NULL:
            raise IndexError("empty")
        self.head = node.next
        value = node.value
        del node
        self.count -= 1
        return value

    def __dealloc__(self):
        cdef Node* nxt
        while self.head != NULL:
            nxt = self.head.next
            del self.head
            self.head = nxt


def collect(list values):
    cdef vector[int]* out = new vector[int]()
    try:
        for v in values:
            out.push_back(v)
        return out.size()
    finally:
        del out
