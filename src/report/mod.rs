//! Output formats, one file each. A reporter is handed every checked file's text and
//! diagnostics, already filtered and sorted, and knows nothing of rules beyond the
//! [`Diagnostic`] it prints.

use std::collections::HashMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, LineIndex, Position};

mod concise;
mod github;
mod json;
mod sarif;
mod statistics;
mod text;

pub use statistics::write_statistics;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// Source lines with labels and help (codespan-reporting); `text` is an alias.
    #[value(name = "full", alias = "text")]
    Full,
    /// `path:line:col: CODE message`, one per line (vim quickfix, Emacs compile mode).
    Concise,
    /// One JSON array of diagnostics (docs/schema/diagnostics.schema.json).
    Json,
    /// One JSON object per line, each shaped like an element of `json`.
    JsonLines,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// GitHub Actions workflow commands (`::error file=...`), shown as annotations.
    Github,
}

/// One checked file: its name as reached from the command-line argument, its text and
/// its diagnostics, sorted by position.
pub struct FileReport {
    pub path: PathBuf,
    pub text: String,
    pub diagnostics: Vec<Diagnostic>,
}

#[derive(Clone, Copy, Debug, Default)]
pub struct ReportOptions {
    /// Colour escapes in `text` output.
    pub color: bool,
    /// Only diagnostics: no closing summary line.
    pub quiet: bool,
    /// How many paths could not be checked (reported on standard error), so that the
    /// summary never claims a clean run that was not one.
    pub unchecked: usize,
    /// How many diagnostics `--fix` repaired, when it ran: the summary then says how
    /// many were fixed and how many remain.
    pub fixed: Option<usize>,
}

/// Writes every diagnostic of `files` (in the given order) in `format`.
pub fn write_report(
    format: OutputFormat,
    files: &[FileReport],
    sources: &Sources<'_>,
    options: ReportOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        OutputFormat::Full => text::write(files, sources, options, out),
        OutputFormat::Concise => concise::write(files, sources, options, out),
        OutputFormat::Json => json::write_array(files, sources, out),
        OutputFormat::JsonLines => json::write_lines(files, sources, out),
        OutputFormat::Sarif => sarif::write(files, sources, out),
        OutputFormat::Github => github::write(files, sources, out),
    }
}

/// The text of every file a diagnostic can point into, to turn byte spans into rows
/// and columns: the checked files, and files named only by related sites.
pub struct Sources<'a> {
    indexes: HashMap<&'a Path, LineIndex<'a>>,
}

impl<'a> Sources<'a> {
    pub fn new(files: &'a [FileReport], extra: &'a [(PathBuf, String)]) -> Sources<'a> {
        let indexes = files
            .iter()
            .map(|file| (file.path.as_path(), file.text.as_str()))
            .chain(
                extra
                    .iter()
                    .map(|(path, text)| (path.as_path(), text.as_str())),
            )
            .map(|(path, text)| (path, LineIndex::new(text)))
            .collect();
        Sources { indexes }
    }

    /// The position of `offset` in `path`; the start of the file when its text is
    /// unknown (it could not be read), so a related site never hides the diagnostic.
    pub fn position(&self, path: &Path, offset: usize) -> Position {
        self.indexes
            .get(path)
            .map_or(Position { row: 1, column: 1 }, |index| {
                index.position(offset)
            })
    }

    pub fn line_text(&self, path: &Path, row: usize) -> &str {
        self.indexes
            .get(path)
            .filter(|index| row >= 1 && row <= index.line_count())
            .map_or("", |index| index.line_text(row))
    }
}

/// A diagnostic with its positions resolved: what every machine-readable format shows.
pub(crate) struct Located<'a> {
    pub diagnostic: &'a Diagnostic,
    pub path: &'a Path,
    pub start: Position,
    pub end: Position,
    pub related: Vec<LocatedRelated<'a>>,
}

pub(crate) struct LocatedRelated<'a> {
    pub path: &'a Path,
    pub start: Position,
    pub end: Position,
    pub message: &'a str,
}

pub(crate) fn located<'a>(
    files: &'a [FileReport],
    sources: &Sources<'_>,
) -> impl Iterator<Item = Located<'a>> {
    let positions: Vec<Located<'a>> = files
        .iter()
        .flat_map(|file| {
            file.diagnostics
                .iter()
                .map(move |diagnostic| (file, diagnostic))
        })
        .map(|(file, diagnostic)| {
            let path = file.path.as_path();
            Located {
                diagnostic,
                path,
                start: sources.position(path, diagnostic.span.start),
                end: sources.position(path, diagnostic.span.end),
                related: diagnostic
                    .related
                    .iter()
                    .map(|related| {
                        let related_path = related.path.as_deref().unwrap_or(path);
                        LocatedRelated {
                            path: related_path,
                            start: sources.position(related_path, related.span.start),
                            end: sources.position(related_path, related.span.end),
                            message: &related.message,
                        }
                    })
                    .collect(),
            }
        })
        .collect();
    positions.into_iter()
}

/// How a path is shown: as reached from the argument, with `/` on every platform.
pub(crate) fn display_path(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

pub(crate) fn count_line(remaining: usize, options: &ReportOptions) -> String {
    let unchecked = options.unchecked;
    let fixed = options.fixed.unwrap_or(0);
    let count = remaining + fixed;
    let mut found = match count {
        1 => "Found 1 diagnostic".to_string(),
        n => format!("Found {n} diagnostics"),
    };
    if options.fixed.is_some() && count > 0 {
        found.push_str(&format!(" ({fixed} fixed, {remaining} remaining)"));
    }
    match (count, unchecked) {
        (0, 0) => "All checks passed!".to_string(),
        (_, 0) => format!("{found}."),
        (_, 1) => format!("{found}; 1 path could not be checked."),
        (_, n) => format!("{found}; {n} paths could not be checked."),
    }
}
