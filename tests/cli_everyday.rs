//! Everyday use (issue 13): shell completions, the man page, documentation links in every
//! format, colour as the environment asks, and the `github` format's details.

mod common;

use common::{Project, BAD};

const CY000_URL: &str = "https://github.com/cysafe/cysafe/blob/main/docs/rules/CY000.md";

#[test]
fn completions_are_generated_for_each_shell() {
    let project = Project::new();
    for (shell, marker) in [
        ("bash", "_cysafe()"),
        ("zsh", "#compdef cysafe"),
        ("fish", "complete -c cysafe"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let run = project.run(&["completions", shell]);
        assert_eq!(run.code, Some(0), "{shell}: {}", run.stderr);
        assert!(run.stdout.contains(marker), "{shell}: no `{marker}`");
        // The subcommands and check's flags come from the one clap definition.
        assert!(run.stdout.contains("output-format"), "{shell}");
        assert!(run.stdout.contains("completions"), "{shell}");
    }
    let unknown = project.run(&["completions", "tcsh"]);
    assert_eq!(unknown.code, Some(2));
    assert!(unknown.stderr.contains("invalid value 'tcsh'"));
}

#[test]
fn the_man_page_is_roff_from_the_clap_definition() {
    let run = Project::new().run(&["man"]);
    assert_eq!(run.code, Some(0));
    assert!(run.stdout.contains("\n.TH cysafe 1 "));
    assert!(run.stdout.contains(
        ".SH NAME\ncysafe \\- Static analyzer for memory\\-ownership bugs in Cython code\n"
    ));
    assert!(run.stdout.contains("cysafe\\-check(1)"));
    let project = Project::new();
    let pages = project.run(&["man", "--dir", "man1"]);
    assert_eq!(pages.code, Some(0));
    let check = std::fs::read_to_string(project.root().join("man1/cysafe-check.1")).unwrap();
    assert!(check.contains("\\-\\-output\\-format"));
    assert!(project.root().join("man1/cysafe.1").is_file());
}

#[test]
fn rule_links_to_its_documentation_and_lists_as_json() {
    let project = Project::new();
    let doc = project.run(&["rule", "CY003"]);
    assert_eq!(
        doc.stdout.lines().last().unwrap(),
        "Documentation: https://github.com/cysafe/cysafe/blob/main/docs/rules/CY003.md"
    );
    let all = project.run(&["rule", "--all", "--output-format", "json"]);
    assert_eq!(all.code, Some(0));
    let rules: serde_json::Value = serde_json::from_str(&all.stdout).unwrap();
    let rules = rules.as_array().unwrap();
    assert_eq!(rules.len(), cysafe::rules::ALL.len());
    assert_eq!(rules[0]["code"], "CY000");
    assert_eq!(rules[0]["name"], "syntax-error");
    assert_eq!(rules[0]["severity"], "error");
    assert_eq!(rules[0]["url"], CY000_URL);
    assert_eq!(rules[0]["explanation"], cysafe::rules::SYNTAX_ERROR.doc);
    let one = project.run(&["rule", "CY000", "--output-format=json"]);
    let one: serde_json::Value = serde_json::from_str(&one.stdout).unwrap();
    assert_eq!(one, rules[0]);
}

#[test]
fn sarif_links_the_tool_and_each_rule() {
    let project = Project::new();
    project.write("bad.pyx", BAD);
    let run = project.run(&["check", "--output-format", "sarif", "bad.pyx"]);
    let log: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let driver = &log["runs"][0]["tool"]["driver"];
    assert_eq!(driver["informationUri"], "https://github.com/cysafe/cysafe");
    assert_eq!(driver["rules"][0]["helpUri"], CY000_URL);
}

#[test]
fn github_annotations_have_checkout_paths_and_the_help() {
    let project = Project::new();
    project.write("src/bad.pyx", BAD);
    let run = project.run(&["check", "--output-format", "github", "./src"]);
    assert_eq!(run.code, Some(1));
    assert_eq!(
        run.stdout,
        "::error file=src/bad.pyx,line=2,col=5,endLine=2,endColumn=13,title=CY000::syntax error: unexpected input%0Ahelp: fix the syntax; if this is valid Cython, please report it as a cysafe grammar bug at https://github.com/cysafe/cysafe/issues\n"
    );
}

#[test]
fn force_color_and_clicolor_force_colour_a_pipe() {
    let project = Project::new();
    project.write("bad.pyx", BAD);
    for (name, value, coloured) in [
        ("FORCE_COLOR", "1", true),
        ("FORCE_COLOR", "", false),
        ("CLICOLOR_FORCE", "1", true),
        ("CLICOLOR_FORCE", "0", false),
    ] {
        let output = project
            .cysafe(&["check", "bad.pyx"])
            .env(name, value)
            .output()
            .unwrap();
        let stdout = String::from_utf8(output.stdout).unwrap();
        assert_eq!(stdout.contains('\u{1b}'), coloured, "{name}={value}");
    }
    let never = project
        .cysafe(&["check", "--color", "never", "bad.pyx"])
        .env("FORCE_COLOR", "1")
        .output()
        .unwrap();
    assert!(!String::from_utf8(never.stdout).unwrap().contains('\u{1b}'));
}

#[test]
fn concise_is_coloured_like_ruff() {
    let project = Project::new();
    project.write("bad.pyx", BAD);
    let run = project.run(&[
        "check",
        "--output-format",
        "concise",
        "--color",
        "always",
        "-q",
        "bad.pyx",
    ]);
    assert_eq!(
        run.stdout,
        "\u{1b}[0m\u{1b}[1mbad.pyx\u{1b}[0m:2:5: \u{1b}[0m\u{1b}[1m\u{1b}[31mCY000\u{1b}[0m syntax error: unexpected input\n"
    );
}
