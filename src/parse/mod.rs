//! Parsing: source text to a tree-sitter syntax tree.
//!
//! `.pyx`, `.pxd` and `.pxi` files parse with our Cython grammar (grammar/);
//! pure-Python-mode `.py` files with tree-sitter-python (see [`parse`] for the one
//! exception). This module knows nothing of
//! rules or ownership.
//!
//! Invariant: nothing here recurses on the tree's depth (a 10,000-level nesting must not
//! overflow the stack), so every walk uses a `TreeCursor` loop.

mod groups;
mod nesting;

pub use groups::{
    parses_cleanly_by_groups, recovery_groups, statements_of, top_level_groups, GroupParser,
    RecoveryGroup,
};
pub use nesting::{DeepDefinition, MAX_BLOCK_DEPTH};

use std::path::Path;

use std::ops::ControlFlow;

use tree_sitter::{Language, Node, ParseOptions, ParseState, Parser, Tree};

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
            Dialect::Cython => tree_sitter_cython::LANGUAGE.into(),
            Dialect::PurePython => tree_sitter_python::LANGUAGE.into(),
        }
    }
}

/// Parses `text`. Tree-sitter always produces a tree: syntax errors become ERROR and
/// MISSING nodes in it (see [`first_syntax_error`]).
///
/// A pure-Python-mode file that tree-sitter-python rejects is parsed again with the
/// Cython grammar, which builds the same trees for Python code but also accepts what
/// tree-sitter-python wrongly refuses, such as the memoryview annotation `x: T[:]`
/// (Cython itself compiles `.py` files with its own parser). The second tree is kept
/// only if it is free of errors.
pub fn parse(text: &str, dialect: Dialect) -> Tree {
    let tree = parse_with(text, dialect.language());
    if dialect == Dialect::PurePython && tree.root_node().has_error() {
        let cython_tree = parse_with(text, Dialect::Cython.language());
        if !cython_tree.root_node().has_error() {
            return cython_tree;
        }
    }
    tree
}

/// A tree of `text` and the definitions it leaves out: [`parse`], except that a
/// definition whose body holds lines nested more than [`MAX_BLOCK_DEPTH`] blocks deep
/// is left out of the parse (tree-sitter's included ranges; positions stay the file's)
/// and returned, to be named as skipped. Such text (N nested `def`s, line k indented k
/// columns) is quadratic in N, and tree-sitter's lexer steps over every indentation
/// three times; here it is only scanned once, line by line ([`nesting`]).
///
/// The tree is [`parse`]'s whenever no line is that deep, when the cut is not clean (tabs
/// or form feeds in the indentation, a dedent to no open block, a definition that is the
/// only statement of its block, no definition around the deep lines) and when the tree
/// of the remaining text has a syntax error (so CY000 is reported exactly where a
/// whole parse puts it). Syntax errors inside a left-out definition are not seen.
/// Whether [`parse_bounded`] would leave a definition out of the text's parse (some line
/// is nested too deeply, and the cut is clean).
pub fn cuts_deep_definitions(text: &str) -> bool {
    nesting::cut_deep_definitions(text).is_some()
}

pub fn parse_bounded(text: &str, dialect: Dialect) -> (Tree, Vec<DeepDefinition>) {
    let Some(cut) = nesting::cut_deep_definitions(text) else {
        return (parse(text, dialect), Vec::new());
    };
    let mut parser = Parser::new();
    parser
        .set_language(&dialect.language())
        .expect("the bundled grammars are built against this tree-sitter version");
    let bounded = parser
        .set_included_ranges(&cut.included)
        .ok()
        .and_then(|()| parser.parse(text, None))
        .filter(|tree| !tree.root_node().has_error());
    match bounded {
        Some(tree) => (tree, cut.skipped),
        None => (parse(text, dialect), Vec::new()),
    }
}

/// Parses `text` again after an edit, reusing what tree-sitter can of `old` (which the
/// caller has told of the edit with [`Tree::edit`]): an editor's keystroke reparses only
/// the region it touched.
///
/// A new tree with a syntax error is thrown away for a fresh [`parse`]: tree-sitter's
/// error recovery weighs the subtrees it can reuse, so on text with errors an
/// incremental tree may place its ERROR nodes differently from a fresh parse, and the
/// editor's diagnostics must be the ones `cysafe check` gives for the same text. On text
/// without errors the two trees are equal (tests/incremental_parse.rs). A
/// pure-Python-mode file thereby also gets [`parse`]'s second try with the Cython
/// grammar. Since that tree would be thrown away, the incremental parse is stopped once
/// every version of its stack is in error, rather than spend its error recovery on it.
///
/// An old tree with a syntax error is not reused at all. Right after error recovery
/// inserts a missing token, tree-sitter drops a zero-width token from the external
/// scanner (a newline, say), so the next token is lexed with that line end in its
/// padding; reused later in a state with the same lexer mode, such a token skips the
/// newline the scanner would give there, and the incremental tree can join two lines
/// into one statement without any error (`free(p)` / `.` / `self.data = mem` became
/// `free(p).self.data = mem`).
pub fn reparse(text: &str, dialect: Dialect, old: &Tree) -> Tree {
    if old.root_node().has_error() {
        return parse(text, dialect);
    }
    let mut parser = Parser::new();
    parser
        .set_language(&old.language())
        .expect("the bundled grammars are built against this tree-sitter version");
    let bytes = text.as_bytes();
    let mut read = |offset: usize, _| bytes.get(offset..).unwrap_or_default();
    let mut stop_on_error = |state: &ParseState| {
        if state.has_error() {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    };
    let options = ParseOptions::new().progress_callback(&mut stop_on_error);
    match parser.parse_with_options(&mut read, Some(old), Some(options)) {
        Some(tree) if !tree.root_node().has_error() => tree,
        _ => parse(text, dialect),
    }
}

fn parse_with(text: &str, language: Language) -> Tree {
    let mut parser = Parser::new();
    parser
        .set_language(&language)
        .expect("the bundled grammars are built against this tree-sitter version");
    parser
        .parse(text, None)
        .expect("parsing without a timeout or cancellation flag always yields a tree")
}

/// For the tests that compare two ways of parsing real code: every file of `samples/`
/// cysafe reads, and with the environment variable `corpus` naming a directory, every
/// one under it, with its dialect and text (a file that is not UTF-8 is left out).
#[cfg(test)]
pub(crate) fn real_code(
    corpus: &str,
) -> impl Iterator<Item = (std::path::PathBuf, Dialect, String)> {
    let mut roots = vec![std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("samples")];
    roots.extend(std::env::var_os(corpus).map(std::path::PathBuf::from));
    roots
        .into_iter()
        .flat_map(|root| walkdir::WalkDir::new(root).sort_by_file_name())
        .filter_map(|entry| {
            let path = entry.expect("the tree is readable").into_path();
            let dialect = Dialect::from_path(&path)?;
            let text = std::fs::read_to_string(&path).ok()?;
            Some((path, dialect, text))
        })
}

/// A node's child by field name, at the cost of a field id: tree-sitter's own
/// `child_by_field_name` compares the name with every field name of the grammar on each
/// call, which was a sixth of lowering's time. Each grammar's id for a name is looked up
/// once per thread.
pub trait Fields<'tree> {
    fn field(&self, name: &'static str) -> Option<Node<'tree>>;

    /// Every child in the field, in order (`children_by_field_name` at the cost of a
    /// field id).
    fn fields<'cursor>(
        &self,
        name: &'static str,
        cursor: &'cursor mut tree_sitter::TreeCursor<'tree>,
    ) -> impl Iterator<Item = Node<'tree>> + 'cursor
    where
        'tree: 'cursor;
}

impl<'tree> Fields<'tree> for Node<'tree> {
    fn field(&self, name: &'static str) -> Option<Node<'tree>> {
        let id = field_id(&self.language(), name)?;
        self.child_by_field_id(id)
    }

    fn fields<'cursor>(
        &self,
        name: &'static str,
        cursor: &'cursor mut tree_sitter::TreeCursor<'tree>,
    ) -> impl Iterator<Item = Node<'tree>> + 'cursor
    where
        'tree: 'cursor,
    {
        // What `children_by_field_id` does; its iterator also borrows the node.
        let id = field_id(&self.language(), name).and_then(std::num::NonZeroU16::new);
        let mut done = id.is_none() || {
            cursor.reset(*self);
            !cursor.goto_first_child()
        };
        std::iter::from_fn(move || {
            while !done {
                let node = cursor.node();
                let wanted = cursor.field_id() == id;
                done = !cursor.goto_next_sibling();
                if wanted {
                    return Some(node);
                }
            }
            None
        })
    }
}

fn field_id(language: &Language, name: &'static str) -> Option<u16> {
    use std::cell::RefCell;
    use std::collections::HashMap;
    use std::hash::BuildHasherDefault;
    type Ids = HashMap<(usize, usize), Option<u16>, BuildHasherDefault<AddressHasher>>;
    thread_local! {
        // By grammar, then by the name's text (a literal's address and length; two
        // copies of one name only cost a second lookup). Two grammars, a few dozen names.
        static GRAMMARS: RefCell<Vec<(Language, Ids)>> = const { RefCell::new(Vec::new()) };
    }
    GRAMMARS.with(|grammars| {
        let mut grammars = grammars.borrow_mut();
        let index = match grammars.iter().position(|(known, _)| known == language) {
            Some(index) => index,
            None => {
                grammars.push((language.clone(), HashMap::default()));
                grammars.len() - 1
            }
        };
        let ids = &mut grammars[index].1;
        *ids.entry((name.as_ptr() as usize, name.len()))
            .or_insert_with(|| language.field_id_for_name(name).map(u16::from))
    })
}

/// Hashes the two words of a field name's key (its address and length) with FxHash's
/// step, a rotate, an xor and a multiply each: SipHash on every `field` lookup was about
/// 3% of a check's instructions (callgrind, the if/else shape of `benches/scale.rs`).
#[derive(Default)]
struct AddressHasher(u64);

impl std::hash::Hasher for AddressHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.write_usize(usize::from(byte));
        }
    }

    fn write_usize(&mut self, word: usize) {
        self.0 = (self.0.rotate_left(5) ^ word as u64).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

/// The first ERROR or MISSING node in document order, if any.
pub fn first_syntax_error(tree: &Tree) -> Option<Node<'_>> {
    syntax_error_in(tree.root_node())
}

/// The first ERROR or MISSING node shown in the subtree at `root`, if any.
pub fn syntax_error_in(root: Node<'_>) -> Option<Node<'_>> {
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

/// The S-expression of the subtree at `node`, in the form tree-sitter's corpus tests use:
/// named nodes only, each field name before its node, `(MISSING kind)` for nodes the
/// parser inserted. Written with a cursor loop, unlike `Node::to_sexp`, so that a
/// 10,000-level nesting cannot overflow the stack.
pub fn to_sexp(node: Node<'_>) -> String {
    let mut out = String::new();
    let mut cursor = node.walk();
    loop {
        let current = cursor.node();
        let shown = current.is_named() || current.is_missing();
        if shown {
            if !out.is_empty() {
                out.push(' ');
            }
            if let Some(field) = cursor.field_name() {
                out.push_str(field);
                out.push_str(": ");
            }
            out.push('(');
            if current.is_missing() {
                out.push_str("MISSING ");
                if current.is_named() {
                    out.push_str(current.kind());
                } else {
                    out.push('"');
                    out.push_str(current.kind());
                    out.push('"');
                }
            } else {
                out.push_str(current.kind());
            }
        }
        if cursor.goto_first_child() {
            continue;
        }
        if shown {
            out.push(')');
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return out;
            }
            let parent = cursor.node();
            if parent.is_named() || parent.is_missing() {
                out.push(')');
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sexp_names_fields_and_skips_anonymous_nodes() {
        let tree = parse("cdef int* p = NULL\n", Dialect::Cython);
        assert_eq!(
            to_sexp(tree.root_node()),
            "(module (c_variable_declaration type: (c_type (identifier)) \
             declarator: (c_declarator (pointer_declarator) name: (identifier) \
             value: (identifier))))"
        );
    }

    #[test]
    fn sexp_matches_tree_sitter_for_python() {
        let text = "def f(a, *b):\n    return a[0] if b else None\n";
        let tree = parse(text, Dialect::PurePython);
        assert_eq!(to_sexp(tree.root_node()), tree.root_node().to_sexp());
    }

    #[test]
    fn sexp_matches_tree_sitter_on_syntax_errors() {
        for text in [
            "x = (1\n",
            "if x\n    pass\n",
            "cdef int = \n",
            "def f(a:\n",
        ] {
            let tree = parse(text, Dialect::Cython);
            assert!(tree.root_node().has_error(), "{text:?}");
            assert_eq!(
                to_sexp(tree.root_node()),
                tree.root_node().to_sexp(),
                "{text:?}"
            );
        }
    }

    #[test]
    fn first_error_is_found_and_valid_cython_has_none() {
        let valid = parse("cdef extern from *:\n    int f(int)\n", Dialect::Cython);
        assert!(first_syntax_error(&valid).is_none());
        let invalid = parse("cdef int = \n", Dialect::Cython);
        assert!(first_syntax_error(&invalid).is_some());
    }

    #[test]
    fn memoryview_annotations_parse_in_both_dialects() {
        let text = "def f(n):\n    a: int32_t[:] = numpy.zeros(n)\n    b: List[int] = []\n";
        for dialect in [Dialect::Cython, Dialect::PurePython] {
            let tree = parse(text, dialect);
            assert!(first_syntax_error(&tree).is_none(), "{dialect:?}");
            let sexp = to_sexp(tree.root_node());
            assert!(
                sexp.contains("type: (type (subscript value: (identifier) subscript: (slice)))"),
                "{sexp}"
            );
            assert!(sexp.contains("(generic_type (identifier)"), "{sexp}");
        }
    }

    #[test]
    fn python_that_no_grammar_accepts_keeps_the_python_tree() {
        let tree = parse("def f(:\n", Dialect::PurePython);
        assert!(first_syntax_error(&tree).is_some());
        assert_eq!(tree.language().name(), Some("python"));
    }
}
