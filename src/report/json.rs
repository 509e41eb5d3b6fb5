//! `json` and `json-lines`: the diagnostic shape editors read. It is an interface:
//! docs/schema/diagnostics.schema.json describes it and a test holds output to it.

use std::io::{self, Write};

use serde::Serialize;

use super::{display_path, located, FileReport, Located, Sources};
use crate::diagnostic::Position;

#[derive(Serialize)]
struct JsonPosition {
    row: usize,
    column: usize,
}

impl From<Position> for JsonPosition {
    fn from(position: Position) -> Self {
        JsonPosition {
            row: position.row,
            column: position.column,
        }
    }
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    filename: String,
    location: JsonPosition,
    end_location: JsonPosition,
    message: &'a str,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'static str,
    name: &'static str,
    severity: &'static str,
    message: &'a str,
    filename: String,
    location: JsonPosition,
    end_location: JsonPosition,
    help: Option<&'a str>,
    url: String,
    related: Vec<JsonRelated<'a>>,
    fix: Option<JsonFix<'a>>,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    applicability: &'static str,
    message: &'a str,
    edits: Vec<JsonEdit<'a>>,
}

#[derive(Serialize)]
struct JsonEdit<'a> {
    content: &'a str,
    location: JsonPosition,
    end_location: JsonPosition,
}

fn element<'a>(located: &Located<'a>, sources: &Sources<'_>) -> JsonDiagnostic<'a> {
    let diagnostic = located.diagnostic;
    let fix = diagnostic.fix.as_ref().map(|fix| JsonFix {
        applicability: fix.applicability.as_str(),
        message: &fix.message,
        edits: fix
            .edits
            .iter()
            .map(|edit| JsonEdit {
                content: &edit.content,
                location: sources.position(located.path, edit.span.start).into(),
                end_location: sources.position(located.path, edit.span.end).into(),
            })
            .collect(),
    });
    JsonDiagnostic {
        code: diagnostic.rule.code,
        name: diagnostic.rule.name,
        severity: diagnostic.rule.severity.as_str(),
        message: &diagnostic.message,
        filename: display_path(located.path),
        location: located.start.into(),
        end_location: located.end.into(),
        help: diagnostic.help.as_deref(),
        url: diagnostic.rule.url(),
        related: located
            .related
            .iter()
            .map(|related| JsonRelated {
                filename: display_path(related.path),
                location: related.start.into(),
                end_location: related.end.into(),
                message: related.message,
            })
            .collect(),
        fix,
    }
}

pub(super) fn write_array(
    files: &[FileReport],
    sources: &Sources<'_>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let elements: Vec<JsonDiagnostic<'_>> = located(files, sources)
        .map(|l| element(&l, sources))
        .collect();
    serde_json::to_writer_pretty(&mut *out, &elements)?;
    writeln!(out)
}

pub(super) fn write_lines(
    files: &[FileReport],
    sources: &Sources<'_>,
    out: &mut dyn Write,
) -> io::Result<()> {
    for located in located(files, sources) {
        serde_json::to_writer(&mut *out, &element(&located, sources))?;
        writeln!(out)?;
    }
    Ok(())
}
