//! The words of a diagnostic say what happened on the path that goes wrong: the guard
//! under which `__dealloc__` skips a free, a NULL check that did not stop execution.

use cysafe::analyze::analyze_source;
use cysafe::diagnostic::LineIndex;
use cysafe::parse::Dialect;
use cysafe::settings::AnalysisSettings;

/// (code, line, column, message, related messages) of each diagnostic.
fn report(text: &str) -> Vec<(String, usize, usize, String, Vec<String>)> {
    let index = LineIndex::new(text);
    analyze_source(text, Dialect::Cython, &AnalysisSettings::default())
        .into_iter()
        .map(|d| {
            let position = index.position(d.span.start);
            (
                d.rule.code.to_string(),
                position.row,
                position.column,
                d.message,
                d.related.into_iter().map(|r| r.message).collect(),
            )
        })
        .collect()
}

#[test]
fn dealloc_names_the_guard_that_skips_the_free() {
    let text = "\
from libc.stdlib cimport malloc, free

cdef class View:
    cdef double* data
    cdef int borrowed

    def __cinit__(self, int n):
        self.borrowed = 0
        self.data = <double*>malloc(n * sizeof(double))
        if self.data == NULL:
            raise MemoryError()

    def borrow(self):
        self.borrowed = 1

    def __dealloc__(self):
        if self.borrowed != 1:
            free(self.data)
";
    let found = report(text);
    assert_eq!(found.len(), 1, "{found:?}");
    let (code, line, column, _, related) = &found[0];
    assert_eq!((code.as_str(), *line, *column), ("CY004", 9, 30));
    assert_eq!(
        related,
        &vec!["`self.data` is not freed when `self.borrowed == 1`".to_string()]
    );
}

#[test]
fn a_check_that_lets_execution_go_on_is_named() {
    let text = "\
from libc.stdlib cimport malloc, free

def fill(int n):
    cdef double* out = <double*>malloc(n * sizeof(double))
    if out == NULL:
        print('allocation failed')
    out[0] = 1.0
    free(out)
";
    let found = report(text);
    assert_eq!(found.len(), 1, "{found:?}");
    let (code, line, column, message, related) = &found[0];
    assert_eq!((code.as_str(), *line, *column), ("CY001", 4, 33));
    assert_eq!(
        message,
        "the block from `malloc` is used on a path where its NULL check did not stop execution"
    );
    assert_eq!(
        related,
        &vec![
            "`out` is used here on a path where its NULL check did not stop execution".to_string()
        ]
    );
}
