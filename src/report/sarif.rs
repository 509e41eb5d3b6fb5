//! `sarif`: SARIF 2.1.0, the format GitHub code scanning uploads. The run lists every
//! rule (so viewers show each rule's help), results point at relative URIs under
//! `%SRCROOT%`, and each result has a partial fingerprint that survives lines moving.

use std::io::{self, Write};
use std::path::Path;

use serde_json::{json, Value};

use super::{display_path, located, FileReport, Located, Sources};
use crate::rules::{self, Severity};

pub(super) fn write(
    files: &[FileReport],
    sources: &Sources<'_>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let rules: Vec<Value> = rules::ALL
        .iter()
        .map(|rule| {
            json!({
                "id": rule.code,
                "name": rule.name,
                "shortDescription": { "text": rule.summary },
                "fullDescription": { "text": rule.summary },
                "help": { "text": rule.summary, "markdown": rule.doc },
                "helpUri": rule.url(),
                "defaultConfiguration": { "level": level(rule.severity) },
            })
        })
        .collect();
    let results: Vec<Value> = located(files, sources)
        .map(|located| result(&located, sources))
        .collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "cysafe",
                    "version": env!("CARGO_PKG_VERSION"),
                    "informationUri": env!("CARGO_PKG_HOMEPAGE"),
                    "rules": rules,
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

fn result(located: &Located<'_>, sources: &Sources<'_>) -> Value {
    let diagnostic = located.diagnostic;
    let rule_index = rules::ALL
        .iter()
        .position(|rule| rule.code == diagnostic.rule.code);
    let line = sources.line_text(located.path, located.start.row).trim();
    let mut message = diagnostic.message.clone();
    if let Some(help) = &diagnostic.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    let mut result = json!({
        "ruleId": diagnostic.rule.code,
        "level": level(diagnostic.rule.severity),
        "message": { "text": message },
        "locations": [physical(located.path, located.start, located.end, None)],
        "partialFingerprints": {
            "cysafe/v1": fingerprint(&[diagnostic.rule.code, &display_path(located.path), &diagnostic.message, line]),
        },
    });
    if let Some(index) = rule_index {
        result["ruleIndex"] = json!(index);
    }
    if let Some(fix) = &diagnostic.fix {
        let replacements: Vec<Value> = fix
            .edits
            .iter()
            .map(|edit| {
                let start = sources.position(located.path, edit.span.start);
                let end = sources.position(located.path, edit.span.end);
                json!({
                    "deletedRegion": {
                        "startLine": start.row,
                        "startColumn": start.column,
                        "endLine": end.row,
                        "endColumn": end.column,
                    },
                    "insertedContent": { "text": edit.content },
                })
            })
            .collect();
        result["fixes"] = json!([{
            "description": { "text": fix.message },
            "artifactChanges": [{
                "artifactLocation": artifact(located.path),
                "replacements": replacements,
            }],
            "properties": { "applicability": fix.applicability.as_str() },
        }]);
    }
    if !located.related.is_empty() {
        result["relatedLocations"] = located
            .related
            .iter()
            .enumerate()
            .map(|(id, related)| {
                let mut location = physical(
                    related.path,
                    related.start,
                    related.end,
                    Some(related.message),
                );
                location["id"] = json!(id);
                location
            })
            .collect();
    }
    result
}

fn physical(
    path: &Path,
    start: crate::diagnostic::Position,
    end: crate::diagnostic::Position,
    message: Option<&str>,
) -> Value {
    let mut location = json!({
        "physicalLocation": {
            "artifactLocation": artifact(path),
            "region": {
                "startLine": start.row,
                "startColumn": start.column,
                "endLine": end.row,
                "endColumn": end.column,
            }
        }
    });
    if let Some(message) = message {
        location["message"] = json!({ "text": message });
    }
    location
}

/// A relative path becomes a relative URI under `%SRCROOT%` (the folder cysafe ran in,
/// which for code scanning is the checkout); an absolute one a `file://` URI. The URI
/// percent-encodes the path's raw bytes, so a name that is not UTF-8 is kept exactly.
fn artifact(path: &Path) -> Value {
    let bytes: Vec<u8> = path
        .as_os_str()
        .as_encoded_bytes()
        .iter()
        .map(|&byte| if byte == b'\\' { b'/' } else { byte })
        .collect();
    let relative = bytes.strip_prefix(b"./").unwrap_or(&bytes);
    if path.is_absolute() {
        json!({ "uri": format!("file://{}", percent_encode(relative)) })
    } else {
        json!({ "uri": percent_encode(relative), "uriBaseId": "%SRCROOT%" })
    }
}

/// Encodes what may not appear raw in a URI path, keeping `/` as the separator.
fn percent_encode(path: &[u8]) -> String {
    let mut encoded = String::with_capacity(path.len());
    for &byte in path {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                encoded.push(byte as char)
            }
            _ => encoded.push_str(&format!("%{byte:02X}")),
        }
    }
    encoded
}

/// FNV-1a over the parts: stable across Rust versions and platforms, unlike std's
/// hasher, so code scanning matches results between runs.
fn fingerprint(parts: &[&str]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.bytes().chain([0]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_relative_and_encoded() {
        assert_eq!(
            artifact(Path::new("./src/my file#1.pyx")),
            json!({ "uri": "src/my%20file%231.pyx", "uriBaseId": "%SRCROOT%" })
        );
        assert_eq!(
            artifact(Path::new("/abs/x.pyx")),
            json!({ "uri": "file:///abs/x.pyx" })
        );
    }

    #[cfg(unix)]
    #[test]
    fn non_utf8_names_keep_their_bytes() {
        use std::os::unix::ffi::OsStrExt;
        let path = Path::new(std::ffi::OsStr::from_bytes(b"src/caf\xe9.pyx"));
        assert_eq!(
            artifact(path),
            json!({ "uri": "src/caf%E9.pyx", "uriBaseId": "%SRCROOT%" })
        );
    }

    #[test]
    fn fingerprints_are_stable() {
        assert_eq!(fingerprint(&[]), "cbf29ce484222325");
        assert_eq!(fingerprint(&["a"]), fingerprint(&["a"]));
        assert_ne!(fingerprint(&["ab", "c"]), fingerprint(&["a", "bc"]));
    }
}
