//! The Cython grammar for tree-sitter.
//!
//! ```
//! let mut parser = tree_sitter::Parser::new();
//! parser.set_language(&tree_sitter_cython::LANGUAGE.into()).unwrap();
//! let tree = parser.parse("cdef int* p = NULL\n", None).unwrap();
//! assert!(!tree.root_node().has_error());
//! ```

use tree_sitter_language::LanguageFn;

extern "C" {
    fn tree_sitter_cython() -> *const ();
}

/// The tree-sitter language of Cython (`.pyx`, `.pxd`, `.pxi`).
pub const LANGUAGE: LanguageFn = unsafe { LanguageFn::from_raw(tree_sitter_cython) };

/// The node types of the grammar, as generated (src/node-types.json).
pub const NODE_TYPES: &str = include_str!("../../src/node-types.json");

/// Test support: checks that the external scanner's saved states round-trip.
///
/// Tree-sitter saves the scanner's state after every token the scanner produces and
/// restores it whenever it resumes scanning there (on every reparse after an edit). With
/// the checks on, each saved state is restored into a second scanner, which must equal
/// the first and save the same bytes. Checks and counts are per thread.
#[doc(hidden)]
pub mod scanner_state_checks {
    extern "C" {
        fn tree_sitter_cython_external_scanner_check_states(enabled: bool);
        fn tree_sitter_cython_external_scanner_checked_states(
            checked: *mut u64,
            mismatched: *mut u64,
        );
    }

    /// Turns the checks on or off for the calling thread and resets its counts.
    pub fn set_enabled(enabled: bool) {
        // SAFETY: sets thread-local flags in the scanner; no pointers involved.
        unsafe { tree_sitter_cython_external_scanner_check_states(enabled) }
    }

    /// The states checked on the calling thread since `set_enabled`, and how many of
    /// them did not round-trip.
    pub fn counts() -> (u64, u64) {
        let (mut checked, mut mismatched) = (0, 0);
        // SAFETY: both pointers are valid for one write each.
        unsafe {
            tree_sitter_cython_external_scanner_checked_states(&mut checked, &mut mismatched)
        };
        (checked, mismatched)
    }
}
