//! The diagnostic a rule produces and a reporter prints.
//!
//! Positions are kept as byte spans into the file's text; reporters turn them into
//! rows and columns (both from 1, columns in characters) with [`LineIndex`], so that no
//! rule has to know how a position is shown.

use std::path::PathBuf;

use crate::rules::RuleMeta;

/// A half-open byte range `[start, end)` into a file's source text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    /// The same range `delta` bytes further (an edit before it changed the text's length).
    pub fn moved_by(self, delta: isize) -> Span {
        Span {
            start: self.start.saturating_add_signed(delta),
            end: self.end.saturating_add_signed(delta),
        }
    }

    /// Whether this range lies inside `outer`.
    pub fn lies_within(self, outer: Span) -> bool {
        outer.start <= self.start && self.end <= outer.end
    }
}

/// A secondary site that explains a diagnostic ("allocated here", "freed here").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Related {
    /// `None` when the site is in the same file as the diagnostic.
    pub path: Option<PathBuf>,
    pub span: Span,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub rule: &'static RuleMeta,
    pub message: String,
    /// Where the diagnostic is reported: its primary label.
    pub span: Span,
    /// The text of the primary label, shown under the source line.
    pub label: String,
    /// One line that says how to fix it.
    pub help: Option<String>,
    pub related: Vec<Related>,
    /// The edit that repairs it, when one can be written safely enough to offer: computed
    /// once (see `crate::fix`) and shown or applied by every surface.
    pub fix: Option<Fix>,
}

impl Diagnostic {
    /// The same diagnostic `delta` bytes further in its file: its span, its related sites
    /// in the same file, and its fix's edits (the text it is about moved, unchanged).
    pub fn moved_by(&self, delta: isize) -> Diagnostic {
        let mut moved = self.clone();
        moved.span = moved.span.moved_by(delta);
        for related in moved.related.iter_mut().filter(|r| r.path.is_none()) {
            related.span = related.span.moved_by(delta);
        }
        if let Some(fix) = &mut moved.fix {
            for edit in &mut fix.edits {
                edit.span = edit.span.moved_by(delta);
            }
        }
        moved
    }

    /// Whether every position it holds in its own file (its span, its related sites
    /// there, its fix's edits) lies inside `outer`.
    pub fn lies_within(&self, outer: Span) -> bool {
        self.span.lies_within(outer)
            && self
                .related
                .iter()
                .all(|related| related.path.is_some() || related.span.lies_within(outer))
            && self
                .fix
                .iter()
                .flat_map(|fix| &fix.edits)
                .all(|edit| edit.span.lies_within(outer))
    }
}

/// Whether applying a fix can change what a correct program does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    /// Behaviour is kept on every path where the program was correct: `check --fix`
    /// applies it.
    Safe,
    /// Behaviour changes (it adds a raise, or silences a report): applied only with
    /// `--unsafe-fixes`, or by hand in an editor.
    Unsafe,
}

impl Applicability {
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
        }
    }
}

/// Replace the text of `span` with `content` (an insertion when the span is empty).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Edit {
    pub span: Span,
    pub content: String,
}

impl Edit {
    pub fn insert(at: usize, content: impl Into<String>) -> Edit {
        Edit {
            span: Span::new(at, at),
            content: content.into(),
        }
    }

    pub fn replace(span: Span, content: impl Into<String>) -> Edit {
        Edit {
            span,
            content: content.into(),
        }
    }
}

/// A repair: its edits never overlap and are sorted by position.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub applicability: Applicability,
    /// What it does, in the imperative ("keep the result of `realloc` in `tmp`").
    pub message: String,
    pub edits: Vec<Edit>,
}

impl Fix {
    pub fn new(applicability: Applicability, message: String, mut edits: Vec<Edit>) -> Fix {
        edits.sort();
        Fix {
            applicability,
            message,
            edits,
        }
    }

    /// The text with every edit applied.
    pub fn apply(&self, text: &str) -> String {
        crate::fix::apply_edits(text, self.edits.iter())
    }
}

/// A 1-based row and a 1-based column counted in characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    pub row: usize,
    pub column: usize,
}

/// Maps byte offsets of one text to rows and character columns.
pub struct LineIndex<'a> {
    text: &'a str,
    line_starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        let mut line_starts = vec![0];
        // `match_indices` of a `char` searches with memchr: this runs over every byte
        // of a file that is mostly indentation (N nested `def`s).
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { text, line_starts }
    }

    /// The position of a byte offset; an offset past the end or inside a UTF-8 sequence
    /// is clamped to the nearest character boundary before it.
    pub fn position(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = match self.line_starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next - 1,
        };
        let column = self.text[self.line_starts[line]..offset].chars().count() + 1;
        Position {
            row: line + 1,
            column,
        }
    }

    /// The text of the 1-based row, without its line ending.
    pub fn line_text(&self, row: usize) -> &'a str {
        let start = self.line_starts[row - 1];
        let end = self
            .line_starts
            .get(row)
            .copied()
            .unwrap_or(self.text.len());
        self.text[start..end].trim_end_matches(['\n', '\r'])
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters_not_bytes() {
        let index = LineIndex::new("a = 1\nnamé = p[0]\n");
        assert_eq!(index.position(0), Position { row: 1, column: 1 });
        // `p` after "namé = " is the 8th character but the 9th byte of the line.
        let p = "a = 1\nnamé = ".len();
        assert_eq!(index.position(p), Position { row: 2, column: 8 });
        assert_eq!(index.line_text(2), "namé = p[0]");
    }

    #[test]
    fn offsets_past_the_end_are_clamped() {
        let index = LineIndex::new("ab");
        assert_eq!(index.position(99), Position { row: 1, column: 3 });
    }
}
