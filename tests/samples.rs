//! Every file in samples/ through `analyze_source`: the set of (code, line) it reports
//! must be exactly the set its `# expect: CY001, CY002` comments mark.
//!
//! A `.pyx` with a `.pxd` of the same name beside it is one module in two files (the
//! class's attributes and inline methods in the `.pxd`, its `__dealloc__` in the `.pyx`),
//! and so is a `.pyx` with the `.pxi` files beside it that it includes (helpers it calls
//! by their bare name): the module is checked together through `Checker::check_paths`,
//! the module model of `cysafe check`, against the marks of all its files.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use cysafe::analyze::analyze_source;
use cysafe::diagnostic::LineIndex;
use cysafe::parse::Dialect;
use cysafe::settings::AnalysisSettings;
use cysafe::{Checker, CheckerOptions};

fn expected(text: &str) -> BTreeSet<(String, usize)> {
    let mut expected = BTreeSet::new();
    for (index, line) in text.lines().enumerate() {
        if let Some((_, codes)) = line.split_once("# expect:") {
            for code in codes.split(',') {
                expected.insert((code.trim().to_string(), index + 1));
            }
        }
    }
    expected
}

fn reported(text: &str, dialect: Dialect) -> BTreeSet<(String, usize)> {
    let index = LineIndex::new(text);
    analyze_source(text, dialect, &AnalysisSettings::default())
        .into_iter()
        .map(|d| (d.rule.code.to_string(), index.position(d.span.start).row))
        .collect()
}

fn sample_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("samples")];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else if Dialect::from_path(&path).is_some() {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// The `.pxd` of the same name beside a `.pyx`: the other half of its module.
fn declaration_of(path: &Path) -> Option<PathBuf> {
    let declaration = path.with_extension("pxd");
    (path.extension().is_some_and(|e| e == "pyx") && declaration.is_file()).then_some(declaration)
}

/// The files beside a `.pyx` that its `include "x.pxi"` lines name.
fn included_by(path: &Path) -> Vec<PathBuf> {
    if path.extension().is_none_or(|e| e != "pyx") {
        return Vec::new();
    }
    let text = std::fs::read_to_string(path).unwrap();
    text.lines()
        .filter_map(|line| line.strip_prefix("include \""))
        .filter_map(|rest| rest.split('"').next())
        .map(|name| path.with_file_name(name))
        .filter(|included| included.is_file())
        .collect()
}

/// The other files of a `.pyx`'s module in samples/: its `.pxd` and the `.pxi` files it
/// includes (empty for a module of one file).
fn rest_of_module(path: &Path) -> Vec<PathBuf> {
    declaration_of(path)
        .into_iter()
        .chain(included_by(path))
        .collect()
}

/// Whether a sample is checked as part of a module of several files.
fn in_module(path: &Path, included: &BTreeSet<PathBuf>) -> bool {
    !rest_of_module(path).is_empty() || included.contains(path)
}

/// The `.pxi` samples some `.pyx` sample includes.
fn included_samples() -> BTreeSet<PathBuf> {
    sample_files()
        .iter()
        .flat_map(|path| included_by(path))
        .collect()
}

fn check(extension: &str) {
    let included = included_samples();
    let files: Vec<_> = sample_files()
        .into_iter()
        .filter(|path| path.extension().is_some_and(|e| e == extension))
        .filter(|path| !in_module(path, &included))
        .collect();
    assert!(!files.is_empty(), "no .{extension} sample");
    let mut failures = Vec::new();
    for path in files {
        let dialect = Dialect::from_path(&path).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let expected = expected(&text);
        let reported = reported(&text, dialect);
        if expected != reported {
            let missing: Vec<_> = expected.difference(&reported).collect();
            let unexpected: Vec<_> = reported.difference(&expected).collect();
            failures.push(format!(
                "{}: missing {missing:?}, unexpected {unexpected:?}",
                path.display()
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn samples_of_several_files_report_exactly_their_expectations_as_one_module() {
    let modules: Vec<Vec<PathBuf>> = sample_files()
        .into_iter()
        .filter_map(|path| {
            let rest = rest_of_module(&path);
            (!rest.is_empty()).then(|| std::iter::once(path).chain(rest).collect())
        })
        .collect();
    let has = |extension: &str| {
        modules.iter().any(|files| {
            files[1..]
                .iter()
                .any(|f| f.extension().unwrap() == extension)
        })
    };
    assert!(
        has("pxd") && has("pxi"),
        "no .pxd/.pyx or .pyx/.pxi sample module"
    );
    let checker = Checker::new(CheckerOptions {
        cwd: PathBuf::from(env!("CARGO_MANIFEST_DIR")),
        isolated: true,
        ..CheckerOptions::default()
    })
    .unwrap();
    let mut failures = Vec::new();
    for files in modules {
        let run = checker.check_paths(&files);
        assert_eq!(run.files.len(), files.len(), "{}", files[0].display());
        for file in &run.files {
            let text = std::fs::read_to_string(&file.path).unwrap();
            let index = LineIndex::new(&text);
            let reported: BTreeSet<(String, usize)> = file
                .diagnostics()
                .iter()
                .map(|d| (d.rule.code.to_string(), index.position(d.span.start).row))
                .collect();
            let expected = expected(&text);
            if expected != reported {
                let missing: Vec<_> = expected.difference(&reported).collect();
                let unexpected: Vec<_> = reported.difference(&expected).collect();
                failures.push(format!(
                    "{}: missing {missing:?}, unexpected {unexpected:?}",
                    file.path.display()
                ));
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn pure_python_samples_report_exactly_their_expectations() {
    check("py");
}

#[test]
fn cython_samples_report_exactly_their_expectations() {
    check("pyx");
    check("pxi");
}

/// A large file is parsed a group of top-level statements at a time
/// (`analyze::Grouping`); parsing every sample that way, one statement per group, must
/// report what parsing it whole reports: the same diagnostics with their messages,
/// positions, related spans and fixes, the same functions named as skipped, the same
/// exported classes and the same work (the IR itself is compared in
/// `analyze.rs`'s tests) (a `.pyx` with its `.pxd` as context, as a run sees it).
#[test]
fn parsing_by_groups_reports_what_parsing_whole_reports() {
    use cysafe::analyze::{analyze_file, analyze_file_grouping, ContextFile, Grouping};
    let settings = AnalysisSettings::default();
    let empty = cysafe::ownership::summary::ProjectSummaries::default();
    let mut compared = 0;
    for path in sample_files() {
        let text = std::fs::read_to_string(&path).unwrap();
        let dialect = Dialect::from_path(&path).unwrap();
        let declaration = declaration_of(&path).map(|pxd| std::fs::read_to_string(pxd).unwrap());
        let context: Vec<ContextFile<'_>> =
            declaration.as_deref().map(Into::into).into_iter().collect();
        let whole = analyze_file(&text, dialect, &settings, &empty, &context);
        let grouped = analyze_file_grouping(
            &text,
            dialect,
            &settings,
            &empty,
            &context,
            Grouping::EVERY_STATEMENT,
        );
        let shown = |analysis: &cysafe::analyze::FileAnalysis| {
            let classes: std::collections::BTreeMap<_, _> =
                analysis.summaries.classes.iter().collect();
            format!(
                "{:#?}\n{:#?}\n{classes:#?}\n{}",
                analysis.diagnostics, analysis.too_deep, analysis.graph_builds
            )
        };
        assert_eq!(shown(&grouped), shown(&whole), "{}", path.display());
        compared += usize::from(!whole.diagnostics.is_empty());
    }
    assert!(compared > 100, "only {compared} samples report anything");
}

/// `analyze_source` runs the one-graph rules and their fixes on each module-level
/// function's graph as soon as it is final, and drops it
/// (`ModuleAnalysis::run_releasing`); keeping every graph to the end and running all
/// the rules then (`rules::check_module`, what `cysafe graph` and the benchmarks use)
/// must report the same diagnostics, messages, related spans and fixes, on every sample.
#[test]
fn releasing_each_graph_early_reports_what_keeping_them_all_reports() {
    let settings = AnalysisSettings::default();
    let mut compared = 0;
    for path in sample_files() {
        let text = std::fs::read_to_string(&path).unwrap();
        let dialect = Dialect::from_path(&path).unwrap();
        let mut released = analyze_source(&text, dialect, &settings);
        if released.iter().any(|d| d.rule.code == "CY000") {
            continue;
        }
        let lowered = cysafe::analyze::lower_source(&text, dialect, &settings);
        let analysis = lowered.analyze();
        assert!(analysis.released.is_empty());
        let mut kept = Vec::new();
        cysafe::rules::check_module(&analysis, &mut kept);
        cysafe::fix::attach_fixes(&analysis.graphs, &text, dialect, &mut kept);
        let order = |d: &cysafe::diagnostic::Diagnostic| (d.span, d.rule.code);
        kept.sort_by_key(order);
        released.sort_by_key(order);
        assert_eq!(
            format!("{kept:#?}"),
            format!("{released:#?}"),
            "{}",
            path.display()
        );
        compared += usize::from(!kept.is_empty());
    }
    assert!(compared > 100, "only {compared} samples report anything");
}
