//! What must not go wrong: a closed pipe, Ctrl-C, unreadable and undecodable files,
//! symlink loops, standard input, and output that depends on the number of threads.

mod common;

use std::io::{BufRead, BufReader};
use std::process::Stdio;

use common::{Project, BAD, GOOD};

#[test]
fn closed_pipe_ends_quietly_and_keeps_the_exit_status() {
    let project = Project::new();
    // Far more output than a pipe buffers, so cysafe is still writing when the reader goes.
    for i in 0..1500 {
        project.write(&format!("f{i:04}.pyx"), BAD);
    }
    let mut child = project
        .cysafe(&["check", "."])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert_eq!(first, "error[CY000]: syntax error: unexpected input\n");
    let output = child.wait_with_output().unwrap();
    assert_eq!(String::from_utf8(output.stderr).unwrap(), "");
    // Diagnostics were found: `cysafe check . | head -1` in CI must still fail.
    assert_eq!(output.status.code(), Some(1));
}

#[cfg(unix)]
#[test]
fn ctrl_c_ends_the_process() {
    use std::os::unix::process::{CommandExt, ExitStatusExt};
    let project = Project::new();
    // Reading standard input that never ends: only the signal can stop it.
    let mut command = project.cysafe(&["check", "--stdin-filename", "x.pyx", "-"]);
    // A shell without job control starts a background job (`cmd &`, as a CI script may)
    // with SIGINT ignored, and exec keeps that; a user's Ctrl-C comes through a terminal,
    // where it is not. The child gets the terminal's disposition back.
    // SAFETY: between fork and exec only `signal`, which is async-signal-safe, runs.
    unsafe {
        command.pre_exec(|| {
            libc::signal(libc::SIGINT, libc::SIG_DFL);
            Ok(())
        });
    }
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdin = child.stdin.take();
    let status = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let output = child.wait_with_output().unwrap();
    drop(stdin);
    assert_eq!(output.status.signal(), Some(2));
}

#[test]
fn stdin_is_reported_under_its_filename() {
    let project = Project::new();
    let run = project.run_stdin(
        &[
            "check",
            "--output-format",
            "json-lines",
            "--stdin-filename",
            "pkg/mod.pyx",
            "-",
        ],
        BAD.as_bytes(),
    );
    assert_eq!(run.code, Some(1));
    let value: serde_json::Value = serde_json::from_str(run.stdout.trim_end()).unwrap();
    assert_eq!(value["filename"], "pkg/mod.pyx");
    assert_eq!(
        value["location"],
        serde_json::json!({"row": 2, "column": 5})
    );
    // Without a path, --stdin-filename alone reads standard input too.
    let implicit = project.run_stdin(
        &[
            "check",
            "--output-format",
            "concise",
            "--stdin-filename",
            "pkg/mod.pyx",
        ],
        BAD.as_bytes(),
    );
    assert_eq!(
        implicit.stdout,
        "pkg/mod.pyx:2:5: CY000 syntax error: unexpected input\nFound 1 diagnostic.\n"
    );
    let clean = project.run_stdin(
        &["check", "--stdin-filename", "ok.pyx", "-"],
        GOOD.as_bytes(),
    );
    assert_eq!(
        (clean.code, clean.stdout.as_str()),
        (Some(0), "All checks passed!\n")
    );
}

#[test]
fn stdin_cannot_be_mixed_with_paths_and_must_be_utf8() {
    let project = Project::new();
    let mixed = project.run_stdin(&["check", "-", "."], b"");
    assert_eq!(mixed.code, Some(2));
    assert_eq!(
        mixed.stderr,
        "cysafe: `-` (standard input) cannot be combined with other paths\n"
    );
    let binary = project.run_stdin(
        &["check", "--stdin-filename", "x.pyx", "-"],
        b"x = '\xff'\n",
    );
    assert_eq!(binary.code, Some(2));
    assert_eq!(
        binary.stderr,
        "cysafe: x.pyx: not valid UTF-8 (first invalid byte at line 1, byte column 6)\n"
    );
}

#[test]
fn a_nul_byte_in_a_comment_is_source_and_one_in_a_string_is_binary() {
    let project = Project::new();
    project.write(
        "a_comment.pyx",
        b"from libc.stdlib cimport malloc, free\ndef f():\n    cdef char* p = <char*>malloc(4)\n    p[0] = 1  # \0\n    free(p)\n# \0 nul\n",
    );
    project.write("b_string.pyx", b"s = '# \0'\n");
    let run = project.run(&["check", "--output-format", "concise", "-q", "."]);
    assert_eq!(run.code, Some(2));
    assert_eq!(
        run.stdout,
        "./a_comment.pyx:3:27: CY001 the block from `malloc` is used before it is checked for NULL\n"
    );
    assert_eq!(
        run.stderr,
        "cysafe: ./b_string.pyx: binary file (contains a NUL byte), not source\n"
    );
}

#[test]
fn bad_files_are_reported_and_the_others_still_checked() {
    let project = Project::new();
    project.write("a_latin1.pyx", b"# caf\xe9\nx = 1\n");
    project.write("b_binary.pyx", b"\x7fELF\0\0");
    project.write("c_bad.pyx", BAD);
    #[cfg(unix)]
    std::os::unix::fs::symlink("nowhere.pyx", project.root().join("d_dangling.pyx")).unwrap();
    let run = project.run(&["check", "--output-format", "concise", "-q", ".", "missing"]);
    assert_eq!(run.code, Some(2));
    assert_eq!(
        run.stdout,
        "./c_bad.pyx:2:5: CY000 syntax error: unexpected input\n"
    );
    let mut expected = vec![
        "cysafe: ./a_latin1.pyx: not valid UTF-8 (first invalid byte at line 1, byte column 6)",
        "cysafe: ./b_binary.pyx: binary file (contains a NUL byte), not source",
        "cysafe: missing: No such file or directory (os error 2)",
    ];
    if cfg!(unix) {
        expected.insert(
            2,
            "cysafe: ./d_dangling.pyx: No such file or directory (os error 2)",
        );
    }
    assert_eq!(run.stderr.lines().collect::<Vec<_>>(), expected);
}

#[cfg(unix)]
#[test]
fn symlink_loops_are_warnings_that_leave_the_exit_code_alone() {
    let project = Project::new();
    project.write("pkg/a.pyx", BAD);
    std::os::unix::fs::symlink("..", project.root().join("pkg/up")).unwrap();
    let run = project.run(&["check", "--output-format", "concise", "-q", "pkg"]);
    // The diagnostic's exit code: every file under the link was checked anyway.
    assert_eq!(run.code, Some(1));
    assert_eq!(
        run.stdout,
        "pkg/a.pyx:2:5: CY000 syntax error: unexpected input\n"
    );
    assert!(
        run.stderr
            .starts_with("cysafe: warning: pkg/up: symlink loop: points back to "),
        "{}",
        run.stderr
    );
    assert_eq!(run.stderr.lines().count(), 1);
    // A clean tree with a loop passes.
    project.write("pkg/a.pyx", "def f():\n    pass\n");
    let run = project.run(&["check", "pkg"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(run.stdout, "All checks passed!\n");
    assert!(run.stderr.contains("symlink loop"), "{}", run.stderr);
}

#[test]
fn gitignored_hidden_and_virtualenv_folders_are_skipped() {
    let project = Project::new();
    project.write(".gitignore", "generated/\n*_gen.pyx\n");
    project.write("generated/a.pyx", BAD);
    project.write("b_gen.pyx", BAD);
    project.write(".hidden/c.pyx", BAD);
    project.write("myenv/pyvenv.cfg", "home = /usr/bin\n");
    project.write("myenv/lib/d.pyx", BAD);
    project.write("node_modules/e.pyx", BAD);
    project.write("kept.pyx", BAD);
    let run = project.run(&["check", "--output-format", "concise", "-q", "."]);
    assert_eq!(
        run.stdout,
        "./kept.pyx:2:5: CY000 syntax error: unexpected input\n"
    );
    // Named explicitly, an ignored file is checked.
    let run = project.run(&["check", "--output-format", "concise", "-q", "b_gen.pyx"]);
    assert_eq!(
        run.stdout,
        "b_gen.pyx:2:5: CY000 syntax error: unexpected input\n"
    );
}

#[test]
fn output_does_not_depend_on_the_number_of_threads() {
    let project = Project::new();
    for i in 0..120 {
        let text = match i % 3 {
            0 => BAD.to_string(),
            1 => GOOD.to_string(),
            _ => format!("x = {i}\ny = (\n"),
        };
        project.write(&format!("d{}/f{i}.pyx", i % 7), text);
    }
    let run = |threads: &str| {
        project
            .cysafe(&["check", "--output-format", "json", "."])
            .env("RAYON_NUM_THREADS", threads)
            .output()
            .unwrap()
            .stdout
    };
    let one = run("1");
    assert!(one.len() > 10_000);
    assert_eq!(one, run("4"));
    assert_eq!(one, run("16"));
}

/// A function of 300 nested `if`s holding an unchecked allocation, too deep to analyze,
/// then an analyzable sibling with the same bug.
fn too_deep_source(with_sibling: bool) -> String {
    let mut text = String::from("from libc.stdlib cimport malloc\n\ndef deep(int n):\n");
    for level in 0..300 {
        text.push_str(&" ".repeat(4 * (level + 1)));
        text.push_str("if n:\n");
    }
    let body = " ".repeat(4 * 301);
    text.push_str(&format!("{body}p = malloc(n)\n{body}p[0] = 1\n"));
    if with_sibling {
        text.push_str("\ndef sibling(int n):\n    q = malloc(n)\n    q[0] = 1\n");
    }
    text
}

#[test]
fn a_function_too_deep_to_analyze_is_named_on_standard_error() {
    let project = Project::new();
    project.write("deep.pyx", too_deep_source(true));
    let warning =
        "cysafe: warning: deep.pyx:3:5: `deep` is nested too deeply to analyze; it was skipped\n";
    let run = project.run(&["check", "--output-format", "concise", "deep.pyx"]);
    assert_eq!(run.stderr, warning);
    // The sibling is still analyzed and reported.
    assert_eq!(
        run.stdout,
        "deep.pyx:308:9: CY001 the block from `malloc` is used before it is checked for NULL\n\
         deep.pyx:308:9: CY007 `q` leaks: the block from `malloc` is neither freed nor handed \
         off on some path\n\
         Found 2 diagnostics.\n"
    );
    assert_eq!(run.code, Some(1));
    // --quiet drops the summary line, not the warning.
    let quiet = project.run(&["check", "--output-format", "concise", "-q", "deep.pyx"]);
    assert_eq!(quiet.stderr, warning);
}

#[test]
fn a_skipped_function_leaves_the_exit_code_alone_and_warnings_come_sorted() {
    let project = Project::new();
    project.write("b.pyx", too_deep_source(false));
    project.write("a.pyx", too_deep_source(false));
    let run = project.run(&["check", "."]);
    assert_eq!(run.stdout, "All checks passed!\n");
    assert_eq!(
        run.stderr,
        "cysafe: warning: ./a.pyx:3:5: `deep` is nested too deeply to analyze; it was skipped\n\
         cysafe: warning: ./b.pyx:3:5: `deep` is nested too deeply to analyze; it was skipped\n"
    );
    assert_eq!(run.code, Some(0));
}

#[test]
fn nesting_is_counted_as_the_readme_says() {
    // 97 nested `if`s with a comparison each are analyzed; 98 are past the limit of 200
    // levels (a statement and its block count two; the condition counts on top).
    let nested = |levels: usize| {
        let mut text = String::from("from libc.stdlib cimport malloc\ndef f(int n):\n");
        for level in 0..levels {
            text.push_str(&" ".repeat(4 * (level + 1)));
            text.push_str("if n > 0:\n");
        }
        let body = " ".repeat(4 * (levels + 1));
        text.push_str(&format!("{body}p = <char*>malloc(n)\n{body}p[0] = 1\n"));
        text
    };
    let project = Project::new();
    project.write("analyzed.pyx", nested(97));
    project.write("skipped.pyx", nested(98));
    let run = project.run(&["check", "--output-format", "concise", "-q", "."]);
    assert_eq!(
        run.stdout,
        "./analyzed.pyx:100:404: CY001 the block from `malloc` is used before it is checked \
         for NULL\n\
         ./analyzed.pyx:100:404: CY007 `p` leaks: the block from `malloc` is neither freed nor \
         handed off on some path\n"
    );
    assert_eq!(
        run.stderr,
        "cysafe: warning: ./skipped.pyx:2:5: `f` is nested too deeply to analyze; it was \
         skipped\n"
    );
}
