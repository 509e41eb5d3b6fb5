//! Reading the lines around a finding: statements, indentation, function headers and
//! the blocks that enclose a line. Only the plain shapes are recognised; every function
//! here answers `None` for anything else, and the caller then offers no fix.

use std::collections::HashSet;

use crate::diagnostic::Span;
use crate::parse::Dialect;

/// The offset where the line holding `offset` starts.
pub fn line_start(text: &str, offset: usize) -> usize {
    text[..offset].rfind('\n').map_or(0, |newline| newline + 1)
}

/// The offset of the line ending (`\n`, or the end of the text) of the line holding
/// `offset`; a `\r` before it stays part of the line.
pub fn line_end(text: &str, offset: usize) -> usize {
    text[offset..]
        .find('\n')
        .map_or(text.len(), |newline| offset + newline)
}

/// The offset just past the line ending of the line holding `offset`.
pub fn next_line_start(text: &str, offset: usize) -> usize {
    (line_end(text, offset) + 1).min(text.len())
}

/// The leading spaces and tabs of a line.
pub fn indentation(line: &str) -> &str {
    &line[..line.len() - line.trim_start_matches([' ', '\t']).len()]
}

/// Whether the rest of a line is nothing, or only a comment.
pub fn is_blank_or_comment(rest: &str) -> bool {
    let rest = rest.trim();
    rest.is_empty() || rest.starts_with('#')
}

/// A line's text without its comment; a `#` inside a string literal is kept.
pub fn code_of(line: &str) -> &str {
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (index, c) in line.char_indices() {
        match quote {
            Some(q) => {
                if escaped {
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else if c == q {
                    quote = None;
                }
            }
            None if c == '#' => return line[..index].trim_end(),
            None if c == '"' || c == '\'' => quote = Some(c),
            None => {}
        }
    }
    line.trim_end()
}

/// One statement that starts a line: `start` is where its text starts (after the
/// indentation), `end` the end of its last line (before the line ending), and `indent`
/// the indentation of its first line.
#[derive(Clone, Copy, Debug)]
pub struct Statement<'a> {
    pub line_start: usize,
    pub end: usize,
    pub indent: &'a str,
}

/// The statement that holds `span`, when it starts its line (only indentation before
/// it, or a `cdef` declaration's type when `allow_declaration`) and nothing but a
/// comment follows it on its last line.
pub fn statement_around(text: &str, span: Span, allow_declaration: bool) -> Option<Statement<'_>> {
    let line_start = line_start(text, span.start);
    let before = &text[line_start..span.start];
    let indent = indentation(before);
    let lead = &before[indent.len()..];
    let plain = lead.is_empty();
    let declaration =
        allow_declaration && lead.starts_with("cdef ") && !lead.contains(['=', ',', ':', '(']);
    if !plain && !declaration {
        return None;
    }
    let end = line_end(text, span.end);
    let rest = &text[span.end..end];
    if !is_blank_or_comment(rest) || code_of(&text[line_start..end]).ends_with('\\') {
        return None;
    }
    Some(Statement {
        line_start,
        end,
        indent,
    })
}

/// The next line after `offset`'s line that holds code: its start and its text.
pub fn next_code_line(text: &str, offset: usize) -> Option<(usize, &str)> {
    let mut start = next_line_start(text, offset);
    while start < text.len() {
        let end = line_end(text, start);
        let line = &text[start..end];
        if !is_blank_or_comment(line) {
            return Some((start, line.trim_end_matches('\r')));
        }
        start = end + 1;
    }
    None
}

/// The end (before its line ending) of the block of lines indented deeper than
/// `indent` that starts after `offset`'s line: a compound statement's body.
pub fn block_end(text: &str, offset: usize, indent: &str) -> usize {
    let mut end = line_end(text, offset);
    let mut start = end + 1;
    while start < text.len() {
        let line_end = line_end(text, start);
        let line = &text[start..line_end];
        if !is_blank_or_comment(line) {
            if indentation(line).len() <= indent.len() {
                break;
            }
            end = line_end;
        }
        start = line_end + 1;
    }
    end
}

/// What the fixes need to know of the function that holds a finding.
#[derive(Debug)]
pub struct FunctionText<'a> {
    /// Where its header starts (`def`, `cdef`, ...).
    pub start: usize,
    /// The header, from its start to the `:` that ends it.
    pub header: &'a str,
    /// The decorators above it.
    pub decorators: Vec<&'a str>,
    /// The indentation of its header line and of its body.
    pub indent: &'a str,
    pub body_indent: &'a str,
    /// Where a declaration can go: the start of the first statement of the body that is
    /// not its docstring.
    pub declarations_at: usize,
    /// Every identifier the function's text uses.
    pub words: HashSet<&'a str>,
}

impl FunctionText<'_> {
    /// One level of indentation as the function writes it.
    pub fn unit(&self) -> &str {
        self.body_indent
            .strip_prefix(self.indent)
            .filter(|unit| !unit.is_empty())
            .unwrap_or("    ")
    }

    fn header_says(&self, word: &str) -> bool {
        words_of(self.header).any(|w| w == word)
    }

    /// Whether the function runs without the GIL as a whole (`nogil` in its header,
    /// `@cython.nogil` above it).
    pub fn is_nogil(&self) -> bool {
        self.header_says("nogil")
            || self
                .decorators
                .iter()
                .any(|d| matches!(d.trim(), "@cython.nogil" | "@nogil"))
    }

    /// Whether an exception raised in it cannot reach its caller: declared `noexcept`
    /// (`@cython.exceptval(check=False)` in pure-Python mode).
    pub fn is_noexcept(&self) -> bool {
        self.header_says("noexcept")
            || self.decorators.iter().any(|d| {
                let d: String = d.chars().filter(|c| !c.is_whitespace()).collect();
                d == "@cython.exceptval(check=False)"
            })
    }

    /// A name for a new local: `base`, else `base2`, `base3`, ..., the first the
    /// function does not use.
    pub fn fresh_name(&self, base: &str) -> String {
        if !self.words.contains(base) {
            return base.to_string();
        }
        (2..)
            .map(|n| format!("{base}{n}"))
            .find(|name| !self.words.contains(name.as_str()))
            .expect("some numbered name is free")
    }
}

/// Reads the function whose definition spans `span` (`def`, `cdef`, `cpdef`).
pub fn function_text(text: &str, span: Span) -> Option<FunctionText<'_>> {
    let start = span.start;
    let header_line = line_start(text, start);
    let indent = indentation(&text[header_line..start]);
    if header_line + indent.len() != start {
        return None;
    }
    let colon = header_colon(text, start, span.end)?;
    let header = &text[start..colon];
    // A body on the header's line (`def f(): return 1`) has no room for declarations.
    let header_end = line_end(text, colon);
    if !is_blank_or_comment(&text[colon + 1..header_end]) {
        return None;
    }
    let (first, first_line) = next_code_line(text, colon)?;
    let body_indent = indentation(first_line);
    if body_indent.len() <= indent.len() || first >= span.end {
        return None;
    }
    let statement = first + body_indent.len();
    let declarations_at = match docstring_end(text, statement) {
        Some(end) => {
            let after = next_code_line(text, end).map(|(start, _)| start);
            after.filter(|&start| start < span.end).unwrap_or(span.end)
        }
        None => first,
    };
    let mut decorators = Vec::new();
    let mut above = header_line;
    while above > 0 {
        let previous = line_start(text, above - 1);
        let line = text[previous..above - 1].trim_end_matches('\r');
        if !line.trim_start().starts_with('@') {
            break;
        }
        decorators.push(line);
        above = previous;
    }
    Some(FunctionText {
        start,
        header,
        decorators,
        indent,
        body_indent,
        declarations_at,
        words: words_of(&text[span.start..span.end.min(text.len())]).collect(),
    })
}

/// The `:` that ends a header starting at `start`: the first one outside brackets and
/// strings.
pub fn header_colon(text: &str, start: usize, limit: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    for (index, c) in text[start..limit.min(text.len())].char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => match c {
                '(' | '[' | '{' => depth += 1,
                ')' | ']' | '}' => depth = depth.saturating_sub(1),
                '"' | '\'' => quote = Some(c),
                ':' if depth == 0 => return Some(start + index),
                _ => {}
            },
        }
    }
    None
}

/// When a string literal starts at `start` (a docstring), the offset of its last line.
fn docstring_end(text: &str, start: usize) -> Option<usize> {
    let rest = &text[start..];
    // The opening quote, after a prefix, is on the statement's own line: looking past it
    // would cost the rest of the file for each function.
    let line = &rest[..rest.find('\n').unwrap_or(rest.len())];
    let prefix = line
        .find(['"', '\''])
        .filter(|&at| rest[..at].chars().all(|c| "rRuUbB".contains(c)))?;
    let literal = &rest[prefix..];
    for quotes in ["\"\"\"", "'''"] {
        if let Some(body) = literal.strip_prefix(quotes) {
            let close = body.find(quotes)?;
            return Some(start + prefix + quotes.len() + close);
        }
    }
    Some(start)
}

/// Whether the line at `offset` runs without the GIL: the nearest enclosing `with
/// nogil:` or `with gil:` block says, else the function's header.
pub fn runs_without_gil(text: &str, offset: usize, function: &FunctionText<'_>) -> bool {
    let mut line = line_start(text, offset);
    let mut indent = indentation(&text[line..line_end(text, line)]).len();
    // Past the body's own indentation no statement of the function encloses this one:
    // the lines above are not read (N statements would read N² lines).
    while line > function.start && indent > function.body_indent.len() {
        line = line_start(text, line - 1);
        let content = &text[line..line_end(text, line)];
        if is_blank_or_comment(content) || indentation(content).len() >= indent {
            continue;
        }
        indent = indentation(content).len();
        let code = code_of(content.trim());
        if let Some(items) = code.strip_prefix("with ").and_then(|c| c.strip_suffix(':')) {
            let first = items.split(',').next().unwrap_or_default().trim();
            let first = first.split('(').next().unwrap_or_default().trim();
            match first {
                "nogil" | "cython.nogil" => return true,
                "gil" | "cython.gil" => return false,
                _ => {}
            }
        }
    }
    function.is_nogil()
}

/// The identifiers in a text (and keywords, which no fix uses as names anyway).
pub fn words_of(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|word| word.chars().next().is_some_and(|c| !c.is_ascii_digit()))
}

/// Whether `needle` occurs in `haystack` as a whole name (`p` in `p[0]`, not in `ptr`).
pub fn mentions(haystack: &str, needle: &str) -> bool {
    let is_name = |c: char| c.is_alphanumeric() || c == '_';
    haystack.match_indices(needle).any(|(at, _)| {
        let before = haystack[..at].chars().next_back();
        let after = haystack[at + needle.len()..].chars().next();
        !before.is_some_and(|c| is_name(c) || c == '.') && !after.is_some_and(is_name)
    })
}

/// `NULL` as the dialect spells it.
pub fn null(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Cython => "NULL",
        Dialect::PurePython => "cython.NULL",
    }
}

/// `with gil:` as the dialect spells it.
pub fn with_gil(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Cython => "with gil:",
        Dialect::PurePython => "with cython.gil:",
    }
}

/// The lines that raise `MemoryError` when `place` is NULL, each line ending in `\n`;
/// `releases` (statements such as `free(a)`) run first, under the GIL like the raise.
pub fn null_check_lines(
    place: &str,
    indent: &str,
    unit: &str,
    without_gil: bool,
    dialect: Dialect,
    releases: &[String],
) -> String {
    let null = null(dialect);
    let mut lines = format!("{indent}if {place} == {null}:\n");
    let mut inner = format!("{indent}{unit}");
    if without_gil {
        lines.push_str(&format!("{inner}{}\n", with_gil(dialect)));
        inner.push_str(unit);
    }
    for release in releases {
        lines.push_str(&format!("{inner}{release}\n"));
    }
    lines.push_str(&format!("{inner}raise MemoryError()\n"));
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_are_cut_outside_strings() {
        assert_eq!(code_of("x = 1  # note"), "x = 1");
        assert_eq!(code_of("x = '#'  # note"), "x = '#'");
        assert_eq!(code_of("x = \"a\\\"#\""), "x = \"a\\\"#\"");
    }

    #[test]
    fn whole_names_only() {
        assert!(mentions("free(p)", "p"));
        assert!(!mentions("free(ptr)", "p"));
        assert!(!mentions("s.p = 1", "p"));
        assert!(mentions("if self.data == NULL:", "self.data"));
        assert!(!mentions("self.database", "self.data"));
    }

    #[test]
    fn function_headers_docstrings_and_nogil() {
        let text = "cdef int f(int n,\n           int m) except -1 nogil:\n    \"\"\"Doc:\n    more.\"\"\"\n    cdef int tmp\n    with gil:\n        x = 1\n";
        let function = function_text(text, Span::new(0, text.len())).unwrap();
        assert!(function.is_nogil());
        assert!(!function.is_noexcept());
        assert_eq!(function.body_indent, "    ");
        assert_eq!(
            &text[function.declarations_at..],
            "    cdef int tmp\n    with gil:\n        x = 1\n"
        );
        assert_eq!(function.fresh_name("tmp"), "tmp2");
        let x = text.find("x = 1").unwrap();
        assert!(!runs_without_gil(text, x, &function));
        let declaration = text.find("cdef int tmp").unwrap();
        assert!(runs_without_gil(text, declaration, &function));
    }

    #[test]
    fn one_line_bodies_have_no_room() {
        let text = "def f(): return 1\n";
        assert!(function_text(text, Span::new(0, text.len())).is_none());
    }
}
