//! CY005 double-free, CY006 use-after-free and CY007 memory-leak: the exact code, line,
//! column, message and labels of each diagnostic.

use cysafe::analyze::analyze_source;
use cysafe::diagnostic::LineIndex;
use cysafe::parse::Dialect;
use cysafe::settings::AnalysisSettings;

/// One diagnostic: code, line, column, message, and each related label as
/// `line:column message`.
type Found = (String, usize, usize, String, Vec<String>);

fn report(text: &str, codes: &[&str]) -> Vec<Found> {
    let index = LineIndex::new(text);
    let at = |offset: usize| {
        let position = index.position(offset);
        (position.row, position.column)
    };
    analyze_source(text, Dialect::Cython, &AnalysisSettings::default())
        .into_iter()
        .filter(|d| codes.contains(&d.rule.code))
        .map(|d| {
            let (line, column) = at(d.span.start);
            let related = d
                .related
                .iter()
                .map(|r| {
                    let (line, column) = at(r.span.start);
                    format!("{line}:{column} {}", r.message)
                })
                .collect();
            (d.rule.code.to_string(), line, column, d.message, related)
        })
        .collect()
}

const LIFETIME: &[&str] = &["CY005", "CY006", "CY007"];

#[test]
fn double_free_through_an_alias_is_reported_at_the_second_release() {
    let text = "\
from libc.stdlib cimport malloc, free

def f(int n):
    cdef char* p = <char*>malloc(n)
    if p == NULL:
        raise MemoryError()
    cdef char* q = p
    free(p)
    free(q)
";
    assert_eq!(
        report(text, LIFETIME),
        vec![(
            "CY005".to_string(),
            9,
            5,
            "`q` is released twice: `free` frees a block `free` already freed".to_string(),
            vec![
                "8:5 first released here by `free`".to_string(),
                "4:27 allocated here".to_string()
            ]
        )]
    );
}

#[test]
fn free_after_setting_to_null_is_no_double_free() {
    let text = "\
from libc.stdlib cimport malloc, free

def f(int n):
    cdef char* p = <char*>malloc(n)
    if p == NULL:
        raise MemoryError()
    free(p)
    p = NULL
    free(p)
";
    assert_eq!(report(text, LIFETIME), vec![]);
}

#[test]
fn close_then_dealloc_is_a_double_free() {
    let text = "\
from libc.stdlib cimport malloc, free

cdef class Buffer:
    cdef char* data

    def __cinit__(self, int n):
        self.data = <char*>malloc(n)
        if self.data == NULL:
            raise MemoryError()

    def close(self):
        free(self.data)

    def __dealloc__(self):
        free(self.data)
";
    let found = report(text, LIFETIME);
    assert_eq!(found.len(), 1, "{found:?}");
    let (code, line, column, message, related) = &found[0];
    assert_eq!((code.as_str(), *line, *column), ("CY005", 15, 9));
    assert_eq!(
        message,
        "`self.data` is released twice when `close()` runs before `__dealloc__`: `close()` frees it without setting it to NULL"
    );
    assert_eq!(
        related,
        &vec![
            "12:9 first released here by `free` in `close()`, which leaves `self.data` pointing at it"
                .to_string(),
            "7:28 allocated here".to_string()
        ]
    );
}

#[test]
fn close_that_resets_the_pointer_is_clean() {
    let text = "\
from libc.stdlib cimport malloc, free

cdef class Buffer:
    cdef char* data

    def __cinit__(self, int n):
        self.data = <char*>malloc(n)
        if self.data == NULL:
            raise MemoryError()

    def close(self):
        if self.data != NULL:
            free(self.data)
            self.data = NULL

    def __dealloc__(self):
        free(self.data)
";
    assert_eq!(report(text, LIFETIME), vec![]);
}

#[test]
fn read_after_free_is_reported_at_the_use() {
    let text = "\
from libc.stdlib cimport malloc, free

def f(int n):
    cdef int* p = <int*>malloc(n * sizeof(int))
    if p == NULL:
        raise MemoryError()
    free(p)
    return p[0]
";
    assert_eq!(
        report(text, LIFETIME),
        vec![(
            "CY006".to_string(),
            8,
            12,
            "`p` is read through after its block was freed".to_string(),
            vec![
                "7:5 freed here by `free`".to_string(),
                "4:25 allocated here".to_string()
            ]
        )]
    );
}

#[test]
fn a_null_comparison_after_free_is_no_use() {
    let text = "\
from libc.stdlib cimport malloc, free

def f(int n):
    cdef int* p = <int*>malloc(n * sizeof(int))
    if p == NULL:
        raise MemoryError()
    free(p)
    if p != NULL:
        pass
";
    assert_eq!(report(text, LIFETIME), vec![]);
}

#[test]
fn first_allocation_leaks_when_the_second_fails() {
    let text = "\
from libc.stdlib cimport malloc, free

def f(int n):
    cdef char* a = <char*>malloc(n)
    if a == NULL:
        raise MemoryError()
    cdef char* b = <char*>malloc(n)
    if b == NULL:
        raise MemoryError()
    free(a)
    free(b)
";
    assert_eq!(
        report(text, LIFETIME),
        vec![(
            "CY007".to_string(),
            4,
            27,
            "`a` leaks: the block from `malloc` is neither freed nor handed off on some path"
                .to_string(),
            vec!["9:9 raises here".to_string()]
        )]
    );
}

#[test]
fn overwriting_the_only_pointer_leaks() {
    let text = "\
from libc.stdlib cimport malloc, free

def f(int n):
    cdef char* p = <char*>malloc(n)
    if p == NULL:
        raise MemoryError()
    p = <char*>malloc(n)
    free(p)
";
    let found = report(text, LIFETIME);
    assert_eq!(found.len(), 1, "{found:?}");
    let (code, line, column, _, related) = &found[0];
    assert_eq!((code.as_str(), *line, *column), ("CY007", 4, 27));
    assert_eq!(
        related,
        &vec![
            "7:5 `p` is overwritten here".to_string(),
            "8:12 the function ends here".to_string()
        ]
    );
}

#[test]
fn returning_storing_or_handing_off_is_no_leak() {
    let text = "\
from libc.stdlib cimport malloc, free

cdef class Holder:
    cdef char* data

def returned(int n):
    cdef char* p = <char*>malloc(n)
    if p == NULL:
        raise MemoryError()
    return p

def handed_to_a_function(int n):
    cdef char* p = <char*>malloc(n)
    if p == NULL:
        raise MemoryError()
    return wrap(p)

def stored(Holder h, int n):
    cdef char* p = <char*>malloc(n)
    if p == NULL:
        raise MemoryError()
    h.data = p

def released_in_finally(int n, g):
    cdef char* p = <char*>malloc(n)
    if p == NULL:
        raise MemoryError()
    try:
        return g(n)
    finally:
        free(p)
";
    assert_eq!(report(text, LIFETIME), vec![]);
}

const EXCEPTION_LEAK: &[&str] = &["CY007", "CY008"];

#[test]
fn a_block_freed_after_a_python_call_leaks_if_the_call_raises() {
    let text = "\
from libc.stdlib cimport malloc, free

cdef class Reader:
    def _read(self, int n):
        return b''

    def read(self, int n):
        cdef char* buf = <char*>malloc(n)
        if buf == NULL:
            raise MemoryError()
        data = self._read(n)
        buf[0] = data[0]
        free(buf)
";
    assert_eq!(
        report(text, EXCEPTION_LEAK),
        vec![(
            "CY008".to_string(),
            8,
            33,
            "`buf` leaks if `self._read(n)` raises: the block from `malloc` is not freed on that path"
                .to_string(),
            vec!["11:16 `self._read(n)` may raise here".to_string()]
        )]
    );
}

#[test]
fn every_call_that_loses_the_block_is_labelled_and_the_first_is_named() {
    let text = "\
from libc.stdlib cimport malloc, free

cdef int check(int n) except -1:
    if n < 0:
        raise ValueError(n)
    return n

def f(int n, g):
    cdef char* p = <char*>malloc(n)
    if p == NULL:
        raise MemoryError()
    check(n)
    p[0] = g(
        n)
    free(p)
";
    assert_eq!(
        report(text, EXCEPTION_LEAK),
        vec![(
            "CY008".to_string(),
            9,
            27,
            "`p` leaks if `check(n)` raises: the block from `malloc` is not freed on that path"
                .to_string(),
            vec![
                "12:5 `check(n)` may raise here".to_string(),
                "13:12 `g(n)` may raise here".to_string()
            ]
        )]
    );
}

#[test]
fn a_handler_that_swallows_the_exception_without_freeing_leaks() {
    let text = "\
from libc.stdlib cimport malloc, free

def f(int n, g):
    cdef char* p = <char*>malloc(n)
    if p == NULL:
        raise MemoryError()
    try:
        g(n)
    except ValueError:
        return None
    free(p)
";
    assert_eq!(
        report(text, EXCEPTION_LEAK),
        vec![(
            "CY008".to_string(),
            4,
            27,
            "`p` leaks if `g(n)` raises: the block from `malloc` is not freed on that path"
                .to_string(),
            vec!["8:9 `g(n)` may raise here".to_string()]
        )]
    );
}

#[test]
fn finally_except_reraise_and_noexcept_calls_are_no_exception_leak() {
    let text = "\
from libc.stdlib cimport malloc, free

cdef int clamp(int n) noexcept:
    return n

def in_finally(int n, g):
    cdef char* p = <char*>malloc(n)
    if p == NULL:
        raise MemoryError()
    try:
        g(n)
    finally:
        free(p)

def in_except_then_raise(int n, g):
    cdef char* p = <char*>malloc(n)
    if p == NULL:
        raise MemoryError()
    try:
        g(n)
    except:
        free(p)
        raise
    free(p)

def c_calls_only(int n):
    cdef char* p = <char*>malloc(n)
    cdef int i
    if p == NULL:
        raise MemoryError()
    for i in range(clamp(n)):
        p[i] = 0
    free(p)
";
    assert_eq!(report(text, EXCEPTION_LEAK), vec![]);
}

#[test]
fn a_raise_statement_is_memory_leak_and_a_raising_call_exception_leak() {
    let text = "\
from libc.stdlib cimport malloc, free

def f(int n, g):
    cdef char* p = <char*>malloc(n)
    if p == NULL:
        raise MemoryError()
    if n > 10:
        raise ValueError(n)
    g(n)
    free(p)
";
    let found: Vec<_> = report(text, EXCEPTION_LEAK)
        .into_iter()
        .map(|(code, line, column, _, related)| (code, line, column, related))
        .collect();
    assert_eq!(
        found,
        vec![
            (
                "CY007".to_string(),
                4,
                27,
                vec!["8:9 raises here".to_string()]
            ),
            (
                "CY008".to_string(),
                4,
                27,
                vec!["9:5 `g(n)` may raise here".to_string()]
            )
        ]
    );
}

#[test]
fn a_block_freed_on_one_branch_leaks_on_the_other_and_its_null_reset_place_is_no_double_free() {
    let text = "\
from libc.stdlib cimport malloc, free

def leaks(int n, bint c):
    cdef char* p = <char*>malloc(n)
    if p == NULL:
        raise MemoryError()
    if c:
        free(p)

def resets(int n, bint c):
    cdef char* p = <char*>malloc(n)
    if p == NULL:
        raise MemoryError()
    if c:
        free(p)
        p = NULL
    free(p)
";
    assert_eq!(
        report(text, LIFETIME),
        vec![(
            "CY007".to_string(),
            4,
            27,
            "`p` leaks: the block from `malloc` is neither freed nor handed off on some path"
                .to_string(),
            vec!["8:16 the function ends here".to_string()]
        )]
    );
}

#[test]
fn a_release_through_a_conditionally_swapped_pointer_leaves_the_other_one_live() {
    let text = "\
from libc.stdlib cimport malloc, free

def f(int n, bint k):
    cdef char* a = <char*>malloc(n)
    cdef char* b = <char*>malloc(n)
    cdef char* t
    if a == NULL or b == NULL:
        free(a)
        free(b)
        raise MemoryError()
    if k:
        t = a
        a = b
        b = t
    free(a)
    b[0] = 1
    free(b)
    b[0] = 2
";
    assert_eq!(
        report(text, LIFETIME),
        vec![(
            "CY006".to_string(),
            18,
            5,
            "`b` is read through after its block was freed".to_string(),
            vec![
                "15:5 freed here by `free`".to_string(),
                "17:5 freed here by `free`".to_string(),
                "4:27 allocated here".to_string()
            ]
        )]
    );
}

#[test]
fn calling_through_or_returning_a_freed_pointer_is_a_use_after_free() {
    let text = "\
from libc.stdlib cimport malloc, free
from libcpp.vector cimport vector

cdef struct Ops:
    int (*fn)(int) noexcept

def through_a_struct(Ops* model):
    cdef Ops* ops = <Ops*>malloc(sizeof(Ops))
    if ops == NULL:
        raise MemoryError()
    ops.fn = model.fn
    free(ops)
    return ops.fn(1)

def a_method():
    cdef vector[int]* v = new vector[int]()
    del v
    v.push_back(1)

cdef char* returned():
    cdef char* p = <char*>malloc(8)
    if p == NULL:
        return NULL
    free(p)
    return p
";
    let found: Vec<(String, usize, usize, String)> = report(text, LIFETIME)
        .into_iter()
        .map(|(code, line, column, message, _)| (code, line, column, message))
        .collect();
    assert_eq!(
        found,
        vec![
            (
                "CY006".to_string(),
                13,
                12,
                "`ops` is read through after its block was freed".to_string()
            ),
            (
                "CY006".to_string(),
                18,
                5,
                "`v` is read through after its block was freed".to_string()
            ),
            (
                "CY006".to_string(),
                25,
                5,
                "`p` is returned after its block was freed".to_string()
            ),
        ]
    );
}

#[test]
fn a_block_carried_out_in_a_handle_a_tuple_or_a_struct_is_handed_off() {
    let text = "\
from libc.stdlib cimport malloc, free

cdef struct Buf:
    char* data
    size_t n

_handles = {}

def handle(size_t n):
    cdef char* p = <char*>malloc(n)
    if p == NULL:
        raise MemoryError()
    cdef size_t h = <size_t>p
    _handles[h] = n
    return h

cdef (char*, size_t) pair(size_t n):
    cdef char* p = <char*>malloc(n)
    if p == NULL:
        return NULL, 0
    return p, n

cdef Buf by_keywords(size_t n) except *:
    cdef char* p = <char*>malloc(n)
    if p == NULL:
        raise MemoryError()
    return Buf(data=p, n=n)

def only_logged(size_t n):
    cdef char* p = <char*>malloc(n)
    if p == NULL:
        raise MemoryError()
    print(<size_t>p)
";
    let found: Vec<(String, usize, usize)> = report(text, LIFETIME)
        .into_iter()
        .map(|(code, line, column, _, _)| (code, line, column))
        .collect();
    assert_eq!(found, vec![("CY007".to_string(), 30, 27)]);
}
