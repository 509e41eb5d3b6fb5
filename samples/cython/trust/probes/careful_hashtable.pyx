# An open-addressing table of C strings: keys copied with strdup, the slot array from
# calloc, everything freed by one helper that __dealloc__ and clear() share.
from libc.stdlib cimport calloc, free
from libc.string cimport strdup, strcmp

cdef struct Slot:
    char* key
    long value

cdef class Table:
    cdef Slot* slots
    cdef Py_ssize_t capacity, used

    def __cinit__(self, Py_ssize_t capacity=64):
        self.slots = <Slot*>calloc(capacity, sizeof(Slot))
        if self.slots == NULL:
            raise MemoryError()
        self.capacity = capacity
        self.used = 0

    cdef void _free_keys(self) noexcept:
        cdef Py_ssize_t i
        for i in range(self.capacity):
            if self.slots[i].key != NULL:
                free(self.slots[i].key)
                self.slots[i].key = NULL
        self.used = 0

    def put(self, bytes key, long value):
        cdef Py_ssize_t i = hash(key) % self.capacity
        cdef char* copy
        if self.used == self.capacity:
            raise OverflowError("table full")
        while self.slots[i].key != NULL and strcmp(self.slots[i].key, key) != 0:
            i = (i + 1) % self.capacity
        if self.slots[i].key == NULL:
            copy = strdup(key)
            if copy == NULL:
                raise MemoryError()
            self.slots[i].key = copy
            self.used += 1
        self.slots[i].value = value

    def clear(self):
        self._free_keys()

    def __dealloc__(self):
        if self.slots != NULL:
            self._free_keys()
            free(self.slots)
