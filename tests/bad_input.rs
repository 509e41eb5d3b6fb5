//! Bad input through the built binary: `cysafe parse` and `cysafe parse --check` must
//! answer every file with a clear message or a tree, never panic or overflow the stack,
//! and one bad file must not stop the others.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

struct Scratch {
    dir: PathBuf,
}

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir =
            std::env::temp_dir().join(format!("cysafe-bad-input-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        Scratch { dir }
    }

    fn file(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.dir.join(name);
        fs::write(&path, bytes).unwrap();
        path
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.dir);
    }
}

/// `cysafe parse [--check] ARGS`, which must end without a crash whatever the input.
fn cysafe(args: &[&Path], check: bool, keep_stdout: bool) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cysafe"));
    command.arg("parse");
    if check {
        command.arg("--check");
    }
    command.args(args);
    if !keep_stdout {
        command.stdout(Stdio::null());
    }
    let output = command.output().unwrap();
    assert_no_crash(&output);
    output
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

/// A process that panicked or overflowed its stack says so on stderr (or dies by signal).
fn assert_no_crash(output: &Output) {
    let err = stderr(output);
    assert!(output.status.code().is_some(), "killed by a signal: {err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(!err.contains("overflow"), "{err}");
}

#[test]
fn empty_file_is_an_empty_module() {
    let scratch = Scratch::new("empty");
    let empty = scratch.file("empty.pyx", "");
    let check = cysafe(&[&empty], true, true);
    assert_eq!(check.status.code(), Some(0));
    assert_eq!(stdout(&check), "1 files, 0 with syntax errors\n");
    let print = cysafe(&[&empty], false, true);
    assert_eq!(print.status.code(), Some(0));
    assert_eq!(stdout(&print), "(module)\n");
}

#[test]
fn invalid_utf8_and_binary_files_are_reported_and_the_others_still_checked() {
    let scratch = Scratch::new("encoding");
    let latin1 = scratch.file("a_latin1.pyx", b"x = '\xe9'\n");
    let binary = scratch.file("b_binary.pyx", b"\x7fELF\x02\x01\x00\x00cdef");
    let broken = scratch.file("c_broken.pyx", "cdef int = \n");
    let good = scratch.file("d_good.pyx", "cdef int x = 1\n");

    let check = cysafe(&[&scratch.dir], true, true);
    assert_eq!(check.status.code(), Some(2));
    assert_eq!(
        stderr(&check),
        format!(
            "cysafe: {}: not valid UTF-8 (first invalid byte at line 1, byte column 6)\n\
             cysafe: {}: binary file (contains a NUL byte), not source\n",
            latin1.display(),
            binary.display()
        )
    );
    assert_eq!(
        stdout(&check),
        format!(
            "{}:1:1: syntax error\n2 files, 1 with syntax errors; 2 paths could not be read\n",
            broken.display()
        )
    );

    let print = cysafe(&[&latin1, &binary, &good], false, true);
    assert_eq!(print.status.code(), Some(2));
    assert_eq!(stderr(&print).lines().count(), 2);
    assert!(stdout(&print).starts_with("(module (c_variable_declaration"));
}

#[test]
fn syntax_errors_alone_exit_1() {
    let scratch = Scratch::new("syntax");
    let broken = scratch.file("broken.pyx", "def f(:\n    pass\n");
    let check = cysafe(&[&broken], true, true);
    assert_eq!(check.status.code(), Some(1));
    assert_eq!(stderr(&check), "");
    assert!(stdout(&check).ends_with("1 files, 1 with syntax errors\n"));
}

#[test]
fn missing_and_unreadable_paths_do_not_stop_the_others() {
    let scratch = Scratch::new("paths");
    let missing = scratch.dir.join("missing.pyx");
    let folder_as_file = scratch.dir.join("folder.pyx");
    fs::create_dir(&folder_as_file).unwrap();
    let dangling = scratch.dir.join("dangling.pyx");
    std::os::unix::fs::symlink(scratch.dir.join("nowhere.pyx"), &dangling).unwrap();
    let good = scratch.file("good.pyx", "cdef int x = 1\n");

    let print = cysafe(&[&missing, &folder_as_file, &dangling, &good], false, true);
    assert_eq!(print.status.code(), Some(2));
    let err = stderr(&print);
    assert_eq!(err.lines().count(), 3, "{err}");
    assert!(err.contains(&format!(
        "cysafe: {}: No such file or directory",
        missing.display()
    )));
    assert!(err.contains(&format!(
        "cysafe: {}: Is a directory",
        folder_as_file.display()
    )));
    assert!(err.contains(&format!(
        "cysafe: {}: No such file or directory",
        dangling.display()
    )));
    assert_eq!(stdout(&print).lines().count(), 1);

    let check = cysafe(&[&missing, &dangling, &good], true, true);
    assert_eq!(check.status.code(), Some(2));
    assert_eq!(stderr(&check).lines().count(), 2);
    assert_eq!(
        stdout(&check),
        "1 files, 0 with syntax errors; 2 paths could not be read\n"
    );
}

#[test]
fn fifty_megabytes_parse() {
    let scratch = Scratch::new("large");
    // Shaped like real code (a docstring, a comment, a few statements) rather than a
    // run of tiny statements, so the test stays quick while the file stays 50 MB.
    let prose = "Lorem ipsum dolor sit amet, consectetur adipiscing elit. ".repeat(2);
    let docstring = format!("    \"\"\"{}\"\"\"\n", format!("{prose}\n    ").repeat(20));
    let chunk = format!(
        "cdef int f(int n) except -1 nogil:\n{docstring}    cdef int* p = <int*>malloc(n * sizeof(int))\n    if p == NULL:\n        return -1\n    free(p)\n    return 0\n\n# {}\n",
        "-".repeat(200)
    );
    let text = chunk.repeat(50 * 1024 * 1024 / chunk.len() + 1);
    assert!(text.len() >= 50 * 1024 * 1024);
    let large = scratch.file("large.pyx", &text);
    let check = cysafe(&[&large], true, true);
    assert_eq!(check.status.code(), Some(0));
    assert_eq!(stdout(&check), "1 files, 0 with syntax errors\n");
    let print = cysafe(&[&large], false, false);
    assert_eq!(print.status.code(), Some(0));
}

#[test]
fn ten_thousand_indentation_levels() {
    let scratch = Scratch::new("indent");
    let mut text = String::new();
    for level in 0..10_000 {
        text.push_str(&" ".repeat(level));
        text.push_str("if x:\n");
    }
    text.push_str(&" ".repeat(10_000));
    text.push_str("pass\n");
    text.push_str("y = 1\n");
    let deep = scratch.file("deep_indent.pyx", &text);
    let check = cysafe(&[&deep], true, true);
    assert_eq!(check.status.code(), Some(0), "{}", stdout(&check));
    let print = cysafe(&[&deep], false, true);
    assert_eq!(print.status.code(), Some(0));
    let tree = stdout(&print);
    assert_eq!(tree.matches("(if_statement").count(), 10_000);
    assert!(tree
        .trim_end()
        .ends_with("(expression_statement (assignment left: (identifier) right: (integer))))"));
}

#[test]
fn ten_thousand_nested_parentheses() {
    let scratch = Scratch::new("parens");
    let text = format!("x = {}1{}\n", "(".repeat(10_000), ")".repeat(10_000));
    let deep = scratch.file("deep_parens.pyx", &text);
    let check = cysafe(&[&deep], true, true);
    assert_eq!(check.status.code(), Some(0), "{}", stdout(&check));
    let print = cysafe(&[&deep], false, true);
    assert_eq!(print.status.code(), Some(0));
    assert_eq!(
        stdout(&print).matches("(parenthesized_expression").count(),
        10_000
    );

    // Unbalanced: a syntax error, still no crash.
    let open = scratch.file("open_parens.pyx", "(".repeat(10_000));
    let check = cysafe(&[&open], true, true);
    assert_eq!(check.status.code(), Some(1));
}

#[test]
fn irregular_deep_indentation_does_not_overflow_the_scanner_state() {
    // Alternating one- and two-space steps defeat the run-length encoding of the
    // indentation stack: levels past what the 1024-byte scanner state holds are not
    // opened (tests/scanner_state.rs).
    let scratch = Scratch::new("irregular");
    let mut text = String::new();
    let mut width = 0;
    for level in 0..3_000 {
        text.push_str(&" ".repeat(width));
        text.push_str("if x:\n");
        width += 1 + level % 2;
    }
    text.push_str(&" ".repeat(width));
    text.push_str("y = (1,\n");
    text.push_str(&" ".repeat(width));
    text.push_str("     2)\n");
    let deep = scratch.file("irregular.pyx", &text);
    let check = cysafe(&[&deep], true, true);
    assert!(matches!(check.status.code(), Some(0 | 1)));
    assert!(stdout(&check).ends_with(" with syntax errors\n"));
}

#[test]
fn deeply_nested_calls_casts_and_f_strings() {
    let scratch = Scratch::new("nested");
    let calls = scratch.file(
        "calls.pyx",
        format!("x = {}1{}\n", "f(".repeat(10_000), ")".repeat(10_000)),
    );
    let casts = scratch.file("casts.pyx", format!("x = {}y\n", "<int*>&".repeat(10_000)));
    let check = cysafe(&[&calls, &casts], true, true);
    assert_eq!(check.status.code(), Some(0));
    assert_eq!(stdout(&check), "2 files, 0 with syntax errors\n");

    // More open strings than the scanner state keeps: a syntax error, not a crash.
    let strings = scratch.file(
        "fstrings.pyx",
        format!("x = {}1{}\n", "f\"{".repeat(400), "}\"".repeat(400)),
    );
    let print = cysafe(&[&strings], false, true);
    assert_eq!(print.status.code(), Some(0));
    assert!(stdout(&print).contains("(ERROR"));
    // The state holds 255 open strings; the 256th, after `x = ` and 255 `f"{`, is not
    // opened, and that is where the error is.
    let check = cysafe(&[&strings], true, true);
    assert!(
        stdout(&check).contains("fstrings.pyx:1:770: syntax error"),
        "{}",
        stdout(&check)
    );
}
