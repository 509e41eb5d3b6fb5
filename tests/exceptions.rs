//! Exceptions as edges (issue 9, "What was measured" 1 and 2): a call that can raise
//! leaves its block on an unwind edge, and a `raise` inside a `noexcept` function returns
//! to the caller.

use cysafe::analyze::analyze_source;
use cysafe::diagnostic::LineIndex;
use cysafe::parse::Dialect;
use cysafe::settings::AnalysisSettings;

/// (code, row, column) of every CY001, in order: the fixtures keep their blocks to the
/// end (their CY007 leaks are not what they are about).
fn found(text: &str) -> Vec<(String, usize, usize)> {
    let index = LineIndex::new(text);
    analyze_source(text, Dialect::Cython, &AnalysisSettings::default())
        .into_iter()
        .filter(|d| d.rule.code == "CY001")
        .map(|d| {
            let at = index.position(d.span.start);
            (d.rule.code.to_string(), at.row, at.column)
        })
        .collect()
}

fn cy001(row: usize, column: usize) -> Vec<(String, usize, usize)> {
    vec![("CY001".to_string(), row, column)]
}

#[test]
fn a_call_that_raises_inside_try_skips_what_follows_it() {
    let text = "from libc.stdlib cimport malloc\n\
                def g():\n    pass\n\
                def f(int n):\n    cdef int* q\n    try:\n        q = <int*>malloc(n)\n        \
                g()\n        q = NULL\n    except ValueError:\n        pass\n    q[0] = 1\n";
    assert_eq!(found(text), cy001(7, 19));
}

#[test]
fn a_call_that_cannot_raise_has_no_unwind_edge() {
    // `free` and `malloc` are extern C functions without an exception spec, `h` is
    // noexcept: none of them can leave `q` holding the unchecked block in the handler.
    let text = "from libc.stdlib cimport malloc, free\n\
                cdef void h() noexcept:\n    pass\n\
                def f(int n):\n    cdef int* q\n    try:\n        q = <int*>malloc(n)\n        \
                h()\n        q = NULL\n    except ValueError:\n        pass\n    q[0] = 1\n";
    assert_eq!(found(text), vec![]);
}

#[test]
fn an_extern_function_declared_with_an_exception_spec_raises() {
    let text = "from libc.stdlib cimport malloc\n\
                cdef extern from \"h.h\":\n    int parse(char* s) except -1\n    \
                int quiet(char* s)\n\
                def f(int n, char* s):\n    cdef int* q\n    cdef int* r\n    try:\n        \
                q = <int*>malloc(n)\n        parse(s)\n        q = NULL\n    except ValueError:\n        \
                pass\n    q[0] = 1\n    try:\n        r = <int*>malloc(n)\n        quiet(s)\n        \
                r = NULL\n    except ValueError:\n        pass\n    r[0] = 1\n";
    assert_eq!(found(text), cy001(9, 19));
}

#[test]
fn an_unknown_call_in_nogil_code_does_not_raise() {
    let text = "from libc.stdlib cimport malloc\n\
                def f(int n, fp):\n    cdef int* q\n    try:\n        with nogil:\n            \
                q = <int*>malloc(n)\n            fp()\n            q = NULL\n    \
                except ValueError:\n        pass\n    q[0] = 1\n";
    assert_eq!(found(text), vec![]);
}

#[test]
fn a_raise_in_a_noexcept_helper_is_no_check_for_its_caller() {
    let checker = |spec: &str| {
        format!(
            "from libc.stdlib cimport malloc\n\
             cdef void check(int* p){spec}:\n    if p == NULL:\n        raise MemoryError()\n\
             def f(int n):\n    cdef int* p = <int*>malloc(n)\n    check(p)\n    p[0] = 1\n"
        )
    };
    // Cython prints "Exception ignored" and `check` returns: `p` may still be NULL.
    assert_eq!(found(&checker(" noexcept")), cy001(6, 25));
    // A cdef function propagates by default (Cython 3), or with an explicit spec.
    assert_eq!(found(&checker("")), vec![]);
    assert_eq!(found(&checker(" except *")), vec![]);
}

#[test]
fn an_always_failing_c_api_call_has_no_normal_successor() {
    let text = "from libc.stdlib cimport malloc\nfrom cpython.exc cimport PyErr_NoMemory\n\
                def f(int n):\n    cdef int* p = <int*>malloc(n)\n    if p == NULL:\n        \
                PyErr_NoMemory()\n    p[0] = 1\n";
    assert_eq!(found(text), vec![]);
    // In a noexcept function the failure returns instead: the caller goes on with NULL.
    let text = "from libc.stdlib cimport malloc\nfrom cpython.exc cimport PyErr_NoMemory\n\
                cdef void check(int* p) noexcept:\n    if p == NULL:\n        PyErr_NoMemory()\n\
                def f(int n):\n    cdef int* p = <int*>malloc(n)\n    check(p)\n    p[0] = 1\n";
    assert_eq!(found(text), cy001(7, 25));
}

/// Every diagnostic, (code, row, column), in order.
fn all_found(text: &str) -> Vec<(String, usize, usize)> {
    let index = LineIndex::new(text);
    analyze_source(text, Dialect::Cython, &AnalysisSettings::default())
        .into_iter()
        .map(|d| {
            let at = index.position(d.span.start);
            (d.rule.code.to_string(), at.row, at.column)
        })
        .collect()
}

#[test]
fn a_leak_only_where_a_call_raises_is_no_cy007() {
    // `g()` may raise and leave `f` with `p` allocated: that path is a call's (CY008's),
    // not a `return` or `raise` statement's. (A `g` that only says `pass` raises nothing.)
    let text = "from libc.stdlib cimport malloc, free\n\
                def g():\n    print(1)\n\
                def f(int n):\n    cdef int* p = <int*>malloc(n)\n    if p == NULL:\n        \
                raise MemoryError()\n    g()\n    free(p)\n";
    assert_eq!(all_found(text), vec![("CY008".to_string(), 5, 25)]);
    // The same block lost at a `raise` statement is.
    let text = "from libc.stdlib cimport malloc, free\n\
                def f(int n, bint bad):\n    cdef int* p = <int*>malloc(n)\n    if p == NULL:\n        \
                raise MemoryError()\n    if bad:\n        raise ValueError()\n    free(p)\n";
    assert_eq!(all_found(text), vec![("CY007".to_string(), 3, 25)]);
}

#[test]
fn each_way_out_says_how_it_leaves() {
    use cysafe::analyze::lower_source;
    use cysafe::ownership::LeaveHow;
    let text = "from libc.stdlib cimport malloc, free\n\
                def g():\n    pass\n\
                def f(int n, bint bad):\n    cdef int* p = <int*>malloc(n)\n    if p == NULL:\n        \
                return 0\n    g()\n    if bad:\n        raise ValueError()\n    free(p)\n";
    let lowered = lower_source(text, Dialect::Cython, &AnalysisSettings::default());
    let analysis = lowered.analyze();
    let graph = analysis
        .graphs
        .iter()
        .find(|graph| graph.function.name == "f")
        .expect("f is analyzed");
    let index = LineIndex::new(text);
    let row = |span: cysafe::diagnostic::Span| index.position(span.start).row;
    let mut ways: Vec<(String, usize, bool)> = graph
        .leaves
        .iter()
        .map(|leave| match leave.how {
            LeaveHow::Returns(span) if span.start == span.end => {
                ("end".to_string(), 0, leave.returns)
            }
            LeaveHow::Returns(span) => ("return".to_string(), row(span), leave.returns),
            LeaveHow::Raises(span) => ("raise".to_string(), row(span), leave.returns),
            LeaveHow::Unwinds { span, .. } => ("call".to_string(), row(span), leave.returns),
            LeaveHow::Other => ("other".to_string(), 0, leave.returns),
        })
        .collect();
    ways.sort();
    // `ValueError()` is a call that may raise too, before the `raise` itself.
    let expected = [
        ("call", 8, false),
        ("call", 10, false),
        ("end", 0, true),
        ("raise", 10, false),
        ("return", 7, true),
    ];
    let expected: Vec<(String, usize, bool)> = expected
        .iter()
        .map(|(how, row, returns)| (how.to_string(), *row, *returns))
        .collect();
    assert_eq!(ways, expected);
}
