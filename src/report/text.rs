//! `text` (ruff's `full`): each diagnostic with its source lines, labels and help, as
//! rustc and ruff show them (codespan-reporting), then one summary line.
//!
//! codespan is handed an excerpt per diagnostic rather than whole files: the rows its
//! labels touch, each line longer than [`LINE_LIMIT`] characters cut to a window around
//! the labels with `…` where text was left out. A minified one-line file with thousands
//! of findings then prints a few hundred bytes per finding, not the whole line each time.

use std::collections::HashMap;
use std::io::{self, Write};
use std::ops::Range;
use std::path::Path;

use codespan_reporting::diagnostic::{Diagnostic as Rendered, Label, Severity as Level};
use codespan_reporting::files::{Error as FilesError, Files};
use codespan_reporting::term::{self, termcolor};

use super::{count_line, display_path, FileReport, ReportOptions, Sources};
use crate::diagnostic::Span;
use crate::rules::Severity;

/// Lines up to this many characters are shown whole; longer ones are cut to this many.
const LINE_LIMIT: usize = 200;
/// How many characters of a cut line are kept before the first label on it.
const CONTEXT_BEFORE: usize = 80;
const ELLIPSIS: &str = "…";

pub(super) fn write(
    files: &[FileReport],
    _sources: &Sources<'_>,
    options: ReportOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let sources: HashMap<&Path, Source<'_>> = files
        .iter()
        .map(|file| (file.path.as_path(), Source::new(&file.text)))
        .collect();
    let config = term::Config::default();
    let mut writer: Box<dyn termcolor::WriteColor + '_> = if options.color {
        Box::new(termcolor::Ansi::new(&mut *out))
    } else {
        Box::new(termcolor::NoColor::new(&mut *out))
    };
    let mut count = 0;
    for file in files {
        for diagnostic in &file.diagnostics {
            count += 1;
            let level = match diagnostic.rule.severity {
                Severity::Error => Level::Error,
                Severity::Warning => Level::Warning,
            };
            // The spans of each file this diagnostic points into; the first is its own.
            let mut spans: Vec<(&Path, Vec<Span>)> = vec![(&file.path, vec![diagnostic.span])];
            for related in &diagnostic.related {
                // A site in a file that was not checked has no text to show; the
                // machine formats still carry it.
                let path = related.path.as_deref().unwrap_or(&file.path);
                if !sources.contains_key(path) {
                    continue;
                }
                match spans.iter_mut().find(|(p, _)| *p == path) {
                    Some((_, list)) => list.push(related.span),
                    None => spans.push((path, vec![related.span])),
                }
            }
            let excerpts = Excerpts(
                spans
                    .iter()
                    .map(|(path, list)| Excerpt::new(display_path(path), &sources[path], list))
                    .collect(),
            );
            let id_of = |path: &Path| spans.iter().position(|(p, _)| *p == path).unwrap_or(0);
            let mut labels = vec![Label::primary(0, excerpts.0[0].map_span(diagnostic.span))
                .with_message(diagnostic.label.clone())];
            for related in &diagnostic.related {
                let path = related.path.as_deref().unwrap_or(&file.path);
                if !sources.contains_key(path) {
                    continue;
                }
                let id = id_of(path);
                labels.push(
                    Label::secondary(id, excerpts.0[id].map_span(related.span))
                        .with_message(related.message.clone()),
                );
            }
            let rendered = Rendered::new(level)
                .with_code(diagnostic.rule.code)
                .with_message(diagnostic.message.clone())
                .with_labels(labels)
                .with_notes(
                    diagnostic
                        .help
                        .iter()
                        .map(|help| format!("help: {help}"))
                        .collect(),
                );
            term::emit(writer.as_mut(), &config, &excerpts, &rendered).map_err(to_io)?;
        }
    }
    drop(writer);
    if !options.quiet {
        writeln!(out, "{}", count_line(count, &options))?;
    }
    Ok(())
}

/// A checked file's text with its line starts, computed once for all its diagnostics.
struct Source<'a> {
    text: &'a str,
    line_starts: Vec<usize>,
}

impl<'a> Source<'a> {
    fn new(text: &'a str) -> Source<'a> {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Source { text, line_starts }
    }

    fn row_of(&self, offset: usize) -> usize {
        match self.line_starts.binary_search(&offset) {
            Ok(row) => row,
            Err(next) => next - 1,
        }
    }

    /// The byte range of a 0-based row, without its line ending.
    fn line(&self, row: usize) -> Range<usize> {
        let start = self.line_starts[row];
        let end = self
            .line_starts
            .get(row + 1)
            .copied()
            .unwrap_or(self.text.len());
        let line = self.text[start..end].trim_end_matches(['\n', '\r']);
        start..start + line.len()
    }

    /// `offset` clamped into the text, on a character boundary.
    fn floor(&self, offset: usize) -> usize {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    }
}

/// One row of an excerpt: which part of the original line it shows.
struct ExcerptLine {
    /// The row of the original text (from 0): codespan's line index.
    row: usize,
    /// Where the original line starts, and the part of it shown.
    original_start: usize,
    shown: Range<usize>,
    /// Where this row starts in the excerpt, and how many bytes of `…` precede the text.
    start: usize,
    prefix: usize,
}

/// The rows of one file a diagnostic's labels touch, long lines cut around its labels.
/// Only those rows (and a single row between two of them, which codespan shows instead
/// of a break) are copied: a label on line 4 and another on line 8,000 make an excerpt of
/// two rows, not of 8,000.
struct Excerpt<'a> {
    name: String,
    source: &'a Source<'a>,
    text: String,
    /// By row, ascending.
    lines: Vec<ExcerptLine>,
}

impl<'a> Excerpt<'a> {
    fn new(name: String, source: &'a Source<'a>, spans: &[Span]) -> Excerpt<'a> {
        let spans: Vec<Range<usize>> = spans
            .iter()
            .map(|span| {
                let start = source.floor(span.start);
                start..source.floor(span.end).max(start)
            })
            .collect();
        let mut rows: Vec<usize> = spans
            .iter()
            .flat_map(|span| source.row_of(span.start)..=source.row_of(span.end))
            .collect();
        if rows.is_empty() {
            rows.push(0);
        }
        rows.sort_unstable();
        rows.dedup();
        let between: Vec<usize> = rows
            .windows(2)
            .filter(|pair| pair[1] == pair[0] + 2)
            .map(|pair| pair[0] + 1)
            .collect();
        rows.extend(between);
        rows.sort_unstable();
        let mut text = String::new();
        let mut lines = Vec::with_capacity(rows.len());
        for row in rows {
            let line = source.line(row);
            let shown = shown_part(source.text, line.clone(), &spans);
            let start = text.len();
            let prefix = if shown.start > line.start {
                text.push_str(ELLIPSIS);
                ELLIPSIS.len()
            } else {
                0
            };
            text.push_str(&source.text[shown.clone()]);
            if shown.end < line.end {
                text.push_str(ELLIPSIS);
            }
            text.push('\n');
            lines.push(ExcerptLine {
                row,
                original_start: line.start,
                shown,
                start,
                prefix,
            });
        }
        Excerpt {
            name,
            source,
            text,
            lines,
        }
    }

    /// The position in `lines` of the row, if the excerpt holds it.
    fn position_of_row(&self, row: usize) -> Result<usize, FilesError> {
        self.lines
            .binary_search_by_key(&row, |line| line.row)
            .map_err(|_| FilesError::LineTooLarge {
                given: row,
                max: self.lines.last().map_or(0, |line| line.row),
            })
    }

    /// Where this row ends in the excerpt (its newline included).
    fn end_of(&self, position: usize) -> usize {
        self.lines
            .get(position + 1)
            .map_or(self.text.len(), |next| next.start)
    }

    /// Where an offset of the original text lies in the excerpt: a label reaching into
    /// the cut-off part of a line ends at the `…`.
    fn map_offset(&self, offset: usize) -> usize {
        let offset = self.source.floor(offset);
        let row = self.source.row_of(offset);
        let position = match self.lines.binary_search_by_key(&row, |line| line.row) {
            Ok(position) => position,
            Err(next) => next.saturating_sub(1).min(self.lines.len() - 1),
        };
        let line = &self.lines[position];
        let end_of_row = self.end_of(position) - 1;
        if offset < line.shown.start || row < line.row {
            line.start
        } else if offset > line.shown.end {
            end_of_row
        } else {
            line.start + line.prefix + (offset - line.shown.start)
        }
    }

    fn map_span(&self, span: Span) -> Range<usize> {
        let start = self.map_offset(span.start);
        start..self.map_offset(span.end).max(start)
    }
}

/// The part of `line` to show: all of it when short, else a window of [`LINE_LIMIT`]
/// characters that starts [`CONTEXT_BEFORE`] characters before the first label on it.
fn shown_part(text: &str, line: Range<usize>, spans: &[Range<usize>]) -> Range<usize> {
    let content = &text[line.clone()];
    if content.len() <= LINE_LIMIT || content.chars().count() <= LINE_LIMIT {
        return line;
    }
    let anchor = spans
        .iter()
        .filter(|span| span.start <= line.end && span.end >= line.start)
        .map(|span| span.start.max(line.start))
        .min()
        .unwrap_or(line.start);
    let before = &text[line.start..anchor];
    let start = before
        .char_indices()
        .rev()
        .nth(CONTEXT_BEFORE.saturating_sub(1))
        .map_or(line.start, |(i, _)| line.start + i);
    let end = text[start..line.end]
        .char_indices()
        .nth(LINE_LIMIT)
        .map_or(line.end, |(i, _)| start + i);
    start..end
}

/// The excerpts of one diagnostic, as codespan's file database: file id = index.
struct Excerpts<'a>(Vec<Excerpt<'a>>);

impl<'a> Files<'a> for Excerpts<'a> {
    type FileId = usize;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: usize) -> Result<&'a str, FilesError> {
        Ok(&self.excerpt(id)?.name)
    }

    fn source(&'a self, id: usize) -> Result<&'a str, FilesError> {
        Ok(&self.excerpt(id)?.text)
    }

    fn line_index(&'a self, id: usize, byte_index: usize) -> Result<usize, FilesError> {
        let excerpt = self.excerpt(id)?;
        let position = match excerpt.lines.binary_search_by_key(&byte_index, |l| l.start) {
            Ok(index) => index,
            Err(next) => next.saturating_sub(1),
        };
        Ok(excerpt.lines.get(position).map_or(0, |line| line.row))
    }

    fn line_number(&'a self, _id: usize, line_index: usize) -> Result<usize, FilesError> {
        Ok(line_index + 1)
    }

    /// The column in the original line, counted in characters, whatever was cut.
    fn column_number(
        &'a self,
        id: usize,
        line_index: usize,
        byte_index: usize,
    ) -> Result<usize, FilesError> {
        let excerpt = self.excerpt(id)?;
        let line = &excerpt.lines[excerpt.position_of_row(line_index)?];
        let within = byte_index.saturating_sub(line.start + line.prefix);
        let original = excerpt
            .source
            .floor((line.shown.start + within).min(line.shown.end));
        Ok(excerpt.source.text[line.original_start..original]
            .chars()
            .count()
            + 1)
    }

    fn line_range(&'a self, id: usize, line_index: usize) -> Result<Range<usize>, FilesError> {
        let excerpt = self.excerpt(id)?;
        let position = excerpt.position_of_row(line_index)?;
        Ok(excerpt.lines[position].start..excerpt.end_of(position))
    }
}

impl<'a> Excerpts<'a> {
    fn excerpt(&self, id: usize) -> Result<&Excerpt<'a>, FilesError> {
        self.0.get(id).ok_or(FilesError::FileMissing)
    }
}

fn to_io(error: FilesError) -> io::Error {
    match error {
        FilesError::Io(io) => io,
        other => io::Error::other(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn excerpt_of(text: &str, spans: &[Span]) -> String {
        let source = Source::new(text);
        Excerpt::new("x.pyx".to_string(), &source, spans).text
    }

    #[test]
    fn only_the_rows_of_the_labels_are_copied() {
        let text: String = (0..100).map(|row| format!("row {row}\n")).collect();
        let offset = |row: usize| text.find(&format!("row {row}\n")).unwrap();
        let label = |row: usize| Span::new(offset(row), offset(row) + 3);
        // Far apart: the two rows only; one row apart: the row between too, which
        // codespan shows instead of a break.
        assert_eq!(excerpt_of(&text, &[label(4), label(90)]), "row 4\nrow 90\n");
        assert_eq!(
            excerpt_of(&text, &[label(4), label(6)]),
            "row 4\nrow 5\nrow 6\n"
        );
    }

    #[test]
    fn short_lines_are_shown_whole() {
        let text = "a = 1\nb = malloc(4)\nc = 2\n";
        assert_eq!(excerpt_of(text, &[Span::new(10, 19)]), "b = malloc(4)\n");
    }

    #[test]
    fn long_lines_are_cut_around_the_label() {
        let mut text = "x".repeat(1000);
        text.push_str("HERE");
        text.push_str(&"y".repeat(1000));
        let excerpt = excerpt_of(&text, &[Span::new(1000, 1004)]);
        assert_eq!(
            excerpt,
            format!("…{}HERE{}…\n", "x".repeat(80), "y".repeat(116))
        );
        let source = Source::new(&text);
        let excerpt = Excerpt::new("x.pyx".to_string(), &source, &[Span::new(1000, 1004)]);
        let mapped = excerpt.map_span(Span::new(1000, 1004));
        assert_eq!(&excerpt.text[mapped.clone()], "HERE");
        let files = Excerpts(vec![excerpt]);
        assert_eq!(files.column_number(0, 0, mapped.start).unwrap(), 1001);
    }
}
