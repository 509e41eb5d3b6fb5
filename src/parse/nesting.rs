//! The nesting bound, applied before parsing: a line scanner that follows Python's
//! logical lines (strings of every quoting with their escapes, comments, brackets,
//! backslash continuations) and the indentation of each, so that a definition holding
//! lines nested more than [`MAX_BLOCK_DEPTH`] blocks deep is cut out of the text
//! tree-sitter sees, whole lines at a time.
//!
//! Invariants: a cut starts at the start of the line of the definition's first decorator
//! (or its header) and ends at the start of the line of the next statement at the
//! definition's indentation or less (or at the end of the text), so what is left is a
//! sequence of whole statements, as if the definition had never been written. A cut is
//! made only where it leaves the block around the definition another statement, and
//! only when the indentation is spaces (the grammar counts a tab to the next multiple of
//! 8 and a form feed as column 0; where they appear the text is parsed whole). Nothing
//! here allocates per line: the scan keeps a stack of the open blocks only.

use crate::diagnostic::Span;
use tree_sitter::{Point, Range};

/// Deepest block nesting (indentation levels) parsed; a definition holding deeper lines
/// is skipped and named, like one too deep to lower (`lower::MAX_NESTING`).
pub const MAX_BLOCK_DEPTH: usize = 200;

/// A definition left out of the parse because it holds lines nested too deeply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeepDefinition {
    /// Its name as lowering names a function: `Class.method` for a method.
    pub name: String,
    /// Where its name is written.
    pub name_span: Span,
}

/// The text tree-sitter should see, and what it leaves out.
pub(super) struct Cut {
    pub included: Vec<Range>,
    pub skipped: Vec<DeepDefinition>,
}

/// The ranges to parse and the definitions cut out of them, or `None` when nothing is
/// nested past the bound or the cut would not be clean (see the module documentation).
pub(super) fn cut_deep_definitions(text: &str) -> Option<Cut> {
    cut_past(text, MAX_BLOCK_DEPTH)
}

/// [`cut_deep_definitions`] at any bound (the tests cut real code at small ones).
fn cut_past(text: &str, bound: usize) -> Option<Cut> {
    if !has_deep_indentation(text, bound) {
        return None;
    }
    let mut scanner = Scanner {
        bytes: text.as_bytes(),
        pos: 0,
        row: 0,
        line_start: 0,
    };
    let mut blocks = vec![Block {
        column: 0,
        opener: None,
        statements: 0,
    }];
    // The previous logical line, which opens the block of a deeper line after it.
    let mut previous: Option<Header> = None;
    // The first line of the decorators before the next definition, if any.
    let mut decorators: Option<(usize, usize)> = None;
    let mut cutting: Option<Cutting> = None;
    let mut cuts: Vec<(Cutting, usize, usize)> = Vec::new();
    loop {
        let line_start = scanner.pos;
        let line_row = scanner.row;
        let column = scanner.indentation()?;
        match scanner.bytes.get(scanner.pos) {
            None => break,
            Some(b'\n') => {
                scanner.next_line();
                continue;
            }
            Some(b'\r') if scanner.bytes.get(scanner.pos + 1) == Some(&b'\n') => {
                scanner.pos += 1;
                scanner.next_line();
                continue;
            }
            Some(b'#') => {
                scanner.skip_comment();
                if scanner.pos < scanner.bytes.len() {
                    scanner.next_line();
                }
                continue;
            }
            Some(_) => {}
        }
        let content_start = scanner.pos;
        if column > blocks.last().map_or(0, |block| block.column) {
            blocks.push(Block {
                column,
                opener: previous.take(),
                statements: 0,
            });
        } else {
            while column < blocks.last().map_or(0, |block| block.column) {
                blocks.pop();
            }
            if blocks.last().map_or(0, |block| block.column) != column {
                return None;
            }
        }
        let level = blocks.len() - 1;
        if let Some(open) = cutting.take() {
            if level > open.level {
                cutting = Some(open);
            } else if level == open.level || open.others_before {
                cuts.push((open, line_start, line_row));
            } else {
                return None;
            }
        }
        if cutting.is_none() && level > bound {
            let open = innermost_definition(&blocks, scanner.bytes)?;
            // A definition cut out before may lie inside this one (it held deep lines
            // of its own, and this one holds others): this cut covers it.
            while cuts
                .last()
                .is_some_and(|(earlier, _, _)| earlier.start >= open.start)
            {
                cuts.pop();
            }
            cutting = Some(open);
        }
        scanner.logical_line();
        let header_end = scanner.pos;
        if scanner.bytes[content_start] == b'@' {
            decorators.get_or_insert((line_start, line_row));
            previous = None;
        } else {
            blocks[level].statements += 1;
            let (start, row) = decorators.take().unwrap_or((line_start, line_row));
            previous = Some(Header {
                start,
                row,
                text: content_start..header_end,
            });
        }
    }
    if let Some(open) = cutting {
        if !open.others_before {
            return None;
        }
        cuts.push((open, scanner.bytes.len(), scanner.row));
    }
    let end = Point::new(scanner.row, scanner.bytes.len() - scanner.line_start);
    let mut included = Vec::new();
    let mut from = (0, Point::new(0, 0));
    let mut skipped = Vec::new();
    for (open, until, until_row) in cuts {
        if open.start > from.0 {
            included.push(Range {
                start_byte: from.0,
                end_byte: open.start,
                start_point: from.1,
                end_point: Point::new(open.row, 0),
            });
        }
        from = (until, Point::new(until_row, 0));
        skipped.push(open.definition);
    }
    if from.0 < scanner.bytes.len() {
        included.push(Range {
            start_byte: from.0,
            end_byte: scanner.bytes.len(),
            start_point: from.1,
            end_point: end,
        });
    }
    if skipped.is_empty() || included.is_empty() {
        return None;
    }
    Some(Cut { included, skipped })
}

/// Whether some line starts with more than `bound` spaces: without one, no
/// line can be that deep (each level is at least one column deeper), and the text is
/// parsed whole without being scanned.
fn has_deep_indentation(text: &str, bound: usize) -> bool {
    // `split` on a `char` searches with memchr: this runs on every file checked.
    text.split('\n').any(|line| {
        let line = line.as_bytes();
        line.len() > bound && line[..=bound].iter().all(|&byte| byte == b' ')
    })
}

/// An open block: the column of its statements and the line that opened it.
struct Block {
    column: usize,
    opener: Option<Header>,
    /// Statements written in it so far (a decorated definition counts once).
    statements: usize,
}

/// A logical line that may open a block: where its statement starts (its first
/// decorator's line) and its text after the indentation.
struct Header {
    start: usize,
    row: usize,
    text: std::ops::Range<usize>,
}

/// A definition being cut out, from `start` (a line start at `row`).
struct Cutting {
    start: usize,
    row: usize,
    /// The index of the block the definition is a statement of.
    level: usize,
    /// Whether that block has a statement before the definition.
    others_before: bool,
    definition: DeepDefinition,
}

/// The innermost definition around the deepest open block, to be cut out whole; `None`
/// when no open block is a definition's body.
fn innermost_definition(blocks: &[Block], bytes: &[u8]) -> Option<Cutting> {
    let (body, header, name) = blocks.iter().enumerate().rev().find_map(|(index, block)| {
        let header = block.opener.as_ref()?;
        match definition(&bytes[header.text.clone()])? {
            Definition::Function(name) => Some((index, header, name)),
            Definition::Class(_) => None,
        }
    })?;
    let level = body - 1;
    let name_start = header.text.start + name.start;
    let name_span = Span::new(name_start, header.text.start + name.end);
    let own_name = std::str::from_utf8(&bytes[name_span.start..name_span.end]).ok()?;
    // As lowering names a method: after the class whose body the definition is
    // directly in (no other definition between them).
    let class = blocks[..body].iter().rev().find_map(|block| {
        let header = block.opener.as_ref()?;
        Some(match definition(&bytes[header.text.clone()])? {
            Definition::Class(name) => {
                let at = header.text.start;
                std::str::from_utf8(&bytes[at + name.start..at + name.end]).ok()
            }
            Definition::Function(_) => None,
        })
    });
    let name = match class.flatten() {
        Some(class) => format!("{class}.{own_name}"),
        None => own_name.to_string(),
    };
    Some(Cutting {
        start: header.start,
        row: header.row,
        level,
        others_before: blocks[level].statements > 1,
        definition: DeepDefinition { name, name_span },
    })
}

enum Definition {
    /// A function's header; where its name is, in the header's text.
    Function(std::ops::Range<usize>),
    /// A class's header; where its name is.
    Class(std::ops::Range<usize>),
}

/// Whether a logical line (after its indentation) starts a function or class definition
/// with a body, and where its name is written.
fn definition(header: &[u8]) -> Option<Definition> {
    let words = words_before_paren(header);
    let first = words.first()?;
    let word = |range: &std::ops::Range<usize>| &header[range.clone()];
    match word(&first.0) {
        b"def" => Some(Definition::Function(words.get(1)?.0.clone())),
        b"async" if words.get(1).map(|w| word(&w.0)) == Some(b"def") => {
            Some(Definition::Function(words.get(2)?.0.clone()))
        }
        b"class" => Some(Definition::Class(words.get(1)?.0.clone())),
        b"cdef" | b"cpdef" => {
            let modifiers: &[&[u8]] = &[b"public", b"api", b"readonly", b"inline", b"final"];
            let mut rest = words[1..]
                .iter()
                .skip_while(|(range, _)| modifiers.contains(&word(range)));
            match rest.next() {
                Some((range, _)) if word(range) == b"class" => {
                    Some(Definition::Class(rest.next()?.0.clone()))
                }
                Some((range, _))
                    if [
                        &b"extern"[..],
                        b"struct",
                        b"union",
                        b"enum",
                        b"cppclass",
                        b"fused",
                    ]
                    .contains(&word(range)) =>
                {
                    None
                }
                // A C function: the word right before the parameters' parenthesis.
                _ => words[1..]
                    .iter()
                    .find(|(_, before_paren)| *before_paren)
                    .map(|(range, _)| Definition::Function(range.clone())),
            }
        }
        _ => None,
    }
}

/// The identifiers of a header outside brackets, each with whether a `(` follows it
/// (after spaces); up to the first `(` that follows an identifier.
fn words_before_paren(header: &[u8]) -> Vec<(std::ops::Range<usize>, bool)> {
    let mut words = Vec::new();
    let mut depth = 0usize;
    let mut at = 0;
    while at < header.len() {
        let byte = header[at];
        if byte.is_ascii_alphabetic() || byte == b'_' || byte >= 0x80 {
            let start = at;
            while at < header.len()
                && (header[at].is_ascii_alphanumeric() || header[at] == b'_' || header[at] >= 0x80)
            {
                at += 1;
            }
            if depth == 0 {
                let mut next = at;
                while header.get(next) == Some(&b' ') {
                    next += 1;
                }
                let before_paren = header.get(next) == Some(&b'(');
                words.push((start..at, before_paren));
                if before_paren {
                    break;
                }
            }
            continue;
        }
        match byte {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            b':' if depth == 0 => break,
            _ => {}
        }
        at += 1;
    }
    words
}

/// The scan: a position in the text and its row.
pub(super) struct Scanner<'t> {
    pub(super) bytes: &'t [u8],
    pub(super) pos: usize,
    pub(super) row: usize,
    pub(super) line_start: usize,
}

impl Scanner<'_> {
    /// Steps over a line's indentation and returns its column; `None` for a tab or form
    /// feed in it.
    fn indentation(&mut self) -> Option<usize> {
        let start = self.pos;
        while self.bytes.len() - self.pos >= 8 && self.bytes[self.pos..self.pos + 8] == *b"        "
        {
            self.pos += 8;
        }
        while self.bytes.get(self.pos) == Some(&b' ') {
            self.pos += 1;
        }
        match self.bytes.get(self.pos) {
            Some(b'\t' | b'\x0c') => None,
            _ => Some(self.pos - start),
        }
    }

    /// Steps over the `\n` at the position.
    pub(super) fn next_line(&mut self) {
        self.pos += 1;
        self.row += 1;
        self.line_start = self.pos;
    }

    /// Steps to the end of a comment (the `\n` that ends it, or the end of the text).
    pub(super) fn skip_comment(&mut self) {
        self.pos = self.bytes[self.pos..]
            .iter()
            .position(|&byte| byte == b'\n')
            .map_or(self.bytes.len(), |offset| self.pos + offset);
    }

    /// Steps over the rest of a logical line, past the `\n` that ends it.
    pub(super) fn logical_line(&mut self) {
        let mut depth = 0usize;
        while let Some(&byte) = self.bytes.get(self.pos) {
            match byte {
                b'\n' => {
                    self.next_line();
                    if depth == 0 {
                        return;
                    }
                }
                b'\\' => {
                    self.pos += 1;
                    if self.bytes.get(self.pos) == Some(&b'\r')
                        && self.bytes.get(self.pos + 1) == Some(&b'\n')
                    {
                        self.pos += 1;
                    }
                    if self.bytes.get(self.pos) == Some(&b'\n') {
                        self.next_line();
                    }
                }
                b'#' => self.skip_comment(),
                b'(' | b'[' | b'{' => {
                    depth += 1;
                    self.pos += 1;
                }
                b')' | b']' | b'}' => {
                    depth = depth.saturating_sub(1);
                    self.pos += 1;
                }
                b'\'' | b'"' => self.string(byte),
                _ => self.pos += 1,
            }
        }
    }

    /// Steps over the rest of a line, past the `\n` that ends it, as
    /// [`Scanner::logical_line`] does but for brackets, which it does not follow: after a
    /// syntax error an unclosed bracket must not hide the statements after it (a string
    /// or a backslash continuation still continues the line).
    pub(super) fn line_ignoring_brackets(&mut self) {
        while let Some(&byte) = self.bytes.get(self.pos) {
            match byte {
                b'\n' => {
                    self.next_line();
                    return;
                }
                b'\\' => {
                    self.pos += 1;
                    if self.bytes.get(self.pos) == Some(&b'\r')
                        && self.bytes.get(self.pos + 1) == Some(&b'\n')
                    {
                        self.pos += 1;
                    }
                    if self.bytes.get(self.pos) == Some(&b'\n') {
                        self.next_line();
                    }
                }
                b'#' => self.skip_comment(),
                b'\'' | b'"' => self.string(byte),
                _ => self.pos += 1,
            }
        }
    }

    /// Steps over a string literal starting at the position (its prefix, if any, was
    /// stepped over as a word). An escaped quote never ends it, raw or not; a
    /// single-quoted string ends at the end of its line even when unterminated.
    fn string(&mut self, quote: u8) {
        let triple = self.bytes.get(self.pos + 1) == Some(&quote)
            && self.bytes.get(self.pos + 2) == Some(&quote);
        self.pos += if triple { 3 } else { 1 };
        while let Some(&byte) = self.bytes.get(self.pos) {
            if byte == b'\\' {
                self.pos += 1;
                match self.bytes.get(self.pos) {
                    Some(b'\n') => self.next_line(),
                    Some(_) => self.pos += 1,
                    None => {}
                }
            } else if byte == b'\n' {
                if !triple {
                    return;
                }
                self.next_line();
            } else if byte == quote
                && (!triple
                    || (self.bytes.get(self.pos + 1) == Some(&quote)
                        && self.bytes.get(self.pos + 2) == Some(&quote)))
            {
                self.pos += if triple { 3 } else { 1 };
                return;
            } else {
                self.pos += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{parse, parse_bounded, to_sexp, Dialect};

    /// `depth` nested defs, line k of each indented k columns (benches/scale.rs's shape),
    /// with `extra` after each header.
    fn nested(depth: usize, extra: &str) -> String {
        let mut text = String::from("from libc.stdlib cimport malloc, free\n\n");
        for level in 0..depth {
            let indent = " ".repeat(level);
            text.push_str(&format!(
                "{indent}def f{level}():\n{indent} p = <int*>malloc(8)\n{indent} if p == NULL:\n\
                 {indent}  raise MemoryError(){extra}\n{indent} free(p)\n"
            ));
        }
        text
    }

    /// The text without the cut ranges, which must parse as the bounded tree does.
    fn without_cuts(text: &str, included: &[Range]) -> String {
        included
            .iter()
            .map(|range| &text[range.start_byte..range.end_byte])
            .collect()
    }

    fn names(skipped: &[DeepDefinition], text: &str) -> Vec<(String, String)> {
        skipped
            .iter()
            .map(|d| {
                let span = &text[d.name_span.start..d.name_span.end];
                (d.name.clone(), span.to_string())
            })
            .collect()
    }

    #[test]
    fn shallow_text_is_not_scanned_or_cut() {
        assert!(cut_deep_definitions(&nested(150, "")).is_none());
        let (tree, skipped) = parse_bounded(&nested(150, ""), Dialect::Cython);
        assert!(skipped.is_empty());
        assert!(!tree.root_node().has_error());
    }

    #[test]
    fn the_definition_around_the_first_line_past_the_bound_is_cut_to_the_end() {
        let text = nested(260, "");
        let cut = cut_deep_definitions(&text).expect("lines are deeper than the bound");
        // f199's `raise` is the first line 201 blocks deep.
        assert_eq!(names(&cut.skipped, &text), [("f199".into(), "f199".into())]);
        assert_eq!(cut.included.len(), 1);
        let kept = without_cuts(&text, &cut.included);
        assert!(kept.ends_with(&format!("{} free(p)\n", " ".repeat(198))));
        let (tree, skipped) = parse_bounded(&text, Dialect::Cython);
        assert_eq!(skipped, cut.skipped);
        assert!(!tree.root_node().has_error());
        assert_eq!(
            to_sexp(tree.root_node()),
            to_sexp(parse(&kept, Dialect::Cython).root_node())
        );
        // Positions are the file's: the last kept statement's row and byte.
        let last = tree.root_node().end_position();
        assert_eq!(last.row, kept.matches('\n').count());
    }

    #[test]
    fn a_cut_in_the_middle_keeps_the_statements_after_it_at_their_positions() {
        let blocks: String = (0..210)
            .map(|level| format!("{}if x:\n", " ".repeat(level + 8)))
            .collect();
        let text = format!(
            "class C:\n    x = 1\n    @staticmethod\n    @other\n    def m(self):\n{blocks}{}pass\n    \
             def after(self):\n        q = 'not\\\n    a line'\n\nafter = \'\'\'\n{}\'\'\'\ny = (1,\n{}2)\n",
            " ".repeat(218),
            " ".repeat(300),
            " ".repeat(300)
        );
        let cut = cut_deep_definitions(&text).expect("lines are deeper than the bound");
        // The method is cut out from its first decorator, named after its class.
        assert_eq!(names(&cut.skipped, &text), [("C.m".into(), "m".into())]);
        let kept = without_cuts(&text, &cut.included);
        assert!(
            kept.starts_with("class C:\n    x = 1\n    def after(self):\n"),
            "{kept}"
        );
        let (tree, skipped) = parse_bounded(&text, Dialect::Cython);
        assert_eq!(skipped.len(), 1);
        assert!(!tree.root_node().has_error());
        assert_eq!(
            to_sexp(tree.root_node()),
            to_sexp(parse(&kept, Dialect::Cython).root_node())
        );
        let after = text.find("def after").unwrap();
        let node = tree
            .root_node()
            .named_descendant_for_byte_range(after, after + 3)
            .unwrap();
        assert_eq!(node.kind(), "function_definition");
        assert_eq!(
            node.start_position().row,
            text[..after].matches('\n').count()
        );
    }

    #[test]
    fn c_functions_are_named_by_the_word_before_their_parameters() {
        let inner: String = (0..210)
            .map(|level| format!("{}if x{level}:\n", " ".repeat(level + 4)))
            .collect();
        let text = format!(
            "x = 0\ncdef inline int* make(int n) except NULL nogil:\n    p = NULL\n{inner}{}pass\n",
            " ".repeat(214)
        );
        let cut = cut_deep_definitions(&text).expect("lines are deeper than the bound");
        assert_eq!(names(&cut.skipped, &text), [("make".into(), "make".into())]);
        assert_eq!(without_cuts(&text, &cut.included), "x = 0\n");
    }

    #[test]
    fn text_that_cannot_be_cut_cleanly_is_parsed_whole() {
        let deep = nested(230, "");
        // Tabs in the indentation.
        let tabbed = deep.replacen(" def f1", "\tdef f1", 1);
        assert!(cut_deep_definitions(&tabbed).is_none());
        // The deep definition is the only statement of its block.
        let ifs: String = (0..205)
            .map(|level| format!("{}if x:\n", " ".repeat(level + 2)))
            .collect();
        let alone = format!(
            "x = 1\nif x:\n def outer():\n{ifs}{}pass\n",
            " ".repeat(207)
        );
        assert!(cut_deep_definitions(&alone).is_none());
        // Deep lines in no definition.
        let blocks: String = (0..210)
            .map(|level| format!("{}if x:\n", " ".repeat(level)))
            .collect();
        let no_definition = format!("{blocks}{}pass\n", " ".repeat(210));
        assert!(cut_deep_definitions(&no_definition).is_none());
        let (tree, skipped) = parse_bounded(&no_definition, Dialect::Cython);
        assert!(skipped.is_empty());
        assert!(!tree.root_node().has_error());
    }

    #[test]
    fn a_syntax_error_outside_the_cut_gets_the_whole_parse() {
        let text = format!("x = (1\n{}", nested(230, ""));
        let (tree, skipped) = parse_bounded(&text, Dialect::Cython);
        assert!(skipped.is_empty());
        assert_eq!(
            to_sexp(tree.root_node()),
            to_sexp(parse(&text, Dialect::Cython).root_node())
        );
    }

    #[test]
    fn strings_comments_and_continuations_do_not_open_or_close_blocks() {
        // Deep-looking lines inside strings, brackets, comments and continuations are
        // not lines of their own: nothing is past the bound.
        let pad = " ".repeat(250);
        let text = format!(
            "def f():\n    s = '''\n{pad}x\n'''\n    t = \"a\\\n{pad}b\"\n    u = (1,\n{pad}2)\n    v = 1 + \\\n{pad}2\n{pad}# comment\n    w = r'\\''\n"
        );
        assert!(cut_deep_definitions(&text).is_none());
        let (tree, skipped) = parse_bounded(&text, Dialect::Cython);
        assert!(skipped.is_empty());
        assert!(
            !tree.root_node().has_error(),
            "{}",
            to_sexp(tree.root_node())
        );
    }

    /// Every sample (and with `CYSAFE_CUT_CORPUS=DIR`, every Cython file under DIR) cut
    /// at small bounds: wherever the whole text parses cleanly and a cut is made, the
    /// bounded tree is the tree of the text without the cuts, and each name is where it
    /// says.
    #[test]
    fn real_code_cut_at_small_bounds_parses_as_the_text_without_the_cuts() {
        let (mut files, mut cuts) = (0, 0);
        for (path, dialect, text) in crate::parse::real_code("CYSAFE_CUT_CORPUS") {
            if text.contains('\r') {
                continue;
            }
            files += 1;
            let whole = parse(&text, dialect);
            for bound in [1, 2, 3, 5] {
                let Some(cut) = cut_past(&text, bound) else {
                    continue;
                };
                for definition in &cut.skipped {
                    let written = &text[definition.name_span.start..definition.name_span.end];
                    assert!(definition.name.ends_with(written), "{}", path.display());
                }
                if whole.root_node().has_error() {
                    continue;
                }
                cuts += 1;
                let mut parser = tree_sitter::Parser::new();
                parser.set_language(&dialect.language()).unwrap();
                parser.set_included_ranges(&cut.included).unwrap();
                let bounded = parser.parse(&text, None).unwrap();
                let kept = without_cuts(&text, &cut.included);
                assert_eq!(
                    to_sexp(bounded.root_node()),
                    to_sexp(parse(&kept, dialect).root_node()),
                    "{} cut past {bound} blocks",
                    path.display()
                );
            }
        }
        assert!(files > 50 && cuts > 20, "{files} files, {cuts} cuts");
    }

    #[test]
    fn odd_text_never_panics() {
        let deep = nested(205, "");
        let mut cases = vec![
            format!("{deep}'''unterminated"),
            format!("{deep}x = 'unterminated\n"),
            format!("{deep}\\"),
            format!("{deep}# a comment at the end"),
            format!("{deep}{}# a deep comment at the end", " ".repeat(300)),
            format!("{deep}(\n"),
            deep.replace('\n', "\r\n"),
            deep.replacen(" def f1", "\x0cdef f1", 1),
            format!("{deep}{}", " ".repeat(300)),
            format!("{}\n", " ".repeat(300)),
            format!("{}@d\n", " ".repeat(300)),
            format!("{}def", " ".repeat(300)),
        ];
        // Every prefix of a deep text cut at a line boundary or mid-line.
        let mut rng = fastrand::Rng::with_seed(9);
        for _ in 0..40 {
            let mut end = rng.usize(..deep.len());
            while !deep.is_char_boundary(end) {
                end -= 1;
            }
            cases.push(deep[..end].to_string());
        }
        for text in cases {
            let (tree, skipped) = parse_bounded(&text, Dialect::Cython);
            if !skipped.is_empty() {
                assert!(!tree.root_node().has_error());
                for definition in &skipped {
                    assert!(text.is_char_boundary(definition.name_span.start));
                    assert!(definition.name_span.end <= text.len());
                }
            }
        }
    }
}
