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
    if !has_deep_indentation(text.as_bytes()) {
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
                scanner.next_line();
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
        if cutting.is_none() && level > MAX_BLOCK_DEPTH {
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
    if included.is_empty() {
        return None;
    }
    Some(Cut { included, skipped })
}

/// Whether some line starts with more than [`MAX_BLOCK_DEPTH`] spaces: without one, no
/// line can be that deep (each level is at least one column deeper), and the text is
/// parsed whole without being scanned.
fn has_deep_indentation(bytes: &[u8]) -> bool {
    bytes.split(|&byte| byte == b'\n').any(|line| {
        line.len() > MAX_BLOCK_DEPTH && line[..=MAX_BLOCK_DEPTH].iter().all(|&b| b == b' ')
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
struct Scanner<'t> {
    bytes: &'t [u8],
    pos: usize,
    row: usize,
    line_start: usize,
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
    fn next_line(&mut self) {
        self.pos += 1;
        self.row += 1;
        self.line_start = self.pos;
    }

    /// Steps to the end of a comment (the `\n` that ends it, or the end of the text).
    fn skip_comment(&mut self) {
        self.pos = self.bytes[self.pos..]
            .iter()
            .position(|&byte| byte == b'\n')
            .map_or(self.bytes.len(), |offset| self.pos + offset);
    }

    /// Steps over the rest of a logical line, past the `\n` that ends it.
    fn logical_line(&mut self) {
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
