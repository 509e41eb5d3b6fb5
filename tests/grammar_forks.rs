//! The grammar's declared conflicts make tree-sitter split its parse stack (GLR) where one
//! token of lookahead cannot decide; every split costs time on the whole version's work
//! and makes the nodes built meanwhile unreusable by incremental reparses. The everyday
//! declarations below are decided by the LR table alone: a grammar change that makes them
//! split again fails here. (grammar/README.md lists the splits that remain and why;
//! `cargo run --release -p tree-sitter-cython --example parse_stats -- forks PATH` counts
//! them on real code.)

use std::sync::{Arc, Mutex};

use tree_sitter::Parser;

/// The largest number of stack versions alive at once while parsing `text`.
fn most_versions(text: &str) -> u32 {
    let most = Arc::new(Mutex::new(0u32));
    let sink = Arc::clone(&most);
    let mut parser = Parser::new();
    parser
        .set_language(&tree_sitter_cython::LANGUAGE.into())
        .unwrap();
    parser.set_logger(Some(Box::new(move |_, message: &str| {
        // "process version:V, version_count:C, state:S, row:R, col:K"
        let Some(rest) = message.strip_prefix("process version:") else {
            return;
        };
        let count: u32 = rest
            .split(", ")
            .find_map(|part| part.strip_prefix("version_count:"))
            .and_then(|count| count.parse().ok())
            .expect("tree-sitter logs the version count of every step");
        let mut most = sink.lock().unwrap();
        *most = (*most).max(count);
    })));
    let tree = parser.parse(text, None).unwrap();
    assert!(!tree.root_node().has_error(), "{text:?} does not parse");
    let versions = most.lock().unwrap();
    *versions
}

#[test]
fn cdef_declarations_without_stars_parse_without_splitting() {
    for text in [
        "cdef int x\n",
        "cdef public object name\n",
        "cdef readonly dict cache\n",
        "cdef cython.py_int count\n",
        "cdef unsigned long long n = 0\n",
        "cdef int x, y = 2\n",
        "cdef double[:, ::1] grid\n",
        "cdef object f(self, x):\n    pass\n",
        "cpdef list items(self)\n",
        "cdef inline int add(int a, int b) nogil:\n    return a + b\n",
        "cdef class A:\n    cdef public int n\n    cdef object f(self)\n",
        "cdef struct S:\n    int a\n    double b\n",
        "cdef extern from \"h.h\":\n    int f(int x)\n    double y\n",
        "ctypedef unsigned int uint\n",
        "x = <int*>malloc(n)\n",
    ] {
        assert_eq!(most_versions(text), 1, "{text:?} split the parse");
    }
}

/// The test above could pass with a logger that never reports; these still split (a
/// star or `(` after `cdef T`, `cdef f(`, `T[U]`: see grammar/README.md), `T[U]` into
/// three versions at once.
#[test]
fn declarations_that_need_more_than_one_token_of_lookahead_still_split() {
    for (text, versions) in [
        ("cdef int* p\n", 2),
        ("cdef f(x):\n    pass\n", 2),
        ("cdef vector[int] v\n", 3),
    ] {
        assert_eq!(most_versions(text), versions, "{text:?}");
    }
}
