//! One input through everything `cysafe check` does to a file, in memory: decode, parse,
//! lower, analyze, every rule (CY100 included), `noqa`, and every reporter.
//!
//! Shared by the fuzz targets and by `tests/fuzz_regressions.rs` (which includes this
//! file with `#[path]`), so a regression input is replayed exactly as it was fuzzed.
//! It panics only where cysafe broke a promise: a reporter that fails to write, JSON
//! that does not parse, a span outside the text.

use std::path::PathBuf;

use cysafe::analyze::analyze_file;
use cysafe::diagnostic::Diagnostic;
use cysafe::noqa::{remove_suppressed, skips_file, unused_noqa};
use cysafe::ownership::summary::ProjectSummaries;
use cysafe::parse::Dialect;
use cysafe::report::Sources;
use cysafe::report::{write_report, write_statistics, FileReport, OutputFormat, ReportOptions};
use cysafe::selection::{RuleSelector, RuleSet, SelectionLayer};
use cysafe::settings::AnalysisSettings;
use cysafe::source::decode_source;

/// Every output format, in the order the reporters are run.
pub const FORMATS: [OutputFormat; 6] = [
    OutputFormat::Text,
    OutputFormat::Concise,
    OutputFormat::Json,
    OutputFormat::JsonLines,
    OutputFormat::Sarif,
    OutputFormat::Github,
];

/// Raw file contents, as `cysafe check` reads them: decoded (or refused with a message),
/// then checked as a `.pyx` and as a pure-Python `.py`.
pub fn check_bytes(bytes: &[u8]) -> Vec<(Dialect, Vec<Diagnostic>)> {
    match decode_source(bytes.to_vec()) {
        Ok(text) => [Dialect::Cython, Dialect::PurePython]
            .into_iter()
            .map(|dialect| (dialect, check_text(&text, dialect)))
            .collect(),
        Err(error) => {
            assert!(!error.to_string().is_empty());
            Vec::new()
        }
    }
}

/// One decoded file in one dialect: its diagnostics after `noqa`, with every rule
/// selected, once every reporter has rendered them.
pub fn check_text(text: &str, dialect: Dialect) -> Vec<Diagnostic> {
    if skips_file(text) {
        return Vec::new();
    }
    let every_rule = RuleSet::from_layers(&[SelectionLayer {
        select: Some(vec![RuleSelector::All]),
        ..SelectionLayer::default()
    }]);
    let analysis = analyze_file(
        text,
        dialect,
        &AnalysisSettings::default(),
        &ProjectSummaries::default(),
    );
    for function in &analysis.too_deep {
        assert_in_text(text, function.name_span.start, function.name_span.end);
    }
    let (mut diagnostics, used) = remove_suppressed(text, analysis.diagnostics);
    diagnostics.extend(unused_noqa(text, &used, &every_rule));
    diagnostics.sort_by(|a, b| (a.span.start, a.rule.code).cmp(&(b.span.start, b.rule.code)));
    for diagnostic in &diagnostics {
        assert_in_text(text, diagnostic.span.start, diagnostic.span.end);
        for related in &diagnostic.related {
            assert!(related.path.is_none(), "a lone file has no other file");
            assert_in_text(text, related.span.start, related.span.end);
        }
    }
    render_every_format(text, dialect, &diagnostics);
    diagnostics
}

fn assert_in_text(text: &str, start: usize, end: usize) {
    assert!(
        start <= end && end <= text.len(),
        "span {start}..{end} outside a text of {} bytes",
        text.len()
    );
    assert!(
        text.is_char_boundary(start) && text.is_char_boundary(end),
        "span {start}..{end} splits a character"
    );
}

fn render_every_format(text: &str, dialect: Dialect, diagnostics: &[Diagnostic]) {
    let path = PathBuf::from(match dialect {
        Dialect::Cython => "fuzzed/input.pyx",
        Dialect::PurePython => "fuzzed/input.py",
    });
    let files = [FileReport {
        path,
        text: text.to_string(),
        diagnostics: diagnostics.to_vec(),
    }];
    let sources = Sources::new(&files, &[]);
    for format in FORMATS {
        for color in [false, true] {
            let options = ReportOptions {
                color,
                quiet: false,
                unchecked: 0,
            };
            let mut out = Vec::new();
            write_report(format, &files, &sources, options, &mut out)
                .expect("a reporter writing into memory cannot fail");
            let out = String::from_utf8(out).expect("reports are UTF-8");
            check_shape(format, &out, diagnostics.len());
            if color && format != OutputFormat::Text {
                break;
            }
        }
        let mut out = Vec::new();
        write_statistics(format, &files, &mut out).expect("statistics into memory");
    }
}

/// What each machine-readable format promises about its shape.
fn check_shape(format: OutputFormat, out: &str, count: usize) {
    match format {
        OutputFormat::Json => {
            let value: serde_json::Value = serde_json::from_str(out).expect("json output parses");
            assert_eq!(value.as_array().map(Vec::len), Some(count));
        }
        OutputFormat::JsonLines => {
            let lines: Vec<&str> = out.lines().collect();
            assert_eq!(lines.len(), count);
            for line in lines {
                let value: serde_json::Value =
                    serde_json::from_str(line).expect("each json-lines line parses");
                assert!(value.is_object());
            }
        }
        OutputFormat::Sarif => {
            let value: serde_json::Value = serde_json::from_str(out).expect("sarif output parses");
            let results = value["runs"][0]["results"].as_array().map(Vec::len);
            assert_eq!(results, Some(count));
        }
        // One diagnostic a line, whatever the messages hold: escaped, never split.
        OutputFormat::Github => {
            assert_eq!(out.lines().count(), count);
            assert!(out.lines().all(|line| line.starts_with("::")));
        }
        OutputFormat::Concise => assert_eq!(out.lines().count(), count + 1),
        OutputFormat::Text => {}
    }
}
