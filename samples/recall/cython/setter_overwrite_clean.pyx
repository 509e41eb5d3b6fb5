# Setters that free the old block first (also behind a NULL test), fill the attribute only
# where it is NULL, or store into an attribute `__dealloc__` frees only under a flag (what
# it holds may be borrowed): nothing is lost that is known to be owned.
from libc.stdlib cimport malloc, free
from libc.string cimport strdup


cdef class Named:
    cdef char* _name
    cdef char* _label
    cdef char* _cache

    @property
    def name(self):
        return self._name

    @name.setter
    def name(self, bytes value):
        cdef char* s = strdup(value)
        if s == NULL:
            raise MemoryError()
        free(self._name)
        self._name = s

    @property
    def label(self):
        return self._label

    @label.setter
    def label(self, bytes value):
        if self._label != NULL:
            free(self._label)
        self._label = strdup(value)
        if self._label == NULL:
            raise MemoryError()

    @property
    def cache(self):
        return self._cache

    @cache.setter
    def cache(self, size_t n):
        if self._cache == NULL:
            self._cache = <char*>malloc(n)
            if self._cache == NULL:
                raise MemoryError()

    def __dealloc__(self):
        free(self._name)
        free(self._label)
        free(self._cache)


cdef class MaybeOwned:
    cdef char* data
    cdef bint owned

    @property
    def payload(self):
        return self.data

    @payload.setter
    def payload(self, bytes value):
        self.data = strdup(value)
        if self.data == NULL:
            raise MemoryError()
        self.owned = True

    def __dealloc__(self):
        if self.owned:
            free(self.data)
