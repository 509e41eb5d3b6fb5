//! Runs the grammar's corpus tests (grammar/test/corpus/*.txt, tree-sitter's format)
//! without the tree-sitter CLI: each example is parsed with the Cython grammar and its
//! whole tree, fields included, must equal the expected S-expression.
//!
//! `CYSAFE_UPDATE_CORPUS=1 cargo test --test grammar_corpus` rewrites the expected trees
//! from the current grammar; review the diff before committing it.

use std::fs;
use std::path::{Path, PathBuf};

use cysafe::parse::{parse, to_sexp, Dialect};

struct Example {
    name: String,
    input: String,
    expected: String,
    /// Byte range of the expected tree in the file, for updating it.
    expected_range: std::ops::Range<usize>,
}

fn is_rule(line: &str, ch: char) -> bool {
    line.len() >= 3 && line.chars().all(|c| c == ch)
}

/// Splits a corpus file into examples: `===` name `===`, input, `---`, expected tree.
fn examples(text: &str) -> Vec<Example> {
    // Lines with their byte offsets, line ends excluded.
    let mut lines = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        lines.push((offset, line.trim_end_matches(['\n', '\r'])));
        offset += line.len();
    }
    let mut found = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if !is_rule(lines[i].1, '=') {
            i += 1;
            continue;
        }
        let name = lines.get(i + 1).map_or("", |l| l.1).trim().to_string();
        i += 3; // header rule, name, header rule
        let input_start = i;
        while i < lines.len() && !is_rule(lines[i].1, '-') {
            i += 1;
        }
        let input: Vec<&str> = lines[input_start.min(lines.len())..i]
            .iter()
            .map(|l| l.1)
            .collect();
        let input = input.join("\n").trim_matches('\n').to_string() + "\n";
        i += 1;
        let expected_start = lines.get(i).map_or(text.len(), |l| l.0);
        while i < lines.len() && !is_rule(lines[i].1, '=') {
            i += 1;
        }
        let expected_end = lines.get(i).map_or(text.len(), |l| l.0);
        found.push(Example {
            name,
            input,
            expected: text[expected_start..expected_end].to_string(),
            expected_range: expected_start..expected_end,
        });
    }
    found
}

/// One space between tokens, none inside parentheses: layout does not matter.
fn normalize(sexp: &str) -> String {
    let collapsed = sexp.split_whitespace().collect::<Vec<_>>().join(" ");
    collapsed.replace("( ", "(").replace(" )", ")")
}

/// Tree-sitter's layout: one node per line, two spaces per level.
fn pretty(sexp: &str) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    let words: Vec<&str> = sexp.split(' ').collect();
    let mut i = 0;
    while i < words.len() {
        let word = words[i];
        let starts_node = word.starts_with('(') || word.ends_with(':');
        if starts_node && !out.is_empty() {
            out.push('\n');
            out.push_str(&"  ".repeat(depth));
        } else if !out.is_empty() {
            out.push(' ');
        }
        if word.ends_with(':') {
            // A field name stays on the line of its node.
            out.push_str(word);
            out.push(' ');
            i += 1;
            continue_node(&mut out, words[i], &mut depth);
        } else {
            continue_node(&mut out, word, &mut depth);
        }
        i += 1;
    }
    out.push('\n');
    out
}

fn continue_node(out: &mut String, word: &str, depth: &mut usize) {
    out.push_str(word);
    *depth += word.matches('(').count();
    *depth -= word.matches(')').count();
}

fn corpus_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("grammar/test/corpus");
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|error| panic!("{}: {error}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "txt"))
        .collect();
    files.sort();
    files
}

#[test]
fn corpus_trees_match() {
    let update = std::env::var_os("CYSAFE_UPDATE_CORPUS").is_some();
    let mut failures = Vec::new();
    let mut count = 0;
    for file in corpus_files() {
        let text = fs::read_to_string(&file).unwrap();
        let mut updated = text.clone();
        // Replace from the end so earlier ranges stay valid.
        for example in examples(&text).iter().rev() {
            count += 1;
            let tree = parse(&example.input, Dialect::Cython);
            let actual = to_sexp(tree.root_node());
            if update {
                let replacement = format!("\n{}\n", pretty(&actual));
                updated.replace_range(example.expected_range.clone(), &replacement);
            } else if normalize(&actual) != normalize(&example.expected) {
                failures.push(format!(
                    "{}: {}\n  expected: {}\n  actual:   {}",
                    file.file_name().unwrap().to_string_lossy(),
                    example.name,
                    normalize(&example.expected),
                    actual
                ));
            }
        }
        if update && updated != text {
            fs::write(&file, updated).unwrap();
        }
    }
    assert!(count > 0, "no corpus examples found");
    assert!(
        failures.is_empty(),
        "{} of {count} corpus examples differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn corpus_has_no_syntax_errors() {
    // Expected trees are reviewed by hand; this guards against accepting an ERROR.
    for file in corpus_files() {
        let text = fs::read_to_string(&file).unwrap();
        for example in examples(&text) {
            assert!(
                !example.expected.contains("(ERROR") && !example.expected.contains("(MISSING"),
                "{}: {} expects a syntax error",
                file.display(),
                example.name
            );
        }
    }
}

#[test]
fn pretty_printing_keeps_the_tree() {
    let sexp = "(module (expression_statement (assignment left: (identifier) right: (integer))))";
    let printed = pretty(sexp);
    assert_eq!(
        printed,
        "(module\n  (expression_statement\n    (assignment\n      left: (identifier)\n      right: (integer))))\n"
    );
    assert_eq!(normalize(&printed), sexp);
}
