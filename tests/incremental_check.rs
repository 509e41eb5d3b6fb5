//! The language server analyzes an edited document incrementally: functions whose text
//! did not change keep their lowering, and module-level functions whose inputs did not
//! change either keep their summary and diagnostics, moved with them
//! (`cysafe::analyze::AnalysisCache`). That must never show anything a full check of the
//! same text would not.
//!
//! A property test over the samples: from seeded random edit sequences (a character
//! typed or deleted, a line deleted, duplicated or replaced by an allocation, a free, a
//! check, a return), after every edit the document is reparsed incrementally as the
//! server does and checked with the cache of the previous version; its diagnostics
//! (fixes included) and skipped functions must equal a fresh `check_file` of the text.
//! `CYSAFE_INCREMENTAL_SEQUENCES=n` runs n sequences per sample instead of the default.

use std::path::{Path, PathBuf};

use cysafe::analyze::{AnalysisCache, Incremental};
use cysafe::checker::FileCheck;
use cysafe::ownership::summary::ProjectSummaries;
use cysafe::parse::{parse, reparse, Dialect};
use cysafe::{Checker, CheckerOptions};
use tree_sitter::{InputEdit, Point, Tree};

const DEFAULT_SEQUENCES: u64 = 3;
const EDITS_PER_SEQUENCE: usize = 10;

/// Lines the edits insert at the start of a line: what changes a function's summary or
/// diagnostics (an allocation, a release, a check, a return, a call of a helper).
const LINES: &[&str] = &[
    "    p = <char*> malloc(n)\n",
    "    free(p)\n",
    "    if p == NULL:\n        raise MemoryError()\n",
    "    return p\n",
    "    return NULL\n",
    "    p[0] = 0\n",
    "    q = make(n)\n",
    "    pass\n",
    "\n",
    "def added(size_t n):\n    cdef char* p = <char*> malloc(n)\n    p[0] = 1\n",
    "# free\n",
];

fn checker() -> Checker {
    Checker::new(CheckerOptions {
        config: Some(cysafe::config::Config::defaults(PathBuf::from("."))),
        ..CheckerOptions::default()
    })
    .unwrap()
}

fn samples() -> Vec<(PathBuf, String)> {
    let mut found = Vec::new();
    let mut pending = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("samples")];
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else if Dialect::from_path(&path).is_some() {
                let text = std::fs::read_to_string(&path).unwrap();
                found.push((path, text));
            }
        }
    }
    found.sort();
    found
}

/// The tree-sitter point (row, byte column) of a byte offset.
fn point_at(text: &str, offset: usize) -> Point {
    let before = &text[..offset];
    let row = before.matches('\n').count();
    let column = before
        .rfind('\n')
        .map_or(offset, |newline| offset - newline - 1);
    Point::new(row, column)
}

/// A random character boundary of `text` (its end included).
fn boundary(rng: &mut fastrand::Rng, text: &str) -> usize {
    let mut offset = rng.usize(..=text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// The start of each line.
fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(at, _)| at + 1))
        .filter(|&start| start < text.len())
        .collect()
}

/// One random edit, as an editor sends it: the replaced byte range and the new text.
fn random_edit(rng: &mut fastrand::Rng, text: &str) -> (std::ops::Range<usize>, String) {
    let lines = line_starts(text);
    let line = |rng: &mut fastrand::Rng| {
        let start = lines
            .get(rng.usize(..lines.len().max(1)))
            .copied()
            .unwrap_or(0);
        let end = text[start..]
            .find('\n')
            .map_or(text.len(), |at| start + at + 1);
        start..end
    };
    match rng.u8(..6) {
        // A character typed.
        0 => {
            let at = boundary(rng, text);
            let typed = ["7", "x", " ", "(", ":"][rng.usize(..5)];
            (at..at, typed.to_string())
        }
        // A character deleted.
        1 => {
            let at = boundary(rng, text);
            let mut end = (at + 1).min(text.len());
            while !text.is_char_boundary(end) {
                end += 1;
            }
            (at..end, String::new())
        }
        // A line deleted.
        2 => (line(rng), String::new()),
        // A line duplicated.
        3 => {
            let copied = line(rng);
            let at = line(rng).start;
            (at..at, text[copied].to_string())
        }
        // A line replaced.
        4 => (line(rng), LINES[rng.usize(..LINES.len())].to_string()),
        // A line inserted.
        _ => {
            let at = line(rng).start;
            (at..at, LINES[rng.usize(..LINES.len())].to_string())
        }
    }
}

/// Applies an edit to the text and tells the tree, as `server::document` does.
fn apply(text: &mut String, tree: &mut Tree, range: std::ops::Range<usize>, inserted: &str) {
    let edit = InputEdit {
        start_byte: range.start,
        old_end_byte: range.end,
        new_end_byte: range.start + inserted.len(),
        start_position: point_at(text, range.start),
        old_end_position: point_at(text, range.end),
        new_end_position: {
            let mut after = text[..range.start].to_string();
            after.push_str(inserted);
            point_at(&after, after.len())
        },
    };
    text.replace_range(range, inserted);
    tree.edit(&edit);
}

fn incremental_check(
    checker: &Checker,
    path: &Path,
    text: &str,
    tree: &Tree,
    project: &ProjectSummaries,
    cache: &mut AnalysisCache,
) -> FileCheck {
    let incremental = Incremental {
        cancelled: None,
        cache: Some(cache),
    };
    let (check, _) = checker
        .check_parsed_until(path, text, tree, project, &[], incremental)
        .expect("nothing cancels it");
    check
}

/// What a check shows: diagnostics with every field (fixes included), and the functions
/// it skipped.
fn shown(check: &FileCheck) -> String {
    format!("{:#?}\n{:?}", check.diagnostics(), check.too_deep)
}

/// Runs one edit sequence; returns the first mismatch, and how many functions the
/// incremental checks reused.
fn run_sequence(path: &Path, text: &str, seed: u64) -> Result<usize, String> {
    let checker = checker();
    let dialect = Dialect::from_path(path).unwrap();
    let project = ProjectSummaries::default();
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut text = text.to_string();
    let mut tree = parse(&text, dialect);
    let mut cache = AnalysisCache::default();
    incremental_check(&checker, path, &text, &tree, &project, &mut cache);
    let mut reused = 0;
    let mut history = Vec::new();
    for _ in 0..EDITS_PER_SEQUENCE {
        let (range, inserted) = random_edit(&mut rng, &text);
        history.push(format!("replace {range:?} with {inserted:?}"));
        apply(&mut text, &mut tree, range, &inserted);
        tree = reparse(&text, dialect, &tree);
        let got = incremental_check(&checker, path, &text, &tree, &project, &mut cache);
        reused += cache.reused();
        let want = checker.check_file(path, &text);
        if shown(&got) != shown(&want) {
            return Err(format!(
                "{}, seed {seed}: after {}\nincremental:\n{}\nfresh:\n{}\ntext:\n{text}",
                path.display(),
                history.join(", then "),
                shown(&got),
                shown(&want),
            ));
        }
    }
    Ok(reused)
}

#[test]
fn checking_incrementally_after_random_edits_equals_a_fresh_check() {
    let sequences = std::env::var("CYSAFE_INCREMENTAL_SEQUENCES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(DEFAULT_SEQUENCES);
    let samples = samples();
    assert!(samples.len() > 100, "{} samples", samples.len());
    let mut failures = Vec::new();
    let mut reused = 0;
    for (index, (path, text)) in samples.iter().enumerate() {
        for sequence in 0..sequences {
            let seed = (index as u64) << 32 | sequence;
            match run_sequence(path, text, seed) {
                Ok(count) => reused += count,
                Err(failure) => failures.push(failure),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    // The comparison means something only if results were reused.
    assert!(reused > 100, "only {reused} functions reused");
}

/// A check of `text` with `cache` (which it updates), after asserting that it equals a
/// fresh check.
fn checked_with(text: &str, cache: &mut AnalysisCache) -> FileCheck {
    let checker = checker();
    let path = Path::new("edited.pyx");
    let tree = parse(text, Dialect::Cython);
    let project = ProjectSummaries::default();
    let check = incremental_check(&checker, path, text, &tree, &project, cache);
    assert_eq!(shown(&check), shown(&checker.check_file(path, text)));
    check
}

/// How many functions a check of `text` with `cache` reused, and its diagnostics (code
/// and line).
fn check_with(text: &str, cache: &mut AnalysisCache) -> (usize, Vec<(&'static str, usize)>) {
    let check = checked_with(text, cache);
    let lines = cysafe::diagnostic::LineIndex::new(text);
    let found = check
        .diagnostics()
        .iter()
        .map(|d| (d.rule.code, lines.position(d.span.start).row))
        .collect();
    (cache.reused(), found)
}

const HELPERS: &str = "from libc.stdlib cimport malloc, free\n\
    cdef char* make(size_t n):\n    return <char*> malloc(n)\n\
    def user(size_t n):\n    cdef char* p = make(n)\n    p[0] = 1\n    free(p)\n\
    def other(size_t n):\n    cdef char* q = <char*> malloc(n)\n    q[0] = 1\n    free(q)\n";

#[test]
fn a_helper_whose_summary_changes_has_its_callers_analyzed_again() {
    let mut cache = AnalysisCache::default();
    let (reused, found) = check_with(HELPERS, &mut cache);
    assert_eq!(reused, 0);
    assert_eq!(found, vec![("CY001", 5), ("CY001", 9)]);
    // `make` now returns NULL: `user` holds no block from an allocator any more, so its
    // CY001 goes; only `other` keeps its result.
    let edited = HELPERS.replace("return <char*> malloc(n)", "return NULL");
    let (reused, found) = check_with(&edited, &mut cache);
    assert_eq!(reused, 1);
    assert_eq!(found, vec![("CY001", 9)]);
    // An edit in `other` that moves nothing: `make` and `user` are reused.
    let edited = edited.replace("q[0] = 1", "q[0] = 2");
    let (reused, found) = check_with(&edited, &mut cache);
    assert_eq!(reused, 2);
    assert_eq!(found, vec![("CY001", 9)]);
}

#[test]
fn diagnostics_of_reused_functions_move_with_them() {
    let mut cache = AnalysisCache::default();
    check_with(HELPERS, &mut cache);
    // Two lines added to `make` (its summary is the same) move `user` and `other` down.
    let edited = HELPERS.replace(
        "    return <char*> malloc(n)\n",
        "    n = n + 1\n    n = n * 2\n    return <char*> malloc(n)\n",
    );
    let (reused, found) = check_with(&edited, &mut cache);
    assert_eq!(reused, 2);
    assert_eq!(found, vec![("CY001", 7), ("CY001", 11)]);
}

#[test]
fn a_fix_that_depends_on_the_rest_of_the_file_is_computed_again() {
    // CY001's fix in `f` releases `a` before raising only with a deallocator the file
    // names; naming `free` elsewhere (in `g`) changes the fix of an unchanged `f`.
    let text = "from libc.stdlib cimport malloc\n\
        def f(size_t n):\n    cdef char* a = <char*> malloc(n)\n    if a == NULL:\n        raise MemoryError()\n    \
        cdef char* b = <char*> malloc(n)\n    b[0] = 0\n\
        def g():\n    pass\n";
    let fix_of_f = |text: &str, cache: &mut AnalysisCache| {
        checked_with(text, cache)
            .diagnostics()
            .iter()
            .find(|d| d.rule.code == "CY001")
            .map(|d| d.fix.is_some())
    };
    let mut cache = AnalysisCache::default();
    assert_eq!(fix_of_f(text, &mut cache), Some(false));
    let named = text.replace("    pass\n", "    free(NULL)\n");
    assert_eq!(fix_of_f(&named, &mut cache), Some(true));
}

/// Seed 42 << 32 | 1 of the property test: the edits put a `property name:` line above a
/// `def __del__` that was in the class body. Lowering reused the function of the same
/// text and class, the finalizer `Tag.__del__`, for what is now the deleter
/// `name.__del__`: the incremental check took `free(self._name)` there for the class's
/// finalizer and missed the CY004 a fresh check reports.
#[test]
fn a_del_that_a_property_block_now_encloses_is_lowered_again_as_the_deleter() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples/cython/review2/classes/bug_property_deleter_only.pyx");
    let text = std::fs::read_to_string(&path).unwrap();
    if let Err(failure) = run_sequence(&path, &text, 42 << 32 | 1) {
        panic!("{failure}");
    }
}
