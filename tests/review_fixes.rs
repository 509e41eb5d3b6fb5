//! Positions and messages of the diagnostics the review's reproductions now give (the
//! samples in samples/cython/review/ assert codes and lines only).

use cysafe::analyze::analyze_source;
use cysafe::diagnostic::LineIndex;
use cysafe::parse::Dialect;
use cysafe::settings::AnalysisSettings;

/// (code, row, column, message) of every diagnostic, in order.
fn found(text: &str) -> Vec<(String, usize, usize, String)> {
    let index = LineIndex::new(text);
    analyze_source(text, Dialect::Cython, &AnalysisSettings::default())
        .into_iter()
        .map(|d| {
            let at = index.position(d.span.start);
            (d.rule.code.to_string(), at.row, at.column, d.message)
        })
        .collect()
}

const UNCHECKED: &str = "the block from `malloc` is used before it is checked for NULL";

/// These reproductions never free their block either: CY007 at the allocation.
fn leak(place: &str, row: usize, column: usize) -> (String, usize, usize, String) {
    let message = format!(
        "`{place}` leaks: the block from `malloc` is neither freed nor handed off on some path"
    );
    ("CY007".into(), row, column, message)
}

#[test]
fn a_declaration_ending_in_a_semicolon_keeps_its_function() {
    let text = "from libc.stdlib cimport malloc\n\
                def f():\n    cdef char* q = <char*>malloc(4); s = 1\n    q[0] = 1\n";
    assert_eq!(
        found(text),
        vec![("CY001".into(), 3, 27, UNCHECKED.into()), leak("q", 3, 27)]
    );
}

#[test]
fn a_null_branch_that_goes_on_leaves_the_block_unchecked() {
    let text = "from libc.stdlib cimport malloc\n\
                def f(int n):\n    cdef int* p = <int*>malloc(n)\n    if p == NULL:\n        \
                print('no memory')\n    p[0] = 1\n";
    let went_on = "the block from `malloc` is used on a path where its NULL check did not stop \
                   execution";
    assert_eq!(
        found(text),
        vec![("CY001".into(), 3, 25, went_on.into()), leak("p", 3, 25)]
    );
}

#[test]
fn a_check_of_the_previous_turns_block_does_not_check_the_new_one() {
    let text = "from libc.stdlib cimport malloc, free\n\
                def f(int n):\n    cdef int* prev = NULL\n    cdef int* cur\n    \
                for i in range(n):\n        cur = <int*>malloc(8)\n        if prev != NULL:\n            \
                cur[0] = prev[0]\n            free(prev)\n        prev = cur\n";
    assert_eq!(
        found(text),
        vec![
            ("CY001".into(), 6, 21, UNCHECKED.into()),
            leak("cur", 6, 21)
        ]
    );
}

#[test]
fn a_struct_valued_attribute_field_is_followed_into_dealloc() {
    let text = "from libc.stdlib cimport free\nfrom cpython.mem cimport PyMem_Malloc\n\
                cdef struct Ctx:\n    char* buf\n\
                cdef class B:\n    cdef Ctx ctx\n    def __cinit__(self):\n        \
                self.ctx.buf = <char*>PyMem_Malloc(10)\n    def __dealloc__(self):\n        \
                free(self.ctx.buf)\n";
    assert_eq!(
        found(text),
        vec![(
            "CY002".into(),
            10,
            9,
            "`self.ctx.buf` holds a block from `PyMem_Malloc` (PyMem) but is released with `free` (libc)"
                .into()
        )]
    );
}

#[test]
fn a_kind_stored_from_a_parameter_and_compared_with_a_constant_chooses_the_family() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/samples/cython/review9/");
    let clean = std::fs::read_to_string(format!("{dir}family_flag_compare.pyx")).unwrap();
    assert_eq!(found(&clean), vec![]);
    let bug = std::fs::read_to_string(format!("{dir}family_flag_compare_bug.pyx")).unwrap();
    let mismatch = |row, allocator: &str, deallocator: &str| {
        let family = |name: &str| {
            if name.starts_with("PyMem") {
                "PyMem"
            } else {
                "libc"
            }
        };
        let message = format!(
            "`self.p` may hold a block from `{allocator}` ({}) but is released with \
             `{deallocator}` ({})",
            family(allocator),
            family(deallocator)
        );
        ("CY002".to_string(), row, 13, message)
    };
    assert_eq!(
        found(&bug),
        vec![
            mismatch(22, "malloc", "PyMem_Free"),
            mismatch(24, "PyMem_Malloc", "free"),
            mismatch(42, "malloc", "PyMem_Free"),
            mismatch(44, "PyMem_Malloc", "free"),
            mismatch(64, "PyMem_Malloc", "free"),
            mismatch(85, "malloc", "PyMem_Free"),
            mismatch(87, "PyMem_Malloc", "free"),
        ]
    );
}

#[test]
fn a_factory_filled_instance_owns_its_attribute() {
    let text = "from libc.stdlib cimport malloc\n\
                cdef class W:\n    cdef int* _ptr\n\
                cdef W make(int n):\n    cdef W w = W.__new__(W)\n    w._ptr = <int*>malloc(n)\n    \
                return w\n";
    assert_eq!(
        found(text),
        vec![(
            "CY004".into(),
            6,
            20,
            "`self._ptr` receives a block from `malloc` but `W` has no `__dealloc__` to free it"
                .into()
        )]
    );
}

#[test]
fn a_callback_on_an_array_cast_over_a_block_is_checked_against_its_family() {
    let text = "from libc.stdlib cimport free\n\
                from cpython.mem cimport PyMem_Malloc\n\
                from cython cimport view\n\
                def ones(int n):\n    \
                    cdef float* p = <float*> PyMem_Malloc((n + 1) * sizeof(float))\n    \
                    if p == NULL:\n        raise MemoryError()\n    \
                    cdef view.array a = <float[:n]> p\n    \
                    a.callback_free_data = free\n    \
                    return a\n";
    let message = "a block from `PyMem_Malloc` (PyMem) is the array's `data`, which its \
                   `callback_free_data` releases with `free` (libc)";
    assert_eq!(found(text), vec![("CY002".into(), 9, 28, message.into())]);
}

/// A subclass's `__dealloc__` that frees an inherited attribute, which the base's
/// `__dealloc__` (run after it) frees again: its ways out must outlive the memory-saving
/// drop of a method's states (review9's b29).
#[test]
fn a_subclass_dealloc_freeing_an_inherited_attribute_is_a_double_free() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/samples/cython/review9/subclass_double.pyx"
    ))
    .unwrap();
    let found: Vec<(String, usize, usize)> = found(&text)
        .into_iter()
        .map(|(code, row, column, _)| (code, row, column))
        .collect();
    assert_eq!(found, vec![("CY005".into(), 18, 9)]);
}
