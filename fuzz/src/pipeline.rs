//! One input through everything `cysafe check` does to a file, in memory: decode, parse,
//! lower, analyze, every rule (CY100 included), `noqa`, and every reporter.
//!
//! Shared by the fuzz targets and by `tests/fuzz_regressions.rs` (which includes this
//! file with `#[path]`), so a regression input is replayed exactly as it was fuzzed.
//! It panics only where cysafe broke a promise: a reporter that fails to write, JSON
//! that does not parse, a span outside the text.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use cysafe::checker::FileOutcome;
use cysafe::config::Config;
use cysafe::diagnostic::{Diagnostic, LineIndex};
use cysafe::parse::Dialect;
use cysafe::report::Sources;
use cysafe::report::{write_report, write_statistics, FileReport, OutputFormat, ReportOptions};
use cysafe::selection::{RuleSelector, SelectionLayer};
use cysafe::source::decode_source;
use cysafe::{Checker, CheckerOptions};

/// Every output format, in the order the reporters are run.
pub const FORMATS: [OutputFormat; 6] = [
    OutputFormat::Full,
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

/// One decoded file in one dialect, checked as `cysafe check --select ALL` checks it
/// (skip-file, `noqa`, CY100 included): its diagnostics, once every reporter has
/// rendered them. A `.py` file that does not use Cython is skipped, as by the CLI.
pub fn check_text(text: &str, dialect: Dialect) -> Vec<Diagnostic> {
    let path = Path::new(match dialect {
        Dialect::Cython => "fuzzed/input.pyx",
        Dialect::PurePython => "fuzzed/input.py",
    });
    let check = checker().check_file(path, text);
    let lines = LineIndex::new(text);
    for function in &check.too_deep {
        assert!(function.row >= 1 && function.row <= lines.line_count());
    }
    let diagnostics = match check.outcome {
        FileOutcome::Checked(diagnostics) => diagnostics,
        FileOutcome::Skipped => return Vec::new(),
        // The checker turns a panic into this outcome so that one file never stops a
        // run; under the fuzzer (whose panic hook aborts) and in the tests it is a crash.
        FileOutcome::InternalError(message) => panic!("internal error: {message}"),
        outcome => panic!("a text in memory with its configuration given: {outcome:?}"),
    };
    for diagnostic in &diagnostics {
        assert_in_text(text, diagnostic.span.start, diagnostic.span.end);
        for related in &diagnostic.related {
            assert!(related.path.is_none(), "a lone file has no other file");
            assert_in_text(text, related.span.start, related.span.end);
        }
    }
    render_every_format(text, path, &diagnostics);
    diagnostics
}

/// One checker for every input: the default configuration (nothing read from disk) with
/// every rule selected, CY100 included.
fn checker() -> &'static Checker {
    static CHECKER: OnceLock<Checker> = OnceLock::new();
    CHECKER.get_or_init(|| {
        let root = PathBuf::from("fuzzed");
        Checker::new(CheckerOptions {
            config: Some(Config::defaults(root.clone())),
            cwd: root,
            selection: SelectionLayer {
                select: Some(vec![RuleSelector::All]),
                ..SelectionLayer::default()
            },
            // Nothing read from disk: the given defaults govern every input.
            isolated: true,
            ..CheckerOptions::default()
        })
        .expect("no exclude globs to reject")
    })
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

fn render_every_format(text: &str, path: &Path, diagnostics: &[Diagnostic]) {
    let files = [FileReport {
        path: path.to_path_buf(),
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
                fixed: None,
            };
            let mut out = Vec::new();
            write_report(format, &files, &sources, options, &mut out)
                .expect("a reporter writing into memory cannot fail");
            let out = String::from_utf8(out).expect("reports are UTF-8");
            check_shape(format, &out, diagnostics.len());
            if color && format != OutputFormat::Full {
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
        OutputFormat::Full => {}
    }
}
