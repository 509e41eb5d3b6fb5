# distutils: language = c++
from libcpp.unordered_map cimport unordered_map
from cython.operator cimport dereference as deref, preincrement as inc
from libc.stdlib cimport malloc, free

cdef class Cache:
    cdef unordered_map[int, char*] entries

    def put(self, int key, size_t n):
        cdef char* value = <char*>malloc(n)
        if value == NULL:
            raise MemoryError()
        it = self.entries.find(key)
        if it != self.entries.end():
            free(deref(it).second)
        self.entries[key] = value

    def __dealloc__(self):
        it = self.entries.begin()
        while it != self.entries.end():
            free(deref(it).second)
            inc(it)
