//! Fixes end to end through `cysafe check --fix/--diff`: every fixed text is pinned
//! (tests/fixes/*.fixed), every fixed file is compiled by Cython (`cython -3`, and
//! `--cplus`), and what is left to report after the fixes is exactly what no fix can
//! repair. Set `CYSAFE_BLESS=1` to rewrite the pinned texts after a deliberate change,
//! then review the diff.
//!
//! Cython 3.3.1 must be on PATH (`pip install cython==3.3.1`; `.ci/run` installs it).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::Project;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixes")
}

fn repository() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Compares `actual` with the pinned file, or rewrites it under `CYSAFE_BLESS=1`.
fn assert_pinned(pinned: &Path, actual: &str) {
    if std::env::var_os("CYSAFE_BLESS").is_some() {
        std::fs::write(pinned, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(pinned)
        .unwrap_or_else(|error| panic!("{}: {error} (CYSAFE_BLESS=1 writes it)", pinned.display()));
    assert!(
        expected == actual,
        "{} differs from the fixed text:\n{}",
        pinned.display(),
        similar::TextDiff::from_lines(&expected, actual).unified_diff()
    );
}

/// Compiles a file with `cython -3` (`--cplus`: as C++); Cython's messages when it fails.
fn cython(path: &Path, cplus: bool) -> Result<(), String> {
    let output_file = path.with_extension(if cplus { "cpp" } else { "c" });
    let mut command = Command::new("cython");
    command.arg("-3");
    if cplus {
        command.arg("--cplus");
    }
    let output = command
        .arg(path)
        .arg("-o")
        .arg(&output_file)
        .output()
        .unwrap_or_else(|error| {
            panic!("cannot run `cython` ({error}): install it with `pip install cython==3.3.1`")
        });
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}

/// Panics with Cython's messages unless the file compiles as C (and, with `cplus`, as
/// C++).
fn assert_compiles(path: &Path, cplus: bool) {
    for mode in [false].into_iter().chain(cplus.then_some(true)) {
        if let Err(messages) = cython(path, mode) {
            panic!(
                "cython -3 {}{} failed:\n{messages}",
                if mode { "--cplus " } else { "" },
                path.display()
            );
        }
    }
}

/// Each fixture fixed with every fix: pinned text, compiles, and only the diagnostics no
/// fix can repair remain.
#[test]
fn fixtures_fixed_are_pinned_compile_and_leave_only_what_cannot_be_fixed() {
    let cases: [(&str, &[&str]); 3] = [
        // A `noexcept` function cannot raise: no fix, and the help says so.
        (
            "realloc_shapes.pyx",
            // `twice` raises when its second block fails, leaking the first (CY007): a leak
            // the CY003 fix keeps, as the original had it on the same paths.
            &[
                "realloc_shapes.pyx:80:28: CY007",
                "realloc_shapes.pyx:85:19: CY007",
                "realloc_shapes.pyx:120:5: CY003",
            ],
        ),
        // `pair`'s and `copy_both`'s second checks release the first block before raising;
        // `kept_elsewhere`'s does not (`keep_alive` may keep it).
        (
            "unchecked_shapes.pyx",
            &["unchecked_shapes.pyx:67:30: CY001"],
        ),
        ("pure_shapes.py", &[]),
    ];
    for (name, remaining) in cases {
        let project = Project::new();
        let original = std::fs::read_to_string(fixtures().join(name)).unwrap();
        let path = project.write(name, &original);
        assert_compiles(&path, false);
        let run = project.run(&[
            "check",
            "--fix",
            "--unsafe-fixes",
            "--output-format",
            "concise",
            name,
        ]);
        let fixed = std::fs::read_to_string(&path).unwrap();
        assert_pinned(&fixtures().join(format!("{name}.fixed")), &fixed);
        assert_compiles(&path, true);
        let left: Vec<String> = run
            .stdout
            .lines()
            .filter_map(|line| {
                let (location, message) = line.split_once(' ')?;
                Some(format!("{location} {}", message.get(..5)?))
            })
            .filter(|line| line.contains(" CY"))
            .collect();
        assert_eq!(left, remaining, "{name}: {}", run.stdout);
        assert_eq!(
            run.code,
            Some(if remaining.is_empty() { 0 } else { 1 }),
            "{name}"
        );
    }
}

#[test]
fn noexcept_functions_get_no_fix_and_the_help_says_why() {
    let project = Project::new();
    let original = std::fs::read_to_string(fixtures().join("unchecked_shapes.pyx")).unwrap();
    project.write("u.pyx", &original);
    let run = project.run(&["check", "--output-format", "json", "u.pyx"]);
    let value: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let last = value
        .as_array()
        .unwrap()
        .iter()
        .find(|diagnostic| diagnostic["location"]["row"] == 56)
        .unwrap();
    assert_eq!(
        last["location"],
        serde_json::json!({"row": 56, "column": 30})
    );
    assert_eq!(last["fix"], serde_json::Value::Null);
    assert_eq!(
        last["help"],
        "check it before the first use: `if buf == NULL: raise MemoryError()` (no automatic \
         fix: `cannot_raise` is `noexcept`, so a raise cannot reach its caller; return an \
         error value or call `abort()`)"
    );
}

#[test]
fn fix_applies_only_safe_fixes_unless_unsafe_fixes_is_given() {
    let project = Project::new();
    let original = std::fs::read_to_string(fixtures().join("realloc_shapes.pyx")).unwrap();
    let path = project.write("r.pyx", &original);
    let run = project.run(&[
        "check",
        "--fix",
        "--quiet",
        "--select",
        "CY003",
        "--output-format",
        "concise",
        "r.pyx",
    ]);
    let safe = std::fs::read_to_string(&path).unwrap();
    // The five reallocations followed by their check are fixed; the four that need a
    // raise added (one of them in a noexcept function) remain.
    let left: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(left.len(), 4, "{}", run.stdout);
    assert!(left.iter().all(|line| line.contains(" CY003 ")));
    assert!(!safe.contains("    s.items = <int*> realloc"));
    assert!(safe.contains("    buf = realloc(buf, 2 * n)\n"));
    assert_compiles(&path, false);
    let summary = project.run(&["check", "--fix", "--select", "CY003", "r.pyx"]);
    assert_eq!(
        summary.stdout.lines().last(),
        Some("Found 4 diagnostics (0 fixed, 4 remaining).")
    );
}

#[test]
fn diff_prints_the_change_exits_1_and_writes_nothing() {
    let project = Project::new();
    let original = std::fs::read_to_string(fixtures().join("realloc_shapes.pyx")).unwrap();
    let path = project.write("r.pyx", &original);
    let run = project.run(&["check", "--diff", "r.pyx"]);
    assert_eq!(run.code, Some(1));
    assert!(
        run.stdout.starts_with("--- r.pyx\n+++ r.pyx\n@@ "),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("\n-    if s.items == NULL:\n"));
    assert!(run.stdout.contains("\n+    if tmp == NULL:\n"));
    assert_eq!(run.stderr, "Would fix 5 diagnostics.\n");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), original);
    let clean = project.write("c.pyx", "def f(n):\n    return n\n");
    let run = project.run(&["check", "--diff", clean.to_str().unwrap()]);
    assert_eq!((run.code, run.stdout.as_str()), (Some(0), ""));
    assert_eq!(run.stderr, "No fixes available.\n");
}

#[test]
fn fix_refuses_standard_input() {
    let project = Project::new();
    let run = project.run_stdin(&["check", "--fix", "-"], b"x = 1\n");
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("cannot read standard input"));
}

/// Every fix on the samples, pinned as one diff; each sample that compiles with Cython
/// before its fixes still compiles after them.
#[test]
fn sample_fixes_are_pinned_and_compile() {
    let project = Project::new();
    let samples = repository().join("samples");
    let mut copied = Vec::new();
    let mut pending = vec![samples.clone()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let relative = path.strip_prefix(&samples).unwrap().to_str().unwrap();
                let relative = relative.replace('\\', "/");
                project.write(&relative, std::fs::read(&path).unwrap());
                copied.push(relative);
            }
        }
    }
    copied.sort();
    let diff = project.run(&["check", "--diff", "--unsafe-fixes", "."]);
    assert_eq!(diff.code, Some(1));
    assert_pinned(&fixtures().join("samples.diff"), &diff.stdout);
    let changed: Vec<&str> = copied
        .iter()
        .filter(|name| diff.stdout.contains(&format!("--- ./{name}\n")))
        .map(String::as_str)
        .collect();
    // The samples whose fixes Cython can judge: those that compile before them (the
    // others use constructs Cython rejects, on purpose or from pure-Python mode).
    let compiled_before = [
        "cython/module_imports.pyx",
        "cython/realloc_overwrite.pyx",
        "cython/review/address_of_element.pyx",
        "cython/review/check_helpers.pyx",
        "cython/review/check_that_goes_on.pyx",
        "cython/review/conditional_expressions.pyx",
        "cython/review/loop_allocations.pyx",
        "cython/review/pointer_as_number.pyx",
        "cython/review/realloc_failure_aborts.pyx",
        "cython/review/realloc_old_block_kept.pyx",
        "cython/review5/long_sum_bug.pyx",
        "cython/review5/null_cast_zero_bug.pyx",
        "cython/unchecked_allocation.pyx",
        "docs/random_noise_unchecked.pyx",
        "docs/some_memory_realloc_overwrite.pyx",
    ];
    for name in compiled_before {
        assert!(changed.contains(&name), "{name} has no fix any more");
    }
    let fix = project.run(&["check", "--fix", "--unsafe-fixes", "--quiet", "."]);
    assert!(fix.stderr.is_empty(), "{}", fix.stderr);
    // What remains has no fix: every fixed problem is gone.
    let after = project.run(&["check", "--output-format", "json", "."]);
    let remaining: Vec<serde_json::Value> = serde_json::from_str(&after.stdout).unwrap();
    assert!(
        remaining.iter().all(|d| d["fix"].is_null()),
        "{}",
        after.stdout
    );
    for name in compiled_before {
        assert_compiles(&project.root().join(name), false);
    }
}
