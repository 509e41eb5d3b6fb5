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
