//! Configuration: discovery of the nearest pyproject.toml / cysafe.toml, `--config`,
//! every key, errors, and `--show-settings`.

mod common;

use common::{Project, BAD};

fn concise(project: &Project, args: &[&str]) -> common::Run {
    let mut all = vec!["check", "--output-format", "concise", "-q"];
    all.extend_from_slice(args);
    project.run(&all)
}

#[test]
fn nearest_configuration_applies_to_each_file() {
    let project = Project::new();
    project.write("pyproject.toml", "[tool.cysafe]\nignore = [\"CY000\"]\n");
    project.write("top.pyx", BAD);
    project.write("strict/cysafe.toml", "select = [\"ALL\"]\n");
    project.write("strict/inner.pyx", BAD);
    // A pyproject.toml without [tool.cysafe] does not stop the search.
    project.write("plain/pyproject.toml", "[project]\nname = \"plain\"\n");
    project.write("plain/p.pyx", BAD);
    let run = concise(&project, &["."]);
    assert_eq!(run.code, Some(1));
    assert_eq!(
        run.stdout,
        "./strict/inner.pyx:2:5: CY000 syntax error: unexpected input\n"
    );
    // The command line's selection goes on top of the file's.
    let run = concise(&project, &["--extend-select", "CY000", "top.pyx"]);
    assert_eq!(
        run.stdout,
        "top.pyx:2:5: CY000 syntax error: unexpected input\n"
    );
}

#[test]
fn explicit_config_applies_everywhere() {
    let project = Project::new();
    project.write("strict/cysafe.toml", "select = [\"ALL\"]\n");
    project.write("strict/inner.pyx", BAD);
    project.write("lenient.toml", "ignore = [\"CY000\"]\n");
    let run = concise(&project, &["--config", "lenient.toml", "."]);
    assert_eq!((run.code, run.stdout.as_str()), (Some(0), ""));
}

#[test]
fn exclude_and_extend_exclude_and_per_file_ignores() {
    let project = Project::new();
    project.write(
        "cysafe.toml",
        "extend-exclude = [\"vendored\", \"gen_*.pyx\"]\nper-file-ignores = { \"tests/*\" = [\"CY000\"] }\n",
    );
    project.write("vendored/v.pyx", BAD);
    project.write("gen_x.pyx", BAD);
    project.write("tests/t.pyx", BAD);
    project.write("build/b.pyx", BAD);
    project.write("src/s.pyx", BAD);
    let run = concise(&project, &["."]);
    assert_eq!(
        run.stdout,
        "./src/s.pyx:2:5: CY000 syntax error: unexpected input\n"
    );
    // `exclude` replaces the defaults, so build/ is walked again.
    project.write("cysafe.toml", "exclude = [\"src\"]\n");
    let run = concise(&project, &["."]);
    assert_eq!(
        run.stdout,
        "./build/b.pyx:2:5: CY000 syntax error: unexpected input\n\
         ./gen_x.pyx:2:5: CY000 syntax error: unexpected input\n\
         ./tests/t.pyx:2:5: CY000 syntax error: unexpected input\n\
         ./vendored/v.pyx:2:5: CY000 syntax error: unexpected input\n"
    );
    // An excluded file named on the command line is still checked.
    let run = concise(&project, &["src/s.pyx"]);
    assert_eq!(
        run.stdout,
        "src/s.pyx:2:5: CY000 syntax error: unexpected input\n"
    );
}

#[test]
fn command_line_exclude() {
    let project = Project::new();
    project.write("keep/a.pyx", BAD);
    project.write("skip/b.pyx", BAD);
    project.write("c_skip.pyx", BAD);
    let run = concise(&project, &["--exclude", "skip,*_skip.pyx", "."]);
    assert_eq!(
        run.stdout,
        "./keep/a.pyx:2:5: CY000 syntax error: unexpected input\n"
    );
}

#[test]
fn a_bad_configuration_points_at_the_line_and_other_files_are_checked() {
    let project = Project::new();
    project.write(
        "broken/pyproject.toml",
        "[tool.cysafe]\nselct = [\"CY000\"]\n",
    );
    project.write("broken/a.pyx", BAD);
    project.write("broken/b.pyx", BAD);
    project.write("fine/c.pyx", BAD);
    let run = concise(&project, &["."]);
    assert_eq!(run.code, Some(2));
    assert_eq!(
        run.stderr,
        "cysafe: broken/pyproject.toml:2:1: unknown key `tool.cysafe.selct` (did you mean `tool.cysafe.select`?); allowed keys: select, extend-select, ignore, exclude, extend-exclude, per-file-ignores, allocators\n  ┌─ broken/pyproject.toml:2:1\n  │\n2 │ selct = [\"CY000\"]\n  │ ^^^^^\n"
    );
    assert_eq!(
        run.stdout,
        "./fine/c.pyx:2:5: CY000 syntax error: unexpected input\n"
    );
}

#[test]
fn a_bad_explicit_configuration_stops_before_checking() {
    let project = Project::new();
    project.write("bad.toml", "[[allocators]]\nname = \"x\"\nallocators = 3\n");
    project.write("a.pyx", BAD);
    let run = concise(&project, &["--config", "bad.toml", "."]);
    assert_eq!(run.code, Some(2));
    assert_eq!(
        run.stderr,
        "cysafe: bad.toml:1:1: `allocators[0]`: `allocators`: expected a list of function names, found integer\n  ┌─ bad.toml:1:1\n  │\n1 │ [[allocators]]\n  │ ^^^^^^^^^^^^^^\n"
    );
    assert_eq!(run.stdout, "");
    let missing = concise(&project, &["--config", "nowhere.toml", "."]);
    assert_eq!(missing.code, Some(2));
    assert_eq!(
        missing.stderr,
        "cysafe: nowhere.toml: No such file or directory (os error 2)\n"
    );
}

#[test]
fn show_settings_prints_the_resolved_settings() {
    let project = Project::new();
    project.write(
        "pyproject.toml",
        r#"[tool.cysafe]
ignore = ["CY000"]
extend-exclude = ["vendored"]
per-file-ignores = { "tests/*" = ["CY0"] }

[[tool.cysafe.allocators]]
name = "sig"
allocators = ["sig_malloc"]
reallocators = ["sig_realloc"]
deallocators = ["sig_free"]
"#,
    );
    project.write("a.pyx", BAD);
    let run = project.run(&[
        "check",
        "--show-settings",
        "--extend-select",
        "CY000",
        "a.pyx",
    ]);
    assert_eq!(run.code, Some(0));
    let defaults = cysafe::discover::DEFAULT_EXCLUDES.join(", ");
    let rules: Vec<&str> = cysafe::rules::ALL
        .iter()
        .map(|r| r.code)
        .filter(|code| !cysafe::selection::OFF_BY_DEFAULT.contains(code))
        .collect();
    assert_eq!(
        run.stdout,
        format!(
            "Settings for a.pyx:
  config file: pyproject.toml
  rules: {}
  exclude: {defaults}
  extend-exclude: vendored
  extend-exclude (command line): 
  per-file-ignores: tests/* = CY0
  allocator family sig: allocators [sig_malloc], reallocators [sig_realloc], deallocators [sig_free]
",
            rules.join(", ")
        )
    );
}

#[test]
fn stdin_uses_the_configuration_of_its_filename() {
    let project = Project::new();
    project.write("lenient/cysafe.toml", "ignore = [\"CY000\"]\n");
    let args = [
        "check",
        "--output-format",
        "concise",
        "-q",
        "--stdin-filename",
    ];
    let lenient = project.run_stdin(
        &[&args[..], &["lenient/x.pyx", "-"]].concat(),
        BAD.as_bytes(),
    );
    assert_eq!((lenient.code, lenient.stdout.as_str()), (Some(0), ""));
    let strict = project.run_stdin(&[&args[..], &["x.pyx", "-"]].concat(), BAD.as_bytes());
    assert_eq!(strict.code, Some(1));
    assert_eq!(
        strict.stdout,
        "x.pyx:2:5: CY000 syntax error: unexpected input\n"
    );
}

#[test]
fn graph_uses_the_allocator_families_of_the_configuration() {
    let project = Project::new();
    let family = "[[allocators]]\nname = \"sig\"\nallocators = [\"sig_malloc\"]\n\
                  deallocators = [\"sig_free\"]\n";
    project.write("pkg/cysafe.toml", family);
    project.write("elsewhere.toml", family);
    let source = "cdef extern from \"sig.h\":\n    void* sig_malloc(size_t n)\n    \
                  void sig_free(void* p)\n\
                  def f(size_t n):\n    cdef char* p = <char*>sig_malloc(n)\n    \
                  if p == NULL:\n        raise MemoryError()\n    sig_free(p)\n";
    project.write("pkg/a.pyx", source);
    project.write("b.pyx", source);
    // The nearest configuration governs the file, as for `check`.
    let run = project.run(&["graph", "pkg/a.pyx:f"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stdout.contains("label=\"sig_malloc (sig)\\nline 5\""),
        "{}",
        run.stdout
    );
    // Without one, sig_malloc is nobody's allocator: nothing to show for `f`.
    let run = project.run(&["graph", "b.pyx:f"]);
    assert!(!run.stdout.contains("sig_malloc (sig)"), "{}", run.stdout);
    // `--config` names it explicitly.
    let run = project.run(&["graph", "--config", "elsewhere.toml", "b.pyx:f"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stdout.contains("label=\"sig_malloc (sig)\\nline 5\""),
        "{}",
        run.stdout
    );
    // A configuration that cannot be used is an error, not a silent default.
    project.write("bad.toml", "nonsense = 1\n");
    let run = project.run(&["graph", "--config", "bad.toml", "b.pyx:f"]);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("bad.toml"), "{}", run.stderr);
}
