//! `text`: each diagnostic with its source lines, labels and help, as rustc and ruff show
//! them (codespan-reporting), then one summary line.

use std::collections::HashMap;
use std::io::{self, Write};
use std::path::Path;

use codespan_reporting::diagnostic::{Diagnostic as Rendered, Label, Severity as Level};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::{self, termcolor};

use super::{count_line, display_path, FileReport, ReportOptions, Sources};
use crate::rules::Severity;

pub(super) fn write(
    files: &[FileReport],
    _sources: &Sources<'_>,
    options: ReportOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut database = SimpleFiles::new();
    let mut ids: HashMap<&Path, usize> = HashMap::new();
    for file in files {
        let id = database.add(display_path(&file.path), file.text.as_str());
        ids.insert(file.path.as_path(), id);
    }
    let config = term::Config::default();
    let mut writer: Box<dyn termcolor::WriteColor + '_> = if options.color {
        Box::new(termcolor::Ansi::new(&mut *out))
    } else {
        Box::new(termcolor::NoColor::new(&mut *out))
    };
    let mut count = 0;
    for file in files {
        let id = ids[file.path.as_path()];
        for diagnostic in &file.diagnostics {
            count += 1;
            let level = match diagnostic.rule.severity {
                Severity::Error => Level::Error,
                Severity::Warning => Level::Warning,
            };
            let mut labels = vec![Label::primary(id, span(&file.text, diagnostic.span))
                .with_message(diagnostic.label.clone())];
            for related in &diagnostic.related {
                // A site in a file that was not checked has no text to show; the
                // machine formats still carry it.
                let related_id = match &related.path {
                    None => Some(id),
                    Some(path) => ids.get(path.as_path()).copied(),
                };
                let related_text = related_id
                    .and_then(|i| database.get(i).ok())
                    .map(|f| *f.source());
                if let (Some(related_id), Some(related_text)) = (related_id, related_text) {
                    labels.push(
                        Label::secondary(related_id, span(related_text, related.span))
                            .with_message(related.message.clone()),
                    );
                }
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
            term::emit(writer.as_mut(), &config, &database, &rendered).map_err(to_io)?;
        }
    }
    drop(writer);
    if !options.quiet {
        writeln!(out, "{}", count_line(count, &options))?;
    }
    Ok(())
}

/// The span as a range codespan accepts: inside the text, on character boundaries.
fn span(text: &str, span: crate::diagnostic::Span) -> std::ops::Range<usize> {
    let floor = |mut offset: usize| {
        offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    };
    let start = floor(span.start);
    start..floor(span.end).max(start)
}

fn to_io(error: codespan_reporting::files::Error) -> io::Error {
    match error {
        codespan_reporting::files::Error::Io(io) => io,
        other => io::Error::other(other.to_string()),
    }
}
