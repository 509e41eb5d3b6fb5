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
