from libc.stdlib cimport malloc, free

cdef struct Edge:
    int target
    Edge* next

cdef class Graph:
    cdef Edge** adjacency
    cdef int n
    cdef bint frozen

    def __cinit__(self, int n):
        cdef int i
        self.n = n
        self.frozen = False
        self.adjacency = <Edge**>malloc(n * sizeof(Edge*))
        if self.adjacency == NULL:
            raise MemoryError()
        for i in range(n):
            self.adjacency[i] = NULL

    def add_edge(self, int a, int b):
        if self.frozen:
            raise ValueError("frozen")
        cdef Edge* e = <Edge*>malloc(sizeof(Edge))
        if e == NULL:
            raise MemoryError()
        e.target = b
        e.next = self.adjacency[a]
        self.adjacency[a] = e

    def freeze(self):
        self.frozen = True

    def __dealloc__(self):
        cdef int i
        cdef Edge* e
        cdef Edge* nxt
        if self.adjacency == NULL:
            return
        for i in range(self.n):
            e = self.adjacency[i]
            while e != NULL:
                nxt = e.next
                free(e)
                e = nxt
        free(self.adjacency)
