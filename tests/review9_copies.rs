//! Review 9's copies, addresses, list walks and `with gil:` calls: positions of what
//! cysafe now reports (and does not) on their reproductions.

use cysafe::analyze::analyze_source;
use cysafe::diagnostic::LineIndex;
use cysafe::parse::Dialect;
use cysafe::settings::AnalysisSettings;

/// (code, row, column) of every diagnostic, in order.
fn found(text: &str) -> Vec<(String, usize, usize)> {
    let index = LineIndex::new(text);
    analyze_source(text, Dialect::Cython, &AnalysisSettings::default())
        .into_iter()
        .map(|d| {
            let at = index.position(d.span.start);
            (d.rule.code.to_string(), at.row, at.column)
        })
        .collect()
}

const STRING: &str = "from libc.stdlib cimport malloc, free\n\
                      def f():\n    cdef char* s = <char*>malloc(4)\n    if s == NULL:\n        \
                      raise MemoryError()\n    s[0] = 0\n";

#[test]
fn a_cast_of_a_c_string_to_a_python_type_is_a_copy() {
    for cast in [
        "<bytes>s",
        "<object>s",
        "<bytes>s + b'!'",
        "cython.cast(bytes, s)",
    ] {
        let text = format!("cimport cython\n{STRING}    r = {cast}\n    free(s)\n    return r\n");
        assert_eq!(found(&text), vec![], "{cast}");
    }
}

#[test]
fn a_cast_of_a_freed_c_string_reads_it() {
    let text = format!("{STRING}    free(s)\n    r = <bytes>s\n    return r\n");
    assert_eq!(found(&text), vec![("CY006".into(), 8, 9)]);
}

#[test]
fn a_python_cast_of_a_void_pointer_keeps_the_alias() {
    // `<object>v` of a `void*` reinterprets the pointer, it copies nothing.
    let text = "from libc.stdlib cimport malloc, free\n\
                def f():\n    cdef void* v = malloc(4)\n    if v == NULL:\n        \
                raise MemoryError()\n    r = <object>v\n    free(v)\n    return r\n";
    assert_eq!(found(text), vec![("CY006".into(), 8, 5)]);
}

#[test]
fn an_address_call_hands_posix_memalign_its_out_parameter() {
    for address in [
        "address(mem)",
        "cython.address(mem)",
        "cython.operator.address(mem)",
    ] {
        let text = format!(
            "from libc.stdlib cimport free\nfrom cython.operator cimport address\ncimport cython\n\
             cdef extern from \"stdlib.h\":\n    \
             int posix_memalign(void** memptr, size_t alignment, size_t size)\n\
             def zeros(size_t n):\n    cdef void* mem = NULL\n    \
             if posix_memalign({address}, 64, n + 8) != 0:\n        raise MemoryError()\n    \
             (<char*>mem)[0] = 0\n    free(mem)\n"
        );
        assert_eq!(found(&text), vec![], "{address}");
    }
}

const LIST: &str = "from libc.stdlib cimport free\n\
                    cdef struct Node:\n    int v\n    Node* next\n\
                    cdef void drop_all(Node* head) noexcept:\n    cdef Node* cur = head\n    \
                    cdef Node* nxt\n    while cur != NULL:\n";

#[test]
fn a_list_walk_that_frees_before_reading_next_reads_freed_memory() {
    let text = format!("{LIST}        free(cur)\n        cur = cur.next\n");
    assert_eq!(found(&text), vec![("CY006".into(), 10, 15)]);
}

#[test]
fn a_list_walk_that_saves_next_first_is_clean() {
    let saved = format!("{LIST}        nxt = cur.next\n        free(cur)\n        cur = nxt\n");
    assert_eq!(found(&saved), vec![]);
    let trailing = format!("{LIST}        nxt = cur\n        cur = cur.next\n        free(nxt)\n");
    assert_eq!(found(&trailing), vec![]);
}

const WITH_GIL: &str = "from libc.stdlib cimport malloc, free\n\
                        cdef int run(object cb) except -1 nogil:\n    \
                        cdef char* tmp = <char*>malloc(8)\n    if tmp == NULL:\n        \
                        return -1\n";

#[test]
fn a_call_inside_with_gil_can_raise() {
    let text = format!("{WITH_GIL}    with gil:\n        cb()\n    free(tmp)\n    return 0\n");
    assert_eq!(found(&text), vec![("CY008".into(), 3, 29)]);
}

#[test]
fn a_call_inside_with_gil_that_finds_its_block_freed_is_clean() {
    let text = format!(
        "{WITH_GIL}    try:\n        with gil:\n            cb()\n    finally:\n        \
         free(tmp)\n    return 0\n"
    );
    assert_eq!(found(&text), vec![]);
    // Outside `with gil:`, an unknown call of `nogil` code is a C function's.
    let nogil = format!("{WITH_GIL}    with gil:\n        pass\n    free(tmp)\n    return 0\n");
    assert_eq!(found(&nogil), vec![]);
}
