//! The library entry point, `cysafe::Checker`: what a library caller gets is what
//! `cysafe check` prints (selection, per-file ignores, noqa, CY100), and one file's panic
//! leaves the others checked.

mod common;

use std::path::{Path, PathBuf};

use common::Project;
use cysafe::checker::FileOutcome;
use cysafe::diagnostic::{Diagnostic, LineIndex};
use cysafe::selection::{RuleSelector, SelectionLayer};
use cysafe::{Checker, CheckerOptions};

const UNCHECKED: &str = "from libc.stdlib cimport malloc, free\n\
    def f(size_t n):\n    cdef char* p = <char*> malloc(n)\n    p[0] = 0\n    free(p)\n";

fn checker(cwd: &Path, selection: SelectionLayer) -> Checker {
    Checker::new(CheckerOptions {
        cwd: cwd.to_path_buf(),
        config: None,
        selection,
        ..CheckerOptions::default()
    })
    .unwrap()
}

/// (code, row, column) of each diagnostic.
fn found(text: &str, diagnostics: &[Diagnostic]) -> Vec<(&'static str, usize, usize)> {
    let lines = LineIndex::new(text);
    diagnostics
        .iter()
        .map(|d| {
            let start = lines.position(d.span.start);
            (d.rule.code, start.row, start.column)
        })
        .collect()
}

#[test]
fn check_source_reports_what_the_selection_keeps() {
    let project = Project::new();
    let all = checker(project.root(), SelectionLayer::default());
    let path = project.root().join("a.pyx");
    assert_eq!(
        found(UNCHECKED, &all.check_source(&path, UNCHECKED)),
        vec![("CY001", 3, 28)]
    );
    let ignoring = checker(
        project.root(),
        SelectionLayer {
            ignore: vec![RuleSelector::parse("CY001").unwrap()],
            ..SelectionLayer::default()
        },
    );
    assert_eq!(
        found(UNCHECKED, &ignoring.check_source(&path, UNCHECKED)),
        vec![]
    );
}

#[test]
fn check_source_applies_noqa_and_reports_unused_noqa_when_selected() {
    let project = Project::new();
    let path = project.root().join("a.pyx");
    let suppressed = UNCHECKED.replace("malloc(n)\n", "malloc(n)  # noqa: CY001\n");
    let default = checker(project.root(), SelectionLayer::default());
    assert_eq!(
        found(&suppressed, &default.check_source(&path, &suppressed)),
        vec![]
    );
    let unused = UNCHECKED.replace("free(p)\n", "free(p)  # noqa: CY002\n");
    let with_cy100 = checker(
        project.root(),
        SelectionLayer {
            extend_select: vec![RuleSelector::parse("CY100").unwrap()],
            ..SelectionLayer::default()
        },
    );
    assert_eq!(
        found(&unused, &with_cy100.check_source(&path, &unused)),
        vec![("CY001", 3, 28), ("CY100", 5, 14)]
    );
}

#[test]
fn check_source_follows_the_configuration_of_the_path() {
    let project = Project::new();
    project.write(
        "pyproject.toml",
        "[tool.cysafe]\nper-file-ignores = { \"tests/*\" = [\"CY001\"] }\n",
    );
    let checker = checker(project.root(), SelectionLayer::default());
    let test_file = project.root().join("tests").join("t.pyx");
    let source_file = project.root().join("src").join("s.pyx");
    assert_eq!(
        found(UNCHECKED, &checker.check_source(&test_file, UNCHECKED)),
        vec![]
    );
    assert_eq!(
        found(UNCHECKED, &checker.check_source(&source_file, UNCHECKED)),
        vec![("CY001", 3, 28)]
    );
}

#[test]
fn check_file_skips_plain_python_and_skip_file() {
    let project = Project::new();
    let checker = checker(project.root(), SelectionLayer::default());
    let plain = project.root().join("plain.py");
    let outcome = checker
        .check_file(&plain, "def f():\n    return )\n")
        .outcome;
    assert!(matches!(outcome, FileOutcome::Skipped), "{outcome:?}");
    let skipped = format!("# cysafe: skip-file\n{UNCHECKED}");
    let outcome = checker
        .check_file(&project.root().join("a.pyx"), &skipped)
        .outcome;
    assert!(matches!(outcome, FileOutcome::Skipped), "{outcome:?}");
}

#[test]
fn check_paths_knows_the_helpers_of_the_other_modules() {
    let project = Project::new();
    project.write(
        "pkg/buffers.pyx",
        "from libc.stdlib cimport malloc\n\
         cdef char* make(size_t n):\n    return <char*> malloc(n)\n",
    );
    let main = "from .buffers cimport make\n\
                def f(size_t n):\n    cdef char* p = make(n)\n    p[0] = 0\n";
    project.write("pkg/main.pyx", main);
    let checker = checker(project.root(), SelectionLayer::default());
    let run = checker.check_paths(&[project.root().to_path_buf()]);
    let files: Vec<(PathBuf, Vec<_>)> = run
        .files
        .iter()
        .map(|f| {
            let text = f.text.as_deref().unwrap_or_default();
            (
                f.path.strip_prefix(project.root()).unwrap().to_path_buf(),
                found(text, f.diagnostics()),
            )
        })
        .collect();
    assert_eq!(
        files,
        vec![
            (PathBuf::from("pkg/buffers.pyx"), vec![]),
            // The block is never freed either.
            (
                PathBuf::from("pkg/main.pyx"),
                vec![("CY001", 3, 20), ("CY007", 3, 20)]
            ),
        ]
    );
    // Alone, the helper is an unknown function.
    let alone = checker.check_source(&project.root().join("pkg/main.pyx"), main);
    assert_eq!(found(main, &alone), vec![]);
}

/// The debug-only hook makes the analysis of `b.pyx` panic: the run names it as an
/// internal error on standard error, exits 2, and still reports the other files.
#[cfg(debug_assertions)]
#[test]
fn a_panic_in_one_file_is_reported_and_the_others_are_checked() {
    let project = Project::new();
    project.write("a.pyx", UNCHECKED);
    project.write("b.pyx", UNCHECKED);
    project.write("c.pyx", UNCHECKED);
    let output = project
        .cysafe(&["check", "--output-format", "concise", "."])
        .env("CYSAFE_DEBUG_PANIC_ON", "b.pyx")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(
        stdout
            .lines()
            .filter(|l| l.contains("CY001"))
            .collect::<Vec<_>>(),
        vec![
            "./a.pyx:3:28: CY001 the block from `malloc` is used before it is checked for NULL",
            "./c.pyx:3:28: CY001 the block from `malloc` is used before it is checked for NULL",
        ]
    );
    let stderr = String::from_utf8(output.stderr).unwrap();
    let internal: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("cysafe: "))
        .collect();
    assert_eq!(
        internal,
        vec![
            "cysafe: ./b.pyx: internal error: cysafe failed while analyzing this file \
             (CYSAFE_DEBUG_PANIC_ON asked for a panic); the other files were checked; \
             please report this as a cysafe bug"
        ]
    );
}

/// The same through the library: the panicking file's outcome is its internal error.
#[cfg(debug_assertions)]
#[test]
fn check_file_turns_a_panic_into_an_internal_error() {
    // The variable is read by every test of this binary that checks a file named
    // `panics.pyx`; no other test uses that name.
    std::env::set_var("CYSAFE_DEBUG_PANIC_ON", "panics.pyx");
    let project = Project::new();
    let checker = checker(project.root(), SelectionLayer::default());
    let outcome = checker
        .check_file(&project.root().join("panics.pyx"), UNCHECKED)
        .outcome;
    match outcome {
        FileOutcome::InternalError(message) => {
            assert_eq!(message, "CYSAFE_DEBUG_PANIC_ON asked for a panic")
        }
        other => panic!("expected an internal error, got {other:?}"),
    }
    let other = checker.check_source(&project.root().join("fine.pyx"), UNCHECKED);
    assert_eq!(found(UNCHECKED, &other), vec![("CY001", 3, 28)]);
}
