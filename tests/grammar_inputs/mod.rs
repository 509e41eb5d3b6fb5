//! The texts the grammar tests read: the examples of grammar/test/corpus/*.txt
//! (tree-sitter's corpus format) and the files of samples/.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

pub struct Example {
    pub name: String,
    pub input: String,
    pub expected: String,
    /// Byte range of the expected tree in the file, for updating it.
    pub expected_range: std::ops::Range<usize>,
}

fn is_rule(line: &str, ch: char) -> bool {
    line.len() >= 3 && line.chars().all(|c| c == ch)
}

/// Splits a corpus file into examples: `===` name `===`, input, `---`, expected tree.
pub fn examples(text: &str) -> Vec<Example> {
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

pub fn corpus_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("grammar/test/corpus");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|error| panic!("{}: {error}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "txt"))
        .collect();
    files.sort();
    files
}

/// Every example input of the grammar's corpus tests, named `file: example`.
pub fn corpus_inputs() -> Vec<(String, String)> {
    let mut inputs = Vec::new();
    for file in corpus_files() {
        let text = std::fs::read_to_string(&file).unwrap();
        let file_name = file.file_name().unwrap().to_string_lossy().into_owned();
        for example in examples(&text) {
            inputs.push((format!("{file_name}: {}", example.name), example.input));
        }
    }
    inputs
}

/// Every file of samples/ (Cython and pure-Python mode), with its path.
pub fn sample_inputs() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    let mut files = Vec::new();
    let mut pending = vec![root.clone()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else if matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("pyx" | "pxd" | "pxi" | "py")
            ) {
                files.push(path);
            }
        }
    }
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap();
            let name = path.strip_prefix(&root).unwrap().display().to_string();
            (name, text)
        })
        .collect()
}
