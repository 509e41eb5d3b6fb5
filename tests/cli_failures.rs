//! The command line never hides a failure (issue 14): a closed pipe, a FIFO, a named file
//! that is not Cython, closed standard input, skipped functions, huge lines, repeated
//! paths, old Mac line endings, unreadable files in `parse --check`, odd file names.

mod common;

use std::process::Stdio;

use common::{Project, BAD, GOOD};

/// Runs cysafe with its standard output closed before it writes anything (`| true`).
fn run_into_closed_pipe(project: &Project, args: &[&str]) -> (Option<i32>, String) {
    let mut child = project
        .cysafe(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    (
        output.status.code(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

#[test]
fn a_closed_pipe_keeps_every_exit_status() {
    let project = Project::new();
    project.write("binary.pyx", b"\x7fELF\0\0\0");
    project.write("good.pyx", GOOD);
    project.write("bad.pyx", BAD);
    let (code, stderr) = run_into_closed_pipe(&project, &["check", "binary.pyx", "good.pyx"]);
    assert_eq!(code, Some(2));
    assert_eq!(
        stderr,
        "cysafe: binary.pyx: binary file (contains a NUL byte), not source\n"
    );
    let (code, stderr) = run_into_closed_pipe(&project, &["check", "bad.pyx"]);
    assert_eq!((code, stderr.as_str()), (Some(1), ""));
    let (code, _) = run_into_closed_pipe(&project, &["check", "good.pyx"]);
    assert_eq!(code, Some(0));
    let (code, _) = run_into_closed_pipe(&project, &["parse", "--check", "bad.pyx"]);
    assert_eq!(code, Some(1));
    let (code, _) = run_into_closed_pipe(&project, &["rule", "--all"]);
    assert_eq!(code, Some(0));
}

#[cfg(unix)]
fn mkfifo(path: &std::path::Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap();
    assert!(status.success());
}

#[cfg(unix)]
#[test]
fn a_named_fifo_is_refused_and_the_others_checked() {
    let project = Project::new();
    mkfifo(&project.root().join("f.pyx"));
    project.write("bad.pyx", BAD);
    let fifo =
        "cysafe: f.pyx: not a regular file (a named pipe); use `-` to check standard input\n";
    let run = project.run(&["check", "--output-format", "concise", "f.pyx", "bad.pyx"]);
    assert_eq!(run.code, Some(2));
    assert_eq!(run.stderr, fifo);
    assert_eq!(
        run.stdout,
        "bad.pyx:2:5: CY000 syntax error: unexpected input\nFound 1 diagnostic; 1 path could not be checked.\n"
    );
    let parse = project.run(&["parse", "--check", "f.pyx", "bad.pyx"]);
    assert_eq!(parse.code, Some(2));
    assert_eq!(parse.stderr, fifo);
    assert_eq!(
        parse.stdout,
        "bad.pyx:2:5: syntax error\n1 files, 1 with syntax errors; 1 path could not be read\n"
    );
    let graph = project.run(&["graph", "f.pyx"]);
    assert_eq!(graph.code, Some(2));
    assert_eq!(graph.stderr, fifo);
}

#[test]
fn a_named_file_that_is_not_cython_is_refused() {
    let project = Project::new();
    project.write("notes.txt", GOOD);
    project.write("good.pyx", GOOD);
    let run = project.run(&["check", "notes.txt", "good.pyx"]);
    assert_eq!(run.code, Some(2));
    assert_eq!(
        run.stderr,
        "cysafe: notes.txt: not a Cython file (.pyx, .pxd, .pxi or .py); use `--stdin-filename NAME.pyx -` to check it as one\n"
    );
    assert_eq!(
        run.stdout,
        "Found 0 diagnostics; 1 path could not be checked.\n"
    );
}

#[cfg(unix)]
#[test]
fn dev_stdin_named_as_a_file_is_refused() {
    let project = Project::new();
    let run = project.run_stdin(&["check", "/dev/stdin"], GOOD.as_bytes());
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr.starts_with("cysafe: /dev/stdin: not a "),
        "{}",
        run.stderr
    );
}

#[test]
fn closed_or_null_standard_input_is_an_error() {
    let project = Project::new();
    let output = project
        .cysafe(&["check", "--stdin-filename", "x.pyx", "-"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        String::from_utf8(output.stderr).unwrap(),
        "cysafe: x.pyx: standard input is closed (or /dev/null); pipe the source into `-`\n"
    );
    // An empty pipe is an empty file, and clean.
    let empty = project.run_stdin(&["check", "--stdin-filename", "x.pyx", "-"], b"");
    assert_eq!(empty.code, Some(0));
}

#[cfg(unix)]
#[test]
fn a_closed_standard_input_descriptor_is_an_error() {
    let output = std::process::Command::new("sh")
        .args([
            "-c",
            &format!("'{}' check - <&-", env!("CARGO_BIN_EXE_cysafe")),
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        String::from_utf8(output.stderr).unwrap(),
        "cysafe: -: standard input is closed (or /dev/null); pipe the source into `-`\n"
    );
}

#[test]
fn a_file_named_twice_is_reported_once() {
    let project = Project::new();
    project.write("bad.pyx", BAD);
    let run = project.run(&[
        "check",
        "--output-format",
        "concise",
        ".",
        "bad.pyx",
        "./bad.pyx",
    ]);
    assert_eq!(run.code, Some(1));
    assert_eq!(
        run.stdout,
        "./bad.pyx:2:5: CY000 syntax error: unexpected input\nFound 1 diagnostic.\n"
    );
}

#[test]
fn old_mac_line_endings_are_line_breaks() {
    let project = Project::new();
    project.write(
        "mac.pyx",
        "from libc.stdlib cimport malloc\rdef f(n):\r    cdef int* p = <int*>malloc(n)\r    p[0] = 1\r",
    );
    let run = project.run(&["check", "--output-format", "concise", "mac.pyx"]);
    assert_eq!(
        run.stdout,
        "mac.pyx:3:25: CY001 the block from `malloc` is used before it is checked for NULL\n\
         mac.pyx:3:25: CY007 `p` leaks: the block from `malloc` is neither freed nor handed off \
         on some path\nFound 2 diagnostics.\n"
    );
    let parse = project.run(&["parse", "--check", "mac.pyx"]);
    assert_eq!(parse.stdout, "1 files, 0 with syntax errors\n");
}

#[test]
fn a_long_line_is_cut_around_the_diagnostic() {
    let project = Project::new();
    // 2,000 unchecked allocations on one 60 KB line: each diagnostic shows a window of
    // the line, not all of it.
    let statements = vec!["p = <int*>malloc(n); p[0] = 1"; 2000].join("; ");
    project.write(
        "minified.pyx",
        format!("from libc.stdlib cimport malloc\ndef f(n):\n    cdef int* p\n    {statements}\n"),
    );
    // Each block also leaks where the next overwrites it (CY007): one rule keeps the count.
    let run = project.run(&["check", "--select", "CY001", "minified.pyx"]);
    assert_eq!(run.code, Some(1));
    let window = |from: usize| {
        let line = format!("    {statements}");
        let chars: String = line.chars().skip(from).take(200).collect();
        chars
    };
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines[1], "  ┌─ minified.pyx:4:15");
    assert_eq!(lines[3], format!("4 │ {}…", window(0)));
    // The 1,000th diagnostic: 80 characters of context before its first label.
    let at = lines
        .iter()
        .position(|l| *l == "  ┌─ minified.pyx:4:30984")
        .unwrap();
    assert_eq!(lines[at + 2], format!("4 │ …{}…", window(30983 - 80)));
    assert_eq!(lines.last(), Some(&"Found 2000 diagnostics."));
    assert!(
        run.stdout.len() < 2000 * 1000,
        "{} bytes for 2,000 diagnostics",
        run.stdout.len()
    );
}

#[cfg(unix)]
#[test]
fn non_utf8_file_names_are_kept_in_sarif_and_replaced_in_json() {
    use std::os::unix::ffi::OsStrExt;
    let project = Project::new();
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.pyx");
    std::fs::write(project.root().join(name), BAD).unwrap();
    let output = project
        .cysafe(&["check", "--output-format", "sarif", "."])
        .output()
        .unwrap();
    let log: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "caf%E9.pyx"
    );
    let output = project
        .cysafe(&["check", "--output-format", "json", "."])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json[0]["filename"], "./caf\u{fffd}.pyx");
}

#[test]
fn a_newline_in_a_file_name_is_escaped_in_concise_output() {
    let project = Project::new();
    project.write("a\nb.pyx", BAD);
    let run = project.run(&["check", "--output-format", "concise", "."]);
    assert_eq!(
        run.stdout,
        "./a\\nb.pyx:2:5: CY000 syntax error: unexpected input\nFound 1 diagnostic.\n"
    );
}
