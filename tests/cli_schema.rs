//! The machine formats hold to their schemas: JSON to docs/schema/diagnostics.schema.json,
//! SARIF to the official SARIF 2.1.0 schema (vendored in tests/schemas/).

mod common;

use std::path::PathBuf;

use common::{Project, BAD};
use cysafe::diagnostic::{Applicability, Diagnostic, Edit, Fix, Related, Span};
use cysafe::report::{write_report, FileReport, OutputFormat, ReportOptions, Sources};
use cysafe::rules::{RuleMeta, Severity};
use serde_json::Value;

fn schema(relative: &str) -> jsonschema::Validator {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(relative);
    let mut schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    // A known erratum of the official SARIF 2.1.0 schema: the `language` pattern (of
    // `run` and `toolComponent`) has a stray `]`, so the schema fails its own
    // meta-schema's `regex` format. Only that pattern, for a property cysafe never
    // writes, is corrected, in memory.
    if let Some(definitions) = schema["definitions"].as_object_mut() {
        for definition in definitions.values_mut() {
            if let Some(pattern) = definition.pointer_mut("/properties/language/pattern") {
                if pattern == "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$" {
                    *pattern = Value::from("^[a-zA-Z]{2}(-[a-zA-Z]{2})?$");
                }
            }
        }
    }
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap()
}

fn assert_valid(validator: &jsonschema::Validator, text: &str) {
    let instance: Value = serde_json::from_str(text).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}\n{text}");
}

/// A warning-level rule with related sites in two files: a shape the real rules give
/// (an allocation in one function, the free in another) but CY000 alone cannot.
static SAMPLE_RULE: RuleMeta = RuleMeta {
    code: "CY002",
    name: "mismatched-deallocator",
    severity: Severity::Warning,
    summary: "sample",
    doc: "sample",
};

fn reports_with_related() -> (Vec<FileReport>, Vec<(PathBuf, String)>) {
    let text = "p = malloc(8)\nPyMem_Free(p)  # é\n".to_string();
    let free = text.find("PyMem_Free").unwrap();
    let diagnostic = Diagnostic {
        rule: &SAMPLE_RULE,
        fix: Some(Fix::new(
            Applicability::Safe,
            "release it with `free`".to_string(),
            vec![
                Edit::replace(Span::new(free, free + "PyMem_Free".len()), "free"),
                Edit::insert(text.len() - 1, "  # fixed"),
            ],
        )),
        message: "block from `malloc` released by `PyMem_Free`".to_string(),
        span: Span::new(free, free + "PyMem_Free(p)".len()),
        label: "released by the PyMem family".to_string(),
        help: None,
        related: vec![
            Related {
                path: None,
                span: Span::new(4, 13),
                message: "allocated here".to_string(),
            },
            Related {
                path: Some(PathBuf::from("pkg/other.pxd")),
                span: Span::new(9, 13),
                message: "declared here".to_string(),
            },
        ],
    };
    let files = vec![FileReport {
        path: PathBuf::from("pkg/mod file.pyx"),
        text,
        diagnostics: vec![diagnostic],
    }];
    let extra = vec![(
        PathBuf::from("pkg/other.pxd"),
        "\ncdef:\n  int* buf\n".to_string(),
    )];
    (files, extra)
}

fn render(format: OutputFormat) -> String {
    let (files, extra) = reports_with_related();
    let sources = Sources::new(&files, &extra);
    let mut out = Vec::new();
    write_report(format, &files, &sources, ReportOptions::default(), &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn json_output_validates_against_the_documented_schema() {
    let validator = schema("docs/schema/diagnostics.schema.json");
    let project = Project::new();
    project.write("a.pyx", BAD);
    let run = project.run(&["check", "--output-format", "json", "."]);
    assert_valid(&validator, &run.stdout);
    assert_valid(&validator, "[]");
    let rendered = render(OutputFormat::Json);
    assert_valid(&validator, &rendered);
    let value: Value = serde_json::from_str(&rendered).unwrap();
    assert_eq!(
        value[0]["related"],
        serde_json::json!([
            {"filename": "pkg/mod file.pyx", "location": {"row": 1, "column": 5},
             "end_location": {"row": 1, "column": 14}, "message": "allocated here"},
            {"filename": "pkg/other.pxd", "location": {"row": 3, "column": 3},
             "end_location": {"row": 3, "column": 7}, "message": "declared here"}
        ])
    );
    assert_eq!(value[0]["help"], Value::Null);
    assert_eq!(value[0]["severity"], "warning");
    // Edit positions count characters: the insertion goes after `é`, the 18th.
    assert_eq!(
        value[0]["fix"],
        serde_json::json!({
            "applicability": "safe",
            "message": "release it with `free`",
            "edits": [
                {"content": "free", "location": {"row": 2, "column": 1},
                 "end_location": {"row": 2, "column": 11}},
                {"content": "  # fixed", "location": {"row": 2, "column": 19},
                 "end_location": {"row": 2, "column": 19}}
            ]
        })
    );
    // A real fix from the command line holds to the schema too.
    project.write(
        "b.pyx",
        "from libc.stdlib cimport malloc, realloc, free\n\ndef f(size_t n):\n    cdef char* p = <char*> malloc(n)\n    p[0] = 1\n    free(p)\n",
    );
    let run = project.run(&["check", "--output-format", "json", "b.pyx"]);
    assert_valid(&validator, &run.stdout);
    let value: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(value[0]["code"], "CY001");
    assert_eq!(value[0]["fix"]["applicability"], "unsafe");
}

#[test]
fn json_lines_elements_validate_as_the_array_items() {
    let validator = schema("docs/schema/diagnostics.schema.json");
    for line in render(OutputFormat::JsonLines).lines() {
        assert_valid(&validator, &format!("[{line}]"));
    }
}

#[test]
fn the_schema_rejects_a_changed_shape() {
    let validator = schema("docs/schema/diagnostics.schema.json");
    let mut value: Value = serde_json::from_str(&render(OutputFormat::Json)).unwrap();
    value[0].as_object_mut().unwrap().remove("end_location");
    assert!(!validator.is_valid(&value));
    let mut value: Value = serde_json::from_str(&render(OutputFormat::Json)).unwrap();
    value[0]["location"]["column"] = serde_json::json!(0);
    assert!(!validator.is_valid(&value));
}

#[test]
fn sarif_output_validates_against_the_official_schema() {
    let validator = schema("tests/schemas/sarif-schema-2.1.0.json");
    let project = Project::new();
    project.write("src/a b.pyx", BAD);
    let run = project.run(&["check", "--output-format", "sarif", "."]);
    assert_valid(&validator, &run.stdout);
    let clean = project.run(&["check", "--output-format", "sarif", "--ignore", "ALL", "."]);
    assert_valid(&validator, &clean.stdout);
    let rendered = render(OutputFormat::Sarif);
    assert_valid(&validator, &rendered);
    let value: Value = serde_json::from_str(&rendered).unwrap();
    let result = &value["runs"][0]["results"][0];
    assert_eq!(result["level"], "warning");
    assert_eq!(
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "pkg/mod%20file.pyx"
    );
    assert_eq!(
        result["relatedLocations"][1],
        serde_json::json!({
            "id": 1,
            "message": {"text": "declared here"},
            "physicalLocation": {
                "artifactLocation": {"uri": "pkg/other.pxd", "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": 3, "startColumn": 3, "endLine": 3, "endColumn": 7}
            }
        })
    );
    assert_eq!(
        result["fixes"],
        serde_json::json!([{
            "description": {"text": "release it with `free`"},
            "artifactChanges": [{
                "artifactLocation": {"uri": "pkg/mod%20file.pyx", "uriBaseId": "%SRCROOT%"},
                "replacements": [
                    {"deletedRegion": {"startLine": 2, "startColumn": 1, "endLine": 2, "endColumn": 11},
                     "insertedContent": {"text": "free"}},
                    {"deletedRegion": {"startLine": 2, "startColumn": 19, "endLine": 2, "endColumn": 19},
                     "insertedContent": {"text": "  # fixed"}}
                ]
            }],
            "properties": {"applicability": "safe"}
        }])
    );
}

#[test]
fn the_sarif_schema_is_not_vacuous() {
    let validator = schema("tests/schemas/sarif-schema-2.1.0.json");
    let mut value: Value = serde_json::from_str(&render(OutputFormat::Sarif)).unwrap();
    value["runs"][0]["results"][0]["level"] = serde_json::json!("fatal");
    assert!(!validator.is_valid(&value));
}

#[test]
fn text_shows_related_sites_in_checked_files_only() {
    let rendered = render(OutputFormat::Full);
    assert_eq!(
        rendered,
        "\
warning[CY002]: block from `malloc` released by `PyMem_Free`
  ┌─ pkg/mod file.pyx:2:1
  │
1 │ p = malloc(8)
  │     --------- allocated here
2 │ PyMem_Free(p)  # é
  │ ^^^^^^^^^^^^^ released by the PyMem family

Found 1 diagnostic.
"
    );
}

/// Every rule's real output on the bundled samples, in both machine formats.
#[test]
fn the_samples_output_validates_in_both_formats() {
    let samples = concat!(env!("CARGO_MANIFEST_DIR"), "/samples");
    let run = |format: &str| {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_cysafe"))
            .args(["check", "--output-format", format, samples])
            .output()
            .unwrap();
        String::from_utf8(output.stdout).unwrap()
    };
    let json = run("json");
    let codes: std::collections::BTreeSet<String> = serde_json::from_str::<Vec<Value>>(&json)
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect();
    // The samples exercise every analysis rule, so every shape is validated here.
    let analysis_rules = cysafe::rules::ALL
        .iter()
        .filter(|r| r.code != "CY000" && !cysafe::selection::OFF_BY_DEFAULT.contains(&r.code));
    for rule in analysis_rules {
        assert!(codes.contains(rule.code), "no {} in the samples", rule.code);
    }
    assert_valid(&schema("docs/schema/diagnostics.schema.json"), &json);
    assert_valid(
        &schema("tests/schemas/sarif-schema-2.1.0.json"),
        &run("sarif"),
    );
}
