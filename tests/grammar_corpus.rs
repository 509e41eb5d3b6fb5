//! Runs the grammar's corpus tests (grammar/test/corpus/*.txt, tree-sitter's format)
//! without the tree-sitter CLI: each example is parsed with the Cython grammar and its
//! whole tree, fields included, must equal the expected S-expression.
//!
//! `CYSAFE_UPDATE_CORPUS=1 cargo test --test grammar_corpus` rewrites the expected trees
//! from the current grammar; review the diff before committing it.

mod grammar_inputs;

use std::fs;

use cysafe::parse::{parse, to_sexp, Dialect};
use grammar_inputs::{corpus_files, examples};

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
