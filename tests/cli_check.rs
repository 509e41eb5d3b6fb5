//! `cysafe check`: every output format, every exit code, and rule selection.

mod common;

use common::{Project, BAD, GOOD};

const HELP: &str =
    "fix the syntax; if this is valid Cython, please report it as a cysafe grammar bug at https://github.com/cysafe/cysafe/issues";

fn project() -> Project {
    let project = Project::new();
    project.write("src/bad.pyx", BAD);
    project.write("src/good.pyx", GOOD);
    project
}

#[test]
fn text_shows_the_source_line_label_and_help() {
    let run = project().run(&["check", "src"]);
    assert_eq!(run.code, Some(1));
    assert_eq!(
        run.stdout,
        format!(
            "\
error[CY000]: syntax error: unexpected input
  ┌─ src/bad.pyx:2:5
  │
2 │     return )
  │     ^^^^^^^^ cysafe cannot parse this
  │
  = help: {HELP}

Found 1 diagnostic.
"
        )
    );
    assert_eq!(run.stderr, "");
}

#[test]
fn text_is_coloured_only_when_asked() {
    let project = project();
    let always = project.run(&["check", "--color", "always", "src"]);
    assert!(always
        .stdout
        .starts_with("\u{1b}[0m\u{1b}[1m\u{1b}[38;5;9merror[CY000]"));
    // Standard output is a pipe here, so `auto` means no colour.
    let auto = project.run(&["check", "src"]);
    assert!(!auto.stdout.contains('\u{1b}'));
    let never = project.run(&["check", "--color", "never", "src"]);
    assert_eq!(never.stdout, auto.stdout);
}

#[test]
fn no_color_is_honoured_and_color_always_overrides_it() {
    let project = project();
    let output = project
        .cysafe(&["check", "src"])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(!String::from_utf8(output.stdout).unwrap().contains('\u{1b}'));
    let output = project
        .cysafe(&["check", "--color=always", "src"])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(String::from_utf8(output.stdout).unwrap().contains('\u{1b}'));
}

#[test]
fn concise_is_one_line_per_diagnostic() {
    let run = project().run(&["check", "--output-format", "concise", "src"]);
    assert_eq!(run.code, Some(1));
    assert_eq!(
        run.stdout,
        "src/bad.pyx:2:5: CY000 syntax error: unexpected input\nFound 1 diagnostic.\n"
    );
    let quiet = project().run(&["check", "--output-format=concise", "--quiet", "src"]);
    assert_eq!(
        quiet.stdout,
        "src/bad.pyx:2:5: CY000 syntax error: unexpected input\n"
    );
}

#[test]
fn json_has_the_documented_shape() {
    let run = project().run(&["check", "--output-format", "json", "src"]);
    assert_eq!(run.code, Some(1));
    assert_eq!(
        run.stdout,
        format!(
            r#"[
  {{
    "code": "CY000",
    "name": "syntax-error",
    "severity": "error",
    "message": "syntax error: unexpected input",
    "filename": "src/bad.pyx",
    "location": {{
      "row": 2,
      "column": 5
    }},
    "end_location": {{
      "row": 2,
      "column": 13
    }},
    "help": "{HELP}",
    "url": "https://github.com/cysafe/cysafe/blob/main/docs/rules/CY000.md",
    "related": [],
    "fix": null
  }}
]
"#
        )
    );
}

#[test]
fn json_of_a_clean_tree_is_an_empty_array() {
    let project = Project::new();
    project.write("good.pyx", GOOD);
    let run = project.run(&["check", "--output-format", "json", "."]);
    assert_eq!(run.code, Some(0));
    assert_eq!(run.stdout, "[]\n");
}

#[test]
fn json_lines_is_one_object_a_line() {
    let project = project();
    project.write("src/worse.pyx", "x = (\n");
    let run = project.run(&["check", "--output-format", "json-lines", "src"]);
    assert_eq!(run.code, Some(1));
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(
        lines[0],
        format!(
            r#"{{"code":"CY000","name":"syntax-error","severity":"error","message":"syntax error: unexpected input","filename":"src/bad.pyx","location":{{"row":2,"column":5}},"end_location":{{"row":2,"column":13}},"help":"{HELP}","url":"https://github.com/cysafe/cysafe/blob/main/docs/rules/CY000.md","related":[],"fix":null}}"#
        )
    );
    let second: serde_json::Value = serde_json::from_str(lines[1]).unwrap();
    assert_eq!(second["filename"], "src/worse.pyx");
}

#[test]
fn github_writes_escaped_workflow_commands() {
    let project = Project::new();
    project.write("a,b:c%.pyx", BAD);
    let run = project.run(&["check", "--output-format", "github", "."]);
    assert_eq!(run.code, Some(1));
    assert_eq!(
        run.stdout,
        "::error file=a%2Cb%3Ac%25.pyx,line=2,col=5,endLine=2,endColumn=13,title=CY000::syntax error: unexpected input%0Ahelp: fix the syntax; if this is valid Cython, please report it as a cysafe grammar bug at https://github.com/cysafe/cysafe/issues\n"
    );
}

#[test]
fn sarif_lists_every_rule_and_points_at_relative_uris() {
    let run = project().run(&["check", "--output-format", "sarif", "src"]);
    assert_eq!(run.code, Some(1));
    let log: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(log["version"], "2.1.0");
    let run0 = &log["runs"][0];
    let rules = run0["tool"]["driver"]["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    let expected: Vec<&str> = cysafe::rules::ALL.iter().map(|r| r.code).collect();
    assert_eq!(ids, expected);
    let results = run0["results"].as_array().unwrap();
    assert_eq!(results.len(), 1);
    let result = &results[0];
    assert_eq!(result["ruleId"], "CY000");
    assert_eq!(result["level"], "error");
    let location = &result["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], "src/bad.pyx");
    assert_eq!(location["artifactLocation"]["uriBaseId"], "%SRCROOT%");
    assert_eq!(
        location["region"],
        serde_json::json!({"startLine": 2, "startColumn": 5, "endLine": 2, "endColumn": 13})
    );
    assert_eq!(
        result["partialFingerprints"]["cysafe/v1"]
            .as_str()
            .unwrap()
            .len(),
        16
    );
}

#[test]
fn sarif_fingerprints_survive_lines_moving() {
    let project = Project::new();
    project.write("a.pyx", BAD);
    let before = project.run(&["check", "--output-format", "sarif", "."]);
    project.write("a.pyx", format!("\n\n# moved down\n{BAD}"));
    let after = project.run(&["check", "--output-format", "sarif", "."]);
    let fingerprint = |stdout: &str| {
        let log: serde_json::Value = serde_json::from_str(stdout).unwrap();
        log["runs"][0]["results"][0]["partialFingerprints"].clone()
    };
    assert_eq!(fingerprint(&before.stdout), fingerprint(&after.stdout));
}

#[test]
fn statistics_count_per_rule() {
    let project = project();
    project.write("src/worse.pyx", "x = (\n");
    let run = project.run(&["check", "--statistics", "src"]);
    assert_eq!(run.code, Some(1));
    assert_eq!(run.stdout, "2  CY000  syntax-error\n");
    let json = project.run(&["check", "--statistics", "--output-format", "json", "src"]);
    assert_eq!(
        json.stdout,
        "[\n  {\n    \"code\": \"CY000\",\n    \"name\": \"syntax-error\",\n    \"count\": 2\n  }\n]\n"
    );
}

#[test]
fn exit_codes() {
    let project = project();
    assert_eq!(project.run(&["check", "src/good.pyx"]).code, Some(0));
    assert_eq!(project.run(&["check", "src"]).code, Some(1));
    assert_eq!(project.run(&["check", "--exit-zero", "src"]).code, Some(0));
    // Usage errors.
    assert_eq!(
        project
            .run(&["check", "--output-format", "xml", "src"])
            .code,
        Some(2)
    );
    assert_eq!(project.run(&["check", "--bogus"]).code, Some(2));
    // An I/O error wins over diagnostics, and --exit-zero does not hide it.
    let run = project.run(&["check", "--exit-zero", "src", "missing.pyx"]);
    assert_eq!(run.code, Some(2));
    assert_eq!(
        run.stderr,
        "cysafe: missing.pyx: No such file or directory (os error 2)\n"
    );
    assert!(run
        .stdout
        .ends_with("\nFound 1 diagnostic; 1 path could not be checked.\n"));
    let nothing_found = project.run(&["check", "src/good.pyx", "missing.pyx", "gone.pyx"]);
    assert_eq!(nothing_found.code, Some(2));
    assert_eq!(
        nothing_found.stdout,
        "Found 0 diagnostics; 2 paths could not be checked.\n"
    );
}

#[test]
fn no_path_means_the_current_folder() {
    let run = project().run(&["check", "--output-format", "concise", "-q"]);
    assert_eq!(
        run.stdout,
        "./src/bad.pyx:2:5: CY000 syntax error: unexpected input\n"
    );
}

#[test]
fn clean_run_says_so() {
    let run = project().run(&["check", "src/good.pyx"]);
    assert_eq!(run.stdout, "All checks passed!\n");
    let quiet = project().run(&["check", "-q", "src/good.pyx"]);
    assert_eq!(quiet.stdout, "");
}

#[test]
fn select_ignore_and_extend_select() {
    let project = project();
    let concise = |args: &[&str]| {
        let mut all = vec!["check", "--output-format", "concise", "-q"];
        all.extend_from_slice(args);
        all.push("src");
        project.run(&all)
    };
    let line = "src/bad.pyx:2:5: CY000 syntax error: unexpected input\n";
    assert_eq!(concise(&["--select", "CY000"]).stdout, line);
    assert_eq!(concise(&["--select", "CY0"]).stdout, line);
    assert_eq!(concise(&["--select", "ALL"]).stdout, line);
    let ignored = concise(&["--ignore", "CY000"]);
    assert_eq!((ignored.code, ignored.stdout.as_str()), (Some(0), ""));
    // Within one layer, ignore is applied last, as in ruff.
    assert_eq!(
        concise(&["--ignore", "CY000", "--extend-select", "CY000"]).stdout,
        ""
    );
    assert_eq!(
        concise(&["--select", "CY000", "--ignore", "CY0"]).stdout,
        ""
    );
    let bad = concise(&["--select", "E501"]);
    assert_eq!(bad.code, Some(2));
    assert!(
        bad.stderr.contains(
            "unknown rule selector `E501`; expected ALL, a rule code like CY003 or a code prefix like CY00"
        ),
        "{}",
        bad.stderr
    );
}

#[test]
fn noqa_suppresses_on_the_reported_line() {
    let project = Project::new();
    project.write("bare.pyx", "def f():\n    return )  # noqa\n");
    project.write("coded.pyx", "def f():\n    return )  # noqa: CY000\n");
    project.write("other.pyx", "def f():\n    return )  # noqa: CY003\n");
    project.write("elsewhere.pyx", "# noqa\ndef f():\n    return )\n");
    project.write(
        "skipped.pyx",
        "# cysafe: skip-file\ndef f():\n    return )\n",
    );
    let run = project.run(&["check", "--output-format", "concise", "-q", "."]);
    assert_eq!(
        run.stdout,
        "./elsewhere.pyx:3:5: CY000 syntax error: unexpected input\n./other.pyx:2:5: CY000 syntax error: unexpected input\n"
    );
}

#[test]
fn output_is_sorted_by_path_then_position() {
    let project = Project::new();
    for name in ["b.pyx", "a/z.pyx", "a/b.pxd", "c.pxi"] {
        project.write(name, BAD);
    }
    let run = project.run(&[
        "check",
        "--output-format",
        "concise",
        "-q",
        "c.pxi",
        "b.pyx",
        "a",
    ]);
    let files: Vec<&str> = run
        .stdout
        .lines()
        .map(|l| l.split(':').next().unwrap())
        .collect();
    assert_eq!(files, ["a/b.pxd", "a/z.pyx", "b.pyx", "c.pxi"]);
}

#[test]
fn only_py_files_that_use_cython_are_checked() {
    let project = Project::new();
    project.write("pure.py", format!("import cython\n{BAD}"));
    project.write(
        "cimports.py",
        format!("from cython.cimports.libc.stdlib import malloc\n{BAD}"),
    );
    project.write("plain.py", BAD);
    let walked = project.run(&["check", "--output-format", "concise", "-q", "."]);
    assert_eq!(
        walked.stdout,
        "./cimports.py:3:5: CY000 syntax error: unexpected input\n./pure.py:3:5: CY000 syntax error: unexpected input\n"
    );
    // Plain Python named explicitly (as pre-commit does) is not Cython either.
    let named = project.run(&["check", "plain.py"]);
    assert_eq!(
        (named.code, named.stdout.as_str()),
        (Some(0), "All checks passed!\n")
    );
}

#[test]
fn rule_prints_documentation_and_lists_rules() {
    let project = Project::new();
    let doc = project.run(&["rule", "CY000"]);
    assert_eq!(doc.code, Some(0));
    assert_eq!(
        doc.stdout,
        format!(
            "{}\nDocumentation: https://github.com/cysafe/cysafe/blob/main/docs/rules/CY000.md\n",
            cysafe::rules::SYNTAX_ERROR.doc
        )
    );
    let by_name = project.run(&["rule", "syntax-error"]);
    assert_eq!(by_name.stdout, doc.stdout);
    let all = project.run(&["rule", "--all"]);
    assert_eq!(all.code, Some(0));
    let lines: Vec<&str> = all.stdout.lines().collect();
    assert_eq!(lines.len(), cysafe::rules::ALL.len());
    assert!(lines[0].starts_with("CY000  syntax-error"));
    assert!(lines[0].ends_with(cysafe::rules::SYNTAX_ERROR.summary));
    let unknown = project.run(&["rule", "CY999"]);
    assert_eq!(unknown.code, Some(2));
    assert_eq!(
        unknown.stderr,
        "cysafe: unknown rule `CY999`; `cysafe rule --all` lists the rules\n"
    );
    assert_eq!(project.run(&["rule"]).code, Some(2));
}
