# CY002 in pure-Python mode: each block must go back to its own family's deallocator.
import cython
from cython.cimports.libc.stdlib import malloc, realloc, free
from cython.cimports.cpython.mem import PyMem_Malloc, PyMem_Realloc, PyMem_Free, PyMem_RawMalloc, PyMem_RawFree
from cython.cimports.cpython.mem import PyObject_Malloc, PyObject_Free
from cython.cimports.libc import stdlib


def malloc_then_pymem_free(n: cython.size_t):
    p = malloc(n)
    if not p:
        raise MemoryError()
    PyMem_Free(p)  # expect: CY002


def pymem_then_free_through_alias(n: cython.size_t):
    p = PyMem_Malloc(n)
    if not p:
        raise MemoryError()
    q = p
    free(q)  # expect: CY002


def raw_then_pymem_free(n: cython.size_t):
    p = PyMem_RawMalloc(n)
    if not p:
        raise MemoryError()
    PyMem_Free(p)  # expect: CY002


def pymem_resized_by_realloc(n: cython.size_t):
    p = PyMem_Malloc(n)
    if not p:
        raise MemoryError()
    q = realloc(p, 2 * n)  # expect: CY002
    if not q:
        PyMem_Free(p)
        raise MemoryError()
    free(q)


def one_branch_mismatched(n: cython.size_t, small: cython.bint):
    if small:
        p = PyMem_Malloc(n)
    else:
        p = malloc(n)
    if not p:
        raise MemoryError()
    free(p)  # expect: CY002


def module_qualified_free(n: cython.size_t):
    p = PyObject_Malloc(n)
    if not p:
        raise MemoryError()
    stdlib.free(p)  # expect: CY002


def matched_pairs(n: cython.size_t):
    a = malloc(n)
    b = PyMem_Malloc(n)
    c = PyMem_RawMalloc(n)
    d = PyObject_Malloc(n)
    free(a)
    PyMem_Free(b)
    PyMem_RawFree(c)
    PyObject_Free(d)


def matched_after_realloc(n: cython.size_t):
    p = PyMem_Malloc(n)
    if not p:
        raise MemoryError()
    q = PyMem_Realloc(p, 2 * n)
    if not q:
        PyMem_Free(p)
        raise MemoryError()
    p = q
    PyMem_Free(p)


def variable_reused_for_another_family(n: cython.size_t):
    p = malloc(n)
    free(p)
    p = PyMem_Malloc(n)
    PyMem_Free(p)


def module_qualified_match(n: cython.size_t):
    p = stdlib.malloc(n)
    stdlib.free(p)
