//! Splitting a file at its top-level statements, so that a large file can be parsed a
//! group of statements at a time (issue 9: the whole file's tree is 46 bytes per byte of
//! source, more than twice the memory a whole file may cost).
//!
//! [`top_level_groups`] scans the text once with the nesting bound's line scanner (which
//! follows logical lines: strings of every quoting with their escapes, comments,
//! brackets, backslash continuations) and cuts only before a line that starts a new
//! top-level statement: a line whose first byte is code at column 0, after a complete
//! logical line, that continues no statement (`else`, `elif`, `except`, `finally`,
//! Cython's `ELIF` and `ELSE`) and follows no decorator. Blank and comment lines stay with
//! the statement before them, whatever their indentation.
//!
//! Invariants: the groups are consecutive, cover the text, and each starts at column 0 of
//! a line (its point is that row, column 0), so a group parsed with tree-sitter's
//! included ranges ([`GroupParser`]) has the file's own byte, row and column positions.
//! A cut is only ever left out where in doubt (a lone `\r` as a line end, which the
//! scanner does not count as a row, means no cut at all), never made: fewer cuts give
//! larger groups, never a statement split in two. Whether a group's tree is the whole
//! parse's is checked on every sample and, with `CYSAFE_GROUP_CORPUS=DIR`, on real code.

use super::nesting::Scanner;
use super::Dialect;
use tree_sitter::{Node, Parser, Point, Range, Tree};

/// The groups of whole top-level statements of `text`, in order, each at least
/// `min_bytes` long except the last (0: one group per top-level statement, with the
/// blank and comment lines after it). An empty text has no group.
pub fn top_level_groups(text: &str, min_bytes: usize) -> Vec<Range> {
    let bytes = text.as_bytes();
    if bytes.is_empty() {
        return Vec::new();
    }
    let mut starts: Vec<(usize, usize)> = vec![(0, 0)];
    if !has_lone_carriage_return(text) {
        let mut scanner = Scanner {
            bytes,
            pos: 0,
            row: 0,
            line_start: 0,
        };
        // Whether a statement has been seen (a first statement after leading comments
        // starts no group of its own), and whether the last one was a decorator.
        let mut statements = false;
        let mut after_decorator = false;
        while let Some(&first) = bytes.get(scanner.pos) {
            let (line_start, row) = (scanner.pos, scanner.row);
            match first {
                b'\n' => {
                    scanner.next_line();
                    continue;
                }
                b'#' => {
                    scanner.skip_comment();
                    if scanner.pos < bytes.len() {
                        scanner.next_line();
                    }
                    continue;
                }
                // An indented line (or a blank one with spaces) continues the statement;
                // a form feed is column 0 to the grammar, but no cut is made before it.
                b' ' | b'\t' | b'\x0c' | b'\r' => {
                    scanner.logical_line();
                    continue;
                }
                _ => {}
            }
            let starts_statement = statements
                && !after_decorator
                && !continues_statement(&bytes[line_start..])
                && line_start - starts.last().map_or(0, |&(start, _)| start) >= min_bytes;
            if starts_statement {
                starts.push((line_start, row));
            }
            statements = true;
            after_decorator = first == b'@';
            scanner.logical_line();
        }
    }
    let end_point = end_point(text);
    let mut groups = Vec::with_capacity(starts.len());
    for (index, &(start, row)) in starts.iter().enumerate() {
        let (end_byte, end_point) = match starts.get(index + 1) {
            Some(&(next, next_row)) => (next, Point::new(next_row, 0)),
            None => (bytes.len(), end_point),
        };
        groups.push(Range {
            start_byte: start,
            end_byte,
            start_point: Point::new(row, 0),
            end_point,
        });
    }
    groups
}

/// Whether a line at column 0 continues the statement before it: a clause of an `if`,
/// `try`, `for` or `while` (or of Cython's compile-time `IF`).
fn continues_statement(line: &[u8]) -> bool {
    ["else", "elif", "except", "finally", "ELIF", "ELSE"]
        .iter()
        .any(|keyword| {
            line.starts_with(keyword.as_bytes())
                && line.get(keyword.len()).is_none_or(|&next| {
                    !(next.is_ascii_alphanumeric() || next == b'_' || next >= 0x80)
                })
        })
}

/// Whether a `\r` ends a line on its own (not before `\n`): tree-sitter counts it as a
/// line end, the scanner does not.
fn has_lone_carriage_return(text: &str) -> bool {
    // `match_indices` of a `char` searches with memchr.
    text.match_indices('\r')
        .any(|(at, _)| text.as_bytes().get(at + 1) != Some(&b'\n'))
}

/// The row and column (in bytes) of the end of the text.
fn end_point(text: &str) -> Point {
    let row = text.match_indices('\n').count();
    let line_start = text.rfind('\n').map_or(0, |at| at + 1);
    Point::new(row, text.len() - line_start)
}

/// A parser for the groups of one text, in one dialect.
pub struct GroupParser {
    parser: Parser,
}

impl GroupParser {
    pub fn new(dialect: Dialect) -> GroupParser {
        let mut parser = Parser::new();
        parser
            .set_language(&dialect.language())
            .expect("the bundled grammars are built against this tree-sitter version");
        GroupParser { parser }
    }

    /// The tree of one group of `text` (one of [`top_level_groups`]), its positions the
    /// file's. A group that is not the last of the text is parsed followed by a `pass`
    /// statement at the start of the line after it, as if the next group began there:
    /// the grammars resolve some ambiguities differently at the end of the input
    /// (`x = sizeof(a) - sizeof(float)` alone ends in a `sizeof` of a value, followed by
    /// another statement in a `sizeof` of a type), and a group's statements must parse as
    /// they do in the whole file. The root's children from the group's end on are that
    /// statement (see [`statements_of`]).
    ///
    /// Unlike [`super::parse`], a pure-Python-mode group with a syntax error is not tried
    /// again with the Cython grammar: a caller that meets an error parses the whole file
    /// instead.
    pub fn parse(&mut self, text: &str, group: &Range) -> Tree {
        let bytes = text.as_bytes();
        let followed = group.end_byte < bytes.len();
        let end = group.end_byte;
        let range = Range {
            end_byte: if followed { end + NEXT.len() } else { end },
            end_point: if followed {
                Point::new(group.end_point.row + 1, 0)
            } else {
                group.end_point
            },
            ..*group
        };
        self.parser
            .set_included_ranges(&[range])
            .expect("a group lies inside the text, and one range is ordered");
        let mut read = |offset: usize, _: Point| -> &[u8] {
            if offset < end {
                &bytes[offset..end]
            } else if followed {
                NEXT.get(offset - end..).unwrap_or_default()
            } else {
                &[]
            }
        };
        self.parser
            .parse_with_options(&mut read, None, None)
            .expect("parsing without a timeout or cancellation flag always yields a tree")
    }
}

/// Whether every group of `text` (of at least `group_bytes`) parses without a syntax
/// error, one tree at a time: then so does the whole text, and its tree is theirs.
pub fn parses_cleanly_by_groups(text: &str, dialect: Dialect, group_bytes: usize) -> bool {
    let mut parser = GroupParser::new(dialect);
    top_level_groups(text, group_bytes)
        .iter()
        .all(|group| super::syntax_error_in(parser.parse(text, group).root_node()).is_none())
}

/// A group of a text with a syntax error, for analyzing what parses cleanly around it
/// ([`recovery_groups`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecoveryGroup {
    pub range: Range,
    /// Left out of the analysis: it has a syntax error, or it defines a class and the
    /// group after it has one (which may hold the rest of the class: a `__dealloc__`
    /// there must not go missing).
    pub skipped: bool,
}

/// The groups of a text whose whole parse has a syntax error, for analyzing the
/// statements around it: the top-level groups ([`top_level_groups`], one statement
/// each), a group with a syntax error cut again before every line at column 0 that
/// starts a definition, a decorator or an import (`def`, `cdef`, `cpdef`, `class`,
/// `async`, `ctypedef`, `cimport`, `from`, `import`, `include`, `@`), brackets left
/// unfollowed, since tree-sitter's error recovery after an unclosed `(` in a signature
/// swallows every later statement, and so does the line scanner's. Strings are still
/// followed, and a line after a decorator is no cut. Each piece is parsed on its own
/// ([`GroupParser`]); those with a syntax error are skipped, and so is a class right
/// before one.
pub fn recovery_groups(text: &str, dialect: Dialect) -> Vec<RecoveryGroup> {
    let mut parser = GroupParser::new(dialect);
    let mut pieces: Vec<(Range, bool, bool)> = Vec::new();
    let add = |parser: &mut GroupParser, range: Range| {
        let tree = parser.parse(text, &range);
        let root = tree.root_node();
        let broken = super::syntax_error_in(root).is_some();
        let class = statements_of(root, &range).any(defines_class);
        (range, broken, class)
    };
    for group in top_level_groups(text, 0) {
        let piece = add(&mut parser, group);
        if !piece.1 || has_lone_carriage_return(text) {
            pieces.push(piece);
            continue;
        }
        for range in recovery_cuts(text, &group) {
            pieces.push(add(&mut parser, range));
        }
    }
    let mut groups = Vec::with_capacity(pieces.len());
    for (index, (range, broken, class)) in pieces.iter().enumerate() {
        let before_broken = pieces.get(index + 1).is_some_and(|next| next.1);
        groups.push(RecoveryGroup {
            range: *range,
            skipped: *broken || (*class && before_broken),
        });
    }
    groups
}

/// Whether a top-level statement defines a class (decorated or not).
fn defines_class(statement: Node<'_>) -> bool {
    let definition = match statement.kind() {
        "decorated_definition" => statement.child_by_field_name("definition"),
        _ => Some(statement),
    };
    definition.is_some_and(|node| matches!(node.kind(), "class_definition" | "cdef_class"))
}

/// `group` cut before each line at column 0 that starts a definition, decorator or
/// import, brackets not followed (see [`recovery_groups`]).
fn recovery_cuts(text: &str, group: &Range) -> Vec<Range> {
    let bytes = &text.as_bytes()[..group.end_byte];
    let mut scanner = Scanner {
        bytes,
        pos: group.start_byte,
        row: group.start_point.row,
        line_start: group.start_byte,
    };
    let mut starts = vec![(group.start_byte, group.start_point.row)];
    let mut after_decorator = false;
    while let Some(&first) = bytes.get(scanner.pos) {
        let (line_start, row) = (scanner.pos, scanner.row);
        match first {
            b'\n' => {
                scanner.next_line();
                continue;
            }
            b'#' => {
                scanner.skip_comment();
                if scanner.pos < bytes.len() {
                    scanner.next_line();
                }
                continue;
            }
            b' ' | b'\t' | b'\x0c' | b'\r' => {
                scanner.line_ignoring_brackets();
                continue;
            }
            _ => {}
        }
        if line_start > group.start_byte
            && !after_decorator
            && starts_definition(&bytes[line_start..])
        {
            starts.push((line_start, row));
        }
        after_decorator = first == b'@';
        scanner.line_ignoring_brackets();
    }
    let mut ranges = Vec::with_capacity(starts.len());
    for (index, &(start, row)) in starts.iter().enumerate() {
        let (end_byte, end_point) = match starts.get(index + 1) {
            Some(&(next, next_row)) => (next, Point::new(next_row, 0)),
            None => (group.end_byte, group.end_point),
        };
        ranges.push(Range {
            start_byte: start,
            end_byte,
            start_point: Point::new(row, 0),
            end_point,
        });
    }
    ranges
}

/// Whether a line starts a definition, a decorator or an import.
fn starts_definition(line: &[u8]) -> bool {
    line.first() == Some(&b'@')
        || [
            "def", "cdef", "cpdef", "class", "async", "ctypedef", "cimport", "from", "import",
            "include",
        ]
        .iter()
        .any(|keyword| {
            line.starts_with(keyword.as_bytes())
                && line.get(keyword.len()).is_some_and(|&next| {
                    !(next.is_ascii_alphanumeric() || next == b'_' || next >= 0x80)
                })
        })
}

/// What a group's parse reads after the group (see [`GroupParser::parse`]).
const NEXT: &[u8] = b"pass\n";

/// The top-level nodes of a group's tree that are the group's own (every child of the
/// root before the statement [`GroupParser::parse`] adds after it).
pub fn statements_of<'t>(root: Node<'t>, group: &Range) -> impl Iterator<Item = Node<'t>> {
    let mut cursor = root.walk();
    let children: Vec<Node<'t>> = root.children(&mut cursor).collect();
    let end = group.end_byte;
    children
        .into_iter()
        .take_while(move |child| child.start_byte() < end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse_with;

    /// The texts of the groups of `text`, one per top-level statement.
    fn groups_of(text: &str) -> Vec<&str> {
        let groups = top_level_groups(text, 0);
        for (index, group) in groups.iter().enumerate() {
            let before = &text[..group.start_byte];
            assert_eq!(group.start_point.row, before.matches('\n').count());
            assert_eq!(group.start_point.column, 0);
            assert!(before.is_empty() || before.ends_with('\n'));
            if let Some(next) = groups.get(index + 1) {
                assert_eq!(group.end_byte, next.start_byte);
                assert_eq!(group.end_point, next.start_point);
            } else {
                assert_eq!(group.end_byte, text.len());
                assert_eq!(group.end_point, end_point(text));
            }
        }
        groups
            .iter()
            .map(|group| &text[group.start_byte..group.end_byte])
            .collect()
    }

    #[test]
    fn each_top_level_statement_is_a_group_with_the_lines_after_it() {
        let text = "# leading comment\n\nfrom libc.stdlib cimport malloc, free\nimport os\n\ncdef int* make(int n):\n    return <int*>malloc(n)\n\n# between\n\ncdef class Box:\n    cdef int* data\n\nx = 1; y = 2\n";
        assert_eq!(
            groups_of(text),
            [
                "# leading comment\n\nfrom libc.stdlib cimport malloc, free\n",
                "import os\n\n",
                "cdef int* make(int n):\n    return <int*>malloc(n)\n\n# between\n\n",
                "cdef class Box:\n    cdef int* data\n\n",
                "x = 1; y = 2\n",
            ]
        );
    }

    #[test]
    fn clauses_that_continue_a_statement_stay_with_it() {
        let text = "if a:\n    x = 1\nelif b:\n    x = 2\nelse:\n    x = 3\ntry:\n    f()\nexcept ValueError:\n    pass\nexcept* OSError:\n    pass\nelse :\n    pass\nfinally:\n    g()\nfor i in r:\n    pass\nelse:\n    pass\nwhile c:\n    pass\nelse:\n    pass\nIF UNAME_SYSNAME == 'Linux':\n    DEF N = 1\nELIF X:\n    DEF N = 2\nELSE:\n    DEF N = 3\nelsewhere = 1\nexcepted = 2\nfinally_ = 3\nELSEWHERE = 4\n";
        assert_eq!(
            groups_of(text),
            [
                "if a:\n    x = 1\nelif b:\n    x = 2\nelse:\n    x = 3\n",
                "try:\n    f()\nexcept ValueError:\n    pass\nexcept* OSError:\n    pass\nelse :\n    pass\nfinally:\n    g()\n",
                "for i in r:\n    pass\nelse:\n    pass\n",
                "while c:\n    pass\nelse:\n    pass\n",
                "IF UNAME_SYSNAME == 'Linux':\n    DEF N = 1\nELIF X:\n    DEF N = 2\nELSE:\n    DEF N = 3\n",
                "elsewhere = 1\n",
                "excepted = 2\n",
                "finally_ = 3\n",
                "ELSEWHERE = 4\n",
            ]
        );
    }

    #[test]
    fn decorators_stay_with_their_definition() {
        let text = "@cython.cclass\n# a comment\n\n@decorate(\nx,\n)\nclass A:\n    pass\n@d\ndef f():\n    pass\n";
        assert_eq!(
            groups_of(text),
            [
                "@cython.cclass\n# a comment\n\n@decorate(\nx,\n)\nclass A:\n    pass\n",
                "@d\ndef f():\n    pass\n",
            ]
        );
    }

    #[test]
    fn lines_at_column_0_inside_a_statement_start_no_group() {
        // Inside strings of every quoting, brackets, continuations, and comments at
        // column 0 inside a body.
        let statements = [
            "s = '''\nx = 1\n'''\n",
            "t = \"\"\"\ndef f():\n\\\"\"\"\nclass A: pass\n\"\"\"\n",
            "u = (1,\nv)\n",
            "w = [\n# comment\ny]\n",
            "d = {\n'a': 1}\n",
            "z = 1 + \\\n2\n",
            "q = 'a\\\nb = 2'\n",
            "r = b'\\'' ; k = rb'''\n'''\n",
            "def g():\n    x = 1\n# a comment at column 0 inside the body\n    return x\n",
            "cdef extern from *:\n    \"\"\"\nint c(void);\n    \"\"\"\n    int c()\n",
        ];
        assert_eq!(groups_of(&statements.concat()), statements);
    }

    #[test]
    fn line_ends_indentation_and_the_end_of_the_text() {
        assert!(top_level_groups("", 0).is_empty());
        assert_eq!(groups_of("x = 1"), ["x = 1"]);
        assert_eq!(groups_of("\n\n# only a comment"), ["\n\n# only a comment"]);
        assert_eq!(
            groups_of("x = 1\r\ndef f():\r\n\tpass\r\ny = 2"),
            ["x = 1\r\n", "def f():\r\n\tpass\r\n", "y = 2"]
        );
        // A lone `\r` ends a line for tree-sitter, not for the scanner: no cut at all.
        assert_eq!(
            groups_of("x = 1\ry = 2\nz = 3\n"),
            ["x = 1\ry = 2\nz = 3\n"]
        );
        // A form feed is column 0 to the grammar; no cut is made before it.
        assert_eq!(groups_of("x = 1\n\x0cy = 2\n"), ["x = 1\n\x0cy = 2\n"]);
        // Unterminated strings and brackets run to the end of the text.
        assert_eq!(groups_of("x = '''\ny = 1\n"), ["x = '''\ny = 1\n"]);
        assert_eq!(groups_of("x = (\ny = 1\n"), ["x = (\ny = 1\n"]);
        assert_eq!(groups_of("x = 1 \\"), ["x = 1 \\"]);
        // A single-quoted string ends at its line even when unterminated.
        assert_eq!(groups_of("x = 'a\ny = 1\n"), ["x = 'a\n", "y = 1\n"]);
        assert_eq!(groups_of("é = 1\nü = 2\n"), ["é = 1\n", "ü = 2\n"]);
    }

    #[test]
    fn groups_are_at_least_the_size_asked_for() {
        let text = "a = 1\nb = 2\nc = 3\nd = 4\ne = 5\n";
        let sizes: Vec<usize> = top_level_groups(text, 12)
            .iter()
            .map(|group| group.end_byte - group.start_byte)
            .collect();
        assert_eq!(sizes, [12, 12, 6]);
        assert_eq!(top_level_groups(text, 1000).len(), 1);
    }

    #[test]
    fn recovery_cuts_a_broken_group_before_definitions_brackets_unfollowed() {
        let text = "from a cimport b\n\ndef broken(int n:\n    return n\n\n@d\ndef later(x):\n    s = '''\ndef not_cut():\n'''\n\nclass A:\n    pass\n";
        let groups: Vec<(&str, bool)> = recovery_groups(text, Dialect::Cython)
            .iter()
            .map(|group| {
                (
                    &text[group.range.start_byte..group.range.end_byte],
                    group.skipped,
                )
            })
            .collect();
        assert_eq!(
            groups,
            [
                ("from a cimport b\n\n", false),
                ("def broken(int n:\n    return n\n\n", true),
                (
                    "@d\ndef later(x):\n    s = '''\ndef not_cut():\n'''\n\n",
                    false
                ),
                ("class A:\n    pass\n", false),
            ]
        );
        // A class right before a broken group is skipped.
        let text = "class A:\n    pass\ndef broken(:\n    pass\n";
        let skipped: Vec<bool> = recovery_groups(text, Dialect::Cython)
            .iter()
            .map(|group| group.skipped)
            .collect();
        assert_eq!(skipped, [true, true]);
    }

    /// Every node of a subtree with its kind and positions, in document order.
    fn nodes(node: Node<'_>, out: &mut Vec<String>) {
        let mut cursor = node.walk();
        loop {
            let n = cursor.node();
            out.push(format!(
                "{} {}{} {:?} {}..{} {}",
                n.kind(),
                if n.is_missing() { "MISSING " } else { "" },
                cursor.field_name().unwrap_or(""),
                (n.start_position(), n.end_position()),
                n.start_byte(),
                n.end_byte(),
                n.is_error(),
            ));
            if cursor.goto_first_child() {
                continue;
            }
            loop {
                if cursor.goto_next_sibling() {
                    break;
                }
                if !cursor.goto_parent() || cursor.node() == node {
                    return;
                }
            }
        }
    }

    fn top_level_nodes(root: Node<'_>, out: &mut Vec<String>) {
        let mut cursor = root.walk();
        for child in root.children(&mut cursor) {
            nodes(child, out);
        }
    }

    #[test]
    fn a_group_parses_as_it_does_followed_by_the_next() {
        let text = "x = sizeof(a) - sizeof(float)\ny = 1\n";
        let groups = top_level_groups(text, 0);
        let tree = GroupParser::new(Dialect::Cython).parse(text, &groups[0]);
        let statements: Vec<Node<'_>> = statements_of(tree.root_node(), &groups[0]).collect();
        assert_eq!(statements.len(), 1);
        assert_eq!(
            crate::parse::to_sexp(statements[0]),
            "(expression_statement (assignment left: (identifier) right: (binary_operator \
             left: (sizeof_expression type: (c_type (identifier))) \
             right: (sizeof_expression type: (c_type (identifier))))))"
        );
    }

    /// Every sample (and with `CYSAFE_GROUP_CORPUS=DIR`, every file under DIR): a group
    /// of one statement has a syntax error only where the whole parse has one, and where
    /// none has, the groups' trees hold exactly the whole parse's top-level nodes, kinds
    /// and positions (the 22-package corpus: 2,705 files of 2,712, 29,367 groups).
    #[test]
    fn real_code_parsed_by_groups_is_the_whole_parse() {
        let (mut files, mut grouped, mut groups) = (0, 0, 0);
        for (path, dialect, text) in crate::parse::real_code("CYSAFE_GROUP_CORPUS") {
            files += 1;
            let whole = parse_with(&text, dialect.language());
            let mut parser = GroupParser::new(dialect);
            let mut by_groups = Vec::new();
            let mut broken = false;
            let ranges = top_level_groups(&text, 0);
            for group in &ranges {
                let tree = parser.parse(&text, group);
                broken |= crate::parse::syntax_error_in(tree.root_node()).is_some();
                for statement in statements_of(tree.root_node(), group) {
                    nodes(statement, &mut by_groups);
                }
            }
            if broken {
                // A group has a syntax error only where the whole file has one.
                assert!(
                    crate::parse::first_syntax_error(&whole).is_some(),
                    "{}",
                    path.display()
                );
                continue;
            }
            grouped += 1;
            groups += ranges.len();
            let mut expected = Vec::new();
            top_level_nodes(whole.root_node(), &mut expected);
            if by_groups != expected {
                let at = by_groups
                    .iter()
                    .zip(&expected)
                    .position(|(a, b)| a != b)
                    .unwrap_or(by_groups.len().min(expected.len()));
                panic!(
                    "{}: first difference at node {at}: groups {:?}, whole {:?}",
                    path.display(),
                    by_groups.get(at),
                    expected.get(at)
                );
            }
        }
        eprintln!("{files} files, {grouped} parsed by groups, {groups} groups");
        assert!(
            files > 50 && grouped > 50 && groups > 500,
            "{files} {grouped} {groups}"
        );
    }
}
