//! An open document: its text, its version, and the syntax tree kept up to date with
//! tree-sitter's incremental reparse (each edit is told to the old tree, which the next
//! parse reuses wherever the edit did not reach).

use std::borrow::Cow;
use std::path::PathBuf;

use lsp_types::TextDocumentContentChangeEvent;
use tree_sitter::{InputEdit, Point, Tree};

use super::position::{Encoding, Lines};
use crate::analyze::AnalysisCache;
use crate::diagnostic::Diagnostic;
use crate::parse::{parse, reparse, Dialect};
use crate::source::{decode_text, SourceError};

pub struct Document {
    pub path: PathBuf,
    pub version: i32,
    /// The editor's text: every position the session receives or sends is in it.
    pub text: String,
    /// What `cysafe check` reads from the file saved from `text` ([`decode_text`]):
    /// `Ok(None)` when that is `text` itself, the usual case.
    source: Result<Option<String>, SourceError>,
    pub dialect: Dialect,
    /// The tree of the source, or of `text` when it is no source.
    pub tree: Tree,
    /// The latest tree without a syntax error, told of every edit since: the base of the
    /// next reparse while `tree` has an error. Tree-sitter reuses nothing of a tree after
    /// the place where its error recovery ran (its nodes there are fragile), so repairing
    /// the error from `tree` would parse the rest of the file again; from this tree only
    /// the edited region is parsed.
    clean: Option<Tree>,
    /// The diagnostics of the current text, once checked (`None` while an edit waits).
    pub diagnostics: Option<Vec<Diagnostic>>,
    /// What the last check lowered and analyzed, for the next one to reuse; away while a
    /// check of the document runs on the worker.
    pub cache: Option<AnalysisCache>,
}

impl Document {
    pub fn open(path: PathBuf, version: i32, text: String) -> Document {
        let dialect = Dialect::from_path(&path).unwrap_or(Dialect::Cython);
        let source = decoded(&text);
        let tree = parse(parsed_text(&text, &source), dialect);
        Document {
            path,
            version,
            text,
            source,
            dialect,
            clean: (!tree.root_node().has_error()).then(|| tree.clone()),
            tree,
            diagnostics: None,
            cache: None,
        }
    }

    /// Applies the changes of one `didChange`, in order, then reparses once.
    pub fn change(
        &mut self,
        version: i32,
        changes: Vec<TextDocumentContentChangeEvent>,
        encoding: Encoding,
    ) {
        let mut whole = false;
        for change in changes {
            match change.range {
                None => {
                    self.text = change.text;
                    whole = true;
                }
                Some(range) => {
                    let lines = Lines::new(&self.text);
                    let start = lines.offset(range.start, encoding);
                    let end = lines.offset(range.end, encoding).max(start);
                    let edit = InputEdit {
                        start_byte: start,
                        old_end_byte: end,
                        new_end_byte: start + change.text.len(),
                        start_position: point(&self.text, start),
                        old_end_position: point(&self.text, end),
                        new_end_position: end_point(point(&self.text, start), &change.text),
                    };
                    self.text.replace_range(start..end, &change.text);
                    if !whole {
                        self.tree.edit(&edit);
                        if let Some(clean) = &mut self.clean {
                            clean.edit(&edit);
                        }
                    }
                }
            }
        }
        let source = decoded(&self.text);
        // Decoding is byte for byte, but not local to an edit (a `#` typed before a NUL
        // turns it into a space; a `\n` typed after a lone `\r` turns that back into a
        // `\r`), and a lone `\r` moves rows: a tree of a decoded text is reused by no
        // reparse, nor does one build on a tree of the editor's text.
        let reusable =
            !whole && !matches!(self.source, Ok(Some(_))) && !matches!(source, Ok(Some(_)));
        self.source = source;
        let text = parsed_text(&self.text, &self.source);
        self.tree = if reusable {
            reparse(
                text,
                self.dialect,
                self.clean.as_ref().unwrap_or(&self.tree),
            )
        } else {
            self.clean = None;
            parse(text, self.dialect)
        };
        if !self.tree.root_node().has_error() {
            self.clean = Some(self.tree.clone());
        }
        self.version = version;
        self.diagnostics = None;
    }

    /// The text the analysis reads (an offset into it is one into [`Document::text`]), or
    /// why there is none.
    pub fn source(&self) -> Result<&str, &SourceError> {
        match &self.source {
            Ok(None) => Ok(&self.text),
            Ok(Some(decoded)) => Ok(decoded),
            Err(error) => Err(error),
        }
    }
}

/// The source of an editor's text, `None` when it is the text itself.
fn decoded(text: &str) -> Result<Option<String>, SourceError> {
    decode_text(text).map(|source| match source {
        Cow::Borrowed(_) => None,
        Cow::Owned(decoded) => Some(decoded),
    })
}

/// The text the tree is built from: the source, else the editor's text.
fn parsed_text<'a>(text: &'a str, source: &'a Result<Option<String>, SourceError>) -> &'a str {
    match source {
        Ok(Some(decoded)) => decoded,
        _ => text,
    }
}

/// The tree-sitter point (row, byte column) of a byte offset.
fn point(text: &str, offset: usize) -> Point {
    let before = &text[..offset];
    let row = before.bytes().filter(|&b| b == b'\n').count();
    let column = before
        .rfind('\n')
        .map_or(offset, |newline| offset - newline - 1);
    Point::new(row, column)
}

/// Where inserted text ends, given where it starts.
fn end_point(start: Point, inserted: &str) -> Point {
    let rows = inserted.bytes().filter(|&b| b == b'\n').count();
    if rows == 0 {
        Point::new(start.row, start.column + inserted.len())
    } else {
        let last = inserted.len() - inserted.rfind('\n').unwrap() - 1;
        Point::new(start.row + rows, last)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lsp_types::{Position, Range};

    fn change(start: (u32, u32), end: (u32, u32), text: &str) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: Some(Range::new(
                Position::new(start.0, start.1),
                Position::new(end.0, end.1),
            )),
            range_length: None,
            text: text.to_string(),
        }
    }

    #[test]
    fn a_syntax_error_is_repaired_from_the_last_tree_without_one() {
        let text = "def f(n):\n    p = g(n)\n    return p\n\ndef h():\n    pass\n";
        let mut document = Document::open(PathBuf::from("a.pyx"), 1, text.to_string());
        // `g(n` has no `)`: a tree with an error, built from scratch; the last clean tree
        // is kept, told of the edit.
        document.change(2, vec![change((1, 11), (1, 12), "")], Encoding::Utf8);
        assert!(document.tree.root_node().has_error());
        let clean = document
            .clean
            .as_ref()
            .expect("the tree before the error is kept");
        assert!(!clean.root_node().has_error());
        // Typing `)` back, then `x` in `h`: each tree is the one a fresh parse builds.
        document.change(3, vec![change((1, 11), (1, 11), ")")], Encoding::Utf8);
        assert_eq!(document.text, text);
        document.change(4, vec![change((5, 4), (5, 8), "x")], Encoding::Utf8);
        for (tree, name) in [
            (&document.tree, "tree"),
            (document.clean.as_ref().unwrap(), "clean"),
        ] {
            let fresh = parse(&document.text, Dialect::Cython);
            assert_eq!(
                tree.root_node().to_sexp(),
                fresh.root_node().to_sexp(),
                "{name}"
            );
        }
    }

    #[test]
    fn incremental_edits_give_the_tree_a_full_parse_gives() {
        let mut document = Document::open(
            PathBuf::from("a.pyx"),
            1,
            "def f(é):\n    return 1\n".to_string(),
        );
        // Replace `1` by `g(\n  2)` then type `x` after `é` (a UTF-16 position).
        document.change(
            2,
            vec![
                change((1, 11), (1, 12), "g(\n  2)"),
                change((0, 7), (0, 7), ", x"),
            ],
            Encoding::Utf16,
        );
        assert_eq!(document.text, "def f(é, x):\n    return g(\n  2)\n");
        assert_eq!(document.version, 2);
        let fresh = parse(&document.text, Dialect::Cython);
        assert_eq!(
            document.tree.root_node().to_sexp(),
            fresh.root_node().to_sexp()
        );
    }
}
