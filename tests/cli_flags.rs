//! `cysafe check`'s ruff-style flags (issue 13): exclusions on the command line and in
//! the configuration, --force-exclude, --per-file-ignores, --config KEY = VALUE,
//! --isolated, --show-files, output formats and files, --strict.

mod common;

use common::{Project, BAD, GOOD};

const BAD_AT: &str = ":2:5: CY000 syntax error: unexpected input";

fn concise(project: &Project, args: &[&str]) -> common::Run {
    let mut all = vec!["check", "--output-format", "concise", "-q"];
    all.extend_from_slice(args);
    project.run(&all)
}

/// A tree with a buggy file in a default-excluded folder, a vendored folder and src.
fn tree() -> Project {
    let project = Project::new();
    project.write("build/gen.pyx", BAD);
    project.write("vendored/x.pyx", BAD);
    project.write("src/a.pyx", BAD);
    project
}

#[test]
fn force_exclude_applies_exclusions_to_named_files() {
    let project = tree();
    project.write(
        "pyproject.toml",
        "[tool.cysafe]\nextend-exclude = [\"vendored\"]\n",
    );
    let named = concise(&project, &["vendored/x.pyx", "src/a.pyx"]);
    assert_eq!(
        named.stdout,
        format!("src/a.pyx{BAD_AT}\nvendored/x.pyx{BAD_AT}\n")
    );
    let forced = concise(
        &project,
        &["--force-exclude", "vendored/x.pyx", "src/a.pyx"],
    );
    assert_eq!(forced.code, Some(1));
    assert_eq!(forced.stdout, format!("src/a.pyx{BAD_AT}\n"));
    // Everything named is excluded: a warning, and exit 0 as ruff does.
    let nothing = concise(
        &project,
        &["--force-exclude", "vendored/x.pyx", "build/gen.pyx"],
    );
    assert_eq!(nothing.code, Some(0));
    assert_eq!(
        nothing.stderr,
        "cysafe: warning: no Cython files found under vendored/x.pyx, build/gen.pyx\n"
    );
    assert_eq!(nothing.stdout, "");
}

#[test]
fn no_cython_files_is_a_warning_and_exit_0() {
    let project = Project::new();
    project.write("docs/readme.txt", "hello\n");
    let run = project.run(&["check", "docs"]);
    assert_eq!(run.code, Some(0));
    assert_eq!(
        run.stderr,
        "cysafe: warning: no Cython files found under docs\n"
    );
    assert_eq!(run.stdout, "All checks passed!\n");
}

#[test]
fn exclude_replaces_the_defaults_and_extend_exclude_adds() {
    let project = tree();
    let defaults = concise(&project, &["."]);
    assert_eq!(
        defaults.stdout,
        format!("./src/a.pyx{BAD_AT}\n./vendored/x.pyx{BAD_AT}\n")
    );
    let extended = concise(&project, &["--extend-exclude", "vendored", "."]);
    assert_eq!(extended.stdout, format!("./src/a.pyx{BAD_AT}\n"));
    // --exclude replaces the default list, so build/ is walked again.
    let replaced = concise(&project, &["--exclude", "vendored", "."]);
    assert_eq!(
        replaced.stdout,
        format!("./build/gen.pyx{BAD_AT}\n./src/a.pyx{BAD_AT}\n")
    );
    let bad_glob = concise(&project, &["--extend-exclude", "a[", "."]);
    assert_eq!(bad_glob.code, Some(2));
    assert_eq!(
        bad_glob.stderr,
        "cysafe: --extend-exclude: bad glob `a[`: error parsing glob 'a[': unclosed character class; missing ']'\n"
    );
}

#[test]
fn configuration_exclude_replaces_and_extend_exclude_adds() {
    let project = tree();
    project.write("cysafe.toml", "exclude = [\"vendored\"]\n");
    assert_eq!(
        concise(&project, &["."]).stdout,
        format!("./build/gen.pyx{BAD_AT}\n./src/a.pyx{BAD_AT}\n")
    );
    project.write("cysafe.toml", "extend-exclude = [\"vendored\"]\n");
    assert_eq!(
        concise(&project, &["."]).stdout,
        format!("./src/a.pyx{BAD_AT}\n")
    );
}

#[test]
fn per_file_ignores_on_the_command_line() {
    let project = tree();
    let run = concise(&project, &["--per-file-ignores", "vendored/*:CY000", "."]);
    assert_eq!(run.stdout, format!("./src/a.pyx{BAD_AT}\n"));
    let bad = concise(&project, &["--per-file-ignores", "vendored/*", "."]);
    assert_eq!(bad.code, Some(2));
    assert!(bad
        .stderr
        .contains("expected GLOB:RULES (like `tests/*:CY001,CY003`), found `vendored/*`"));
}

#[test]
fn config_key_value_overrides_every_configuration() {
    let project = tree();
    project.write(
        "src/pyproject.toml",
        "[tool.cysafe]\nselect = [\"CY000\"]\n",
    );
    let run = concise(
        &project,
        &["--config", "extend-exclude = ['vendored']", "."],
    );
    assert_eq!(run.stdout, format!("./src/a.pyx{BAD_AT}\n"));
    let ignored = concise(&project, &["--config", "ignore = ['CY000']", "src"]);
    assert_eq!((ignored.code, ignored.stdout.as_str()), (Some(0), ""));
    let bad = concise(&project, &["--config", "selct = ['CY000']", "src"]);
    assert_eq!(bad.code, Some(2));
    assert_eq!(
        bad.stderr,
        "cysafe: unknown key `selct` (did you mean `select`?); allowed keys: select, extend-select, ignore, exclude, extend-exclude, per-file-ignores, allocators\n"
    );
    let neither = concise(&project, &["--config", "not toml at all", "src"]);
    assert_eq!(neither.code, Some(2));
    assert!(neither.stderr.starts_with(
        "cysafe: --config: `not toml at all` is neither a file nor a `KEY = VALUE` setting: "
    ));
}

#[test]
fn isolated_reads_no_configuration_file() {
    let project = tree();
    project.write("pyproject.toml", "[tool.cysafe]\nignore = [\"CY000\"]\n");
    assert_eq!(concise(&project, &["src"]).stdout, "");
    assert_eq!(
        concise(&project, &["--isolated", "src"]).stdout,
        format!("src/a.pyx{BAD_AT}\n")
    );
    project.write("pyproject.toml", "[tool.cysafe]\nbroken = 1\n");
    assert_eq!(concise(&project, &["--isolated", "src"]).code, Some(1));
    let both = concise(
        &project,
        &["--isolated", "--config", "pyproject.toml", "src"],
    );
    assert_eq!(both.code, Some(2));
    assert_eq!(
        both.stderr,
        "cysafe: --isolated reads no configuration file; --config FILE cannot be used with it\n"
    );
}

#[test]
fn show_files_lists_and_verbose_says_why_others_are_skipped() {
    let project = tree();
    project.write(
        "pyproject.toml",
        "[tool.cysafe]\nextend-exclude = [\"vendored\"]\n",
    );
    project.write("src/plain.py", "x = 1\n");
    project.write("src/pure.py", "import cython\n");
    project.write("src/notes.txt", "\n");
    project.write("src/gen/out.pyx", GOOD);
    project.write(".gitignore", "src/gen/\n");
    project.write(".hidden/h.pyx", GOOD);
    let run = project.run(&["check", "--show-files", "."]);
    assert_eq!(run.code, Some(0));
    assert_eq!(run.stdout, "./src/a.pyx\n./src/plain.py\n./src/pure.py\n");
    assert_eq!(run.stderr, "");
    let verbose = project.run(&["check", "--show-files", "-v", "."]);
    assert_eq!(verbose.stdout, "./src/a.pyx\n./src/pure.py\n");
    assert_eq!(
        verbose.stderr,
        "cysafe: skipped ./src/plain.py: a .py file that does not import cython\n\
         cysafe: skipped ./.gitignore: hidden\n\
         cysafe: skipped ./.hidden: hidden\n\
         cysafe: skipped ./build: excluded\n\
         cysafe: skipped ./pyproject.toml: not Cython\n\
         cysafe: skipped ./src/gen/out.pyx: gitignored\n\
         cysafe: skipped ./src/notes.txt: not Cython\n\
         cysafe: skipped ./vendored: excluded\n"
    );
}

#[test]
fn full_is_the_default_format_and_text_its_alias() {
    let project = Project::new();
    project.write("bad.pyx", BAD);
    let default = project.run(&["check", "bad.pyx"]);
    let full = project.run(&["check", "--output-format", "full", "bad.pyx"]);
    let text = project.run(&["check", "--output-format", "text", "bad.pyx"]);
    assert!(default
        .stdout
        .starts_with("error[CY000]: syntax error: unexpected input\n"));
    assert_eq!(full.stdout, default.stdout);
    assert_eq!(text.stdout, default.stdout);
}

#[test]
fn the_output_format_can_come_from_the_environment() {
    let project = Project::new();
    project.write("bad.pyx", BAD);
    let output = project
        .cysafe(&["check", "bad.pyx"])
        .env("CYSAFE_OUTPUT_FORMAT", "concise")
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        format!("bad.pyx{BAD_AT}\nFound 1 diagnostic.\n")
    );
    // The flag wins over the variable.
    let output = project
        .cysafe(&["check", "--output-format", "json-lines", "bad.pyx"])
        .env("CYSAFE_OUTPUT_FORMAT", "concise")
        .output()
        .unwrap();
    assert!(String::from_utf8(output.stdout)
        .unwrap()
        .starts_with("{\"code\":\"CY000\""));
}

#[test]
fn output_file_receives_the_report() {
    let project = Project::new();
    project.write("bad.pyx", BAD);
    let run = project.run(&[
        "check",
        "--output-format",
        "concise",
        "-o",
        "report.txt",
        "bad.pyx",
    ]);
    assert_eq!(run.code, Some(1));
    assert_eq!(run.stdout, "");
    assert_eq!(
        std::fs::read_to_string(project.root().join("report.txt")).unwrap(),
        format!("bad.pyx{BAD_AT}\nFound 1 diagnostic.\n")
    );
    let unwritable = project.run(&["check", "--output-file", "no/such/dir/r.txt", "bad.pyx"]);
    assert_eq!(unwritable.code, Some(2));
    assert_eq!(
        unwritable.stderr,
        "cysafe: no/such/dir/r.txt: No such file or directory (os error 2)\n"
    );
}

/// A function of 300 nested `if`s: too deep to analyze.
fn too_deep_source() -> String {
    let mut text = String::from("from libc.stdlib cimport malloc\n\ndef deep(int n):\n");
    for level in 0..300 {
        text.push_str(&" ".repeat(4 * (level + 1)));
        text.push_str("if n:\n");
    }
    let body = " ".repeat(4 * 301);
    text.push_str(&format!("{body}p = malloc(n)\n{body}p[0] = 1\n"));
    text
}

#[test]
fn strict_and_ci_make_a_skipped_function_fail_the_run() {
    let project = Project::new();
    project.write("deep.pyx", too_deep_source());
    let lenient = project.run(&["check", "deep.pyx"]);
    assert_eq!(lenient.code, Some(0));
    assert_eq!(
        lenient.stderr,
        "cysafe: warning: deep.pyx:3:5: `deep` is nested too deeply to analyze; it was skipped\n"
    );
    let error =
        "cysafe: error: deep.pyx:3:5: `deep` is nested too deeply to analyze; it was skipped\n";
    let strict = project.run(&["check", "--strict", "deep.pyx"]);
    assert_eq!((strict.code, strict.stderr.as_str()), (Some(2), error));
    let ci = project
        .cysafe(&["check", "deep.pyx"])
        .env("CI", "true")
        .output()
        .unwrap();
    assert_eq!(ci.status.code(), Some(2));
    assert_eq!(String::from_utf8(ci.stderr).unwrap(), error);
    let opted_out = project
        .cysafe(&["check", "--no-strict", "deep.pyx"])
        .env("CI", "true")
        .output()
        .unwrap();
    assert_eq!(opted_out.status.code(), Some(0));
}

#[test]
fn verbose_names_the_files_read_but_not_analyzed() {
    let project = Project::new();
    project.write("plain.py", "x = 1\n");
    project.write("skipped.pyx", "# cysafe: skip-file\n");
    let quiet = project.run(&["check", "plain.py", "skipped.pyx"]);
    assert_eq!((quiet.code, quiet.stderr.as_str()), (Some(0), ""));
    let verbose = project.run(&["check", "-v", "plain.py", "skipped.pyx"]);
    assert_eq!(verbose.code, Some(0));
    assert_eq!(
        verbose.stderr,
        "cysafe: skipped plain.py: a .py file that does not import cython, or marked `# cysafe: skip-file`\n\
         cysafe: skipped skipped.pyx: marked `# cysafe: skip-file`\n"
    );
}
