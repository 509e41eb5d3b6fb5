# Allocators named through every pure-Python-mode import form; locals that shadow them.
import cython
import cython.cimports.cpython.mem as mem
from cython.cimports.libc.stdlib import malloc as c_malloc, free as c_free
from cython.cimports.libc import stdlib
from cython.cimports.cpython.mem import PyMem_Free
from mylib import PyMem_Malloc


def aliased(n: cython.size_t):
    p = c_malloc(n)  # expect: CY001
    p[0] = 1
    c_free(p)


def module_from_package(n: cython.size_t):
    p = stdlib.calloc(n, 1)  # expect: CY001
    p[0] = 1
    PyMem_Free(p)  # expect: CY002


def module_alias(n: cython.size_t):
    p = mem.PyMem_Malloc(n)
    if not p:
        raise MemoryError()
    stdlib.free(p)  # expect: CY002


def python_import_is_not_the_allocator(n: cython.size_t):
    # `PyMem_Malloc` here comes from a Python module, not from cpython.mem.
    p = PyMem_Malloc(n)
    p[0] = 1


def shadowed_by_a_parameter(c_malloc, n: cython.size_t):
    p = c_malloc(n)
    p[0] = 1


def shadowed_by_an_assignment(n: cython.size_t):
    stdlib = object()
    p = stdlib.malloc(n)
    p[0] = 1


def unbound_name_in_a_py_file(n: cython.size_t):
    # A .py file must cimport what it uses: an unbound `malloc` is not libc's.
    p = malloc(n)
    p[0] = 1
