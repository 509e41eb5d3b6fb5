//! Parsing: source text to a tree-sitter syntax tree.
//!
//! `.pyx`, `.pxd` and `.pxi` files parse with our Cython grammar (grammar/);
//! pure-Python-mode `.py` files with tree-sitter-python. This module knows nothing of
//! rules or ownership.
//!
//! Invariant: nothing here recurses on the tree's depth (a 10,000-level nesting must not
//! overflow the stack), so every walk uses a `TreeCursor` loop.

use std::path::Path;

use tree_sitter::{Language, Node, Parser, Tree};

/// Which language a file is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Dialect {
    /// `.pyx`, `.pxd`, `.pxi`: Cython syntax.
    Cython,
    /// `.py`: Python syntax; Cython's pure-Python mode.
    PurePython,
}

impl Dialect {
    /// The dialect of a file, from its extension; `None` for files cysafe does not read.
    pub fn from_path(path: &Path) -> Option<Dialect> {
        match path.extension()?.to_str()? {
            "pyx" | "pxd" | "pxi" => Some(Dialect::Cython),
            "py" => Some(Dialect::PurePython),
            _ => None,
        }
    }

    pub fn language(self) -> Language {
        match self {
            // Until the Cython grammar lands, Cython files parse as Python.
            Dialect::Cython | Dialect::PurePython => tree_sitter_python::LANGUAGE.into(),
        }
    }
}

/// Parses `text`. Tree-sitter always produces a tree: syntax errors become ERROR and
/// MISSING nodes in it (see [`first_syntax_error`]).
pub fn parse(text: &str, dialect: Dialect) -> Tree {
    let mut parser = Parser::new();
    parser
        .set_language(&dialect.language())
        .expect("the bundled grammars are built against this tree-sitter version");
    parser
        .parse(text, None)
        .expect("parsing without a timeout or cancellation flag always yields a tree")
}

/// The first ERROR or MISSING node in document order, if any.
pub fn first_syntax_error(tree: &Tree) -> Option<Node<'_>> {
    let root = tree.root_node();
    if !root.has_error() {
        return None;
    }
    let mut cursor = root.walk();
    loop {
        let node = cursor.node();
        if node.is_error() || node.is_missing() {
            return Some(node);
        }
        // Only descend into subtrees that contain an error.
        if node.has_error() && cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return None;
            }
        }
    }
}
