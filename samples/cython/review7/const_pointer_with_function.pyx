# A `const T*` parameter is a loan only when the call is given no function alongside: a
# destructor or callback that comes with the block may free it, so the block is handed
# off (review 7 FP-4). CPython's capsule functions keep the name they are given whether
# they are cimported or declared here.
from libc.stdlib cimport malloc, free
from libc.string cimport strdup

cdef extern from *:
    """
    typedef struct db_value db_value;
    typedef void (*release_fn)(void*);
    static void set_text(db_value* v, const char* text, int n, release_fn release) {
        if (release) release((void*)text);
    }
    typedef void (*finished_fn)(const void* data);
    static void submit(finished_fn finished, const void* data) { finished(data); }
    """
    ctypedef struct db_value
    ctypedef void (*release_fn)(void*)
    void set_text(db_value* v, const char* text, int n, release_fn release)
    ctypedef void (*finished_fn)(const void* data) noexcept
    void submit(finished_fn finished, const void* data)

cdef extern from "Python.h":
    ctypedef void (*PyCapsule_Destructor)(object)
    object PyCapsule_New(void* pointer, const char* name, PyCapsule_Destructor destructor)
    const char* PyCapsule_GetName(object capsule) except? NULL
    void* PyCapsule_GetPointer(object capsule, const char* name) except? NULL


cdef void result_copy(db_value* v, int n) noexcept:
    cdef char* text = <char*>malloc(n + 1)
    if text == NULL:
        return
    text[n] = 0
    set_text(v, text, n, free)


cdef void result_copy_cast(db_value* v, int n) noexcept:
    cdef char* text = <char*>malloc(n + 1)
    if text == NULL:
        return
    text[n] = 0
    set_text(v, text, n, <release_fn>free)


cdef void _finished(const void* data) noexcept:
    free(<void*>data)


def start(int n):
    cdef int* data = <int*>malloc(sizeof(int))
    if data == NULL:
        raise MemoryError()
    data[0] = n
    submit(_finished, data)
    return True


cdef void _drop_capsule(object capsule) noexcept:
    cdef const char* name = PyCapsule_GetName(capsule)
    free(PyCapsule_GetPointer(capsule, name))
    free(<void*>name)


def wrap(str tag, size_t n):
    cdef char* name = strdup(tag.encode())
    cdef void* payload
    if name == NULL:
        raise MemoryError()
    payload = malloc(n)
    if payload == NULL:
        free(name)
        raise MemoryError()
    return PyCapsule_New(payload, name, _drop_capsule)
