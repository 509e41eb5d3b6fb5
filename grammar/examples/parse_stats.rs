//! Tools for changing the grammar without changing its trees.
//!
//! `cargo run --release -p tree-sitter-cython --example parse_stats -- forks PATH...`
//! counts where the GLR parser splits its stack (a declared conflict firing): the tokens
//! processed, how many of them while the parse was split, and the split sites grouped by
//! parse state and the kind of the next token, each with example lines.
//!
//! `... --example parse_stats -- dump PATH...` prints every node of every file (named and
//! anonymous, with its field and byte range), so that the dumps of two builds of the
//! grammar can be compared byte for byte; `cysafe parse` prints named nodes only.
//!
//! A PATH is a file or a folder, walked for `.pyx`, `.pxd` and `.pxi` files in sorted
//! order; `-` reads the paths from standard input, one a line.

use std::collections::HashMap;
use std::io::{self, BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use tree_sitter::{Parser, TreeCursor};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(mode), paths) = (args.first(), &args[args.len().min(1)..]) else {
        eprintln!("usage: parse_stats (forks | dump) PATH...");
        return ExitCode::from(2);
    };
    let files = match collect_files(paths) {
        Ok(files) => files,
        Err(error) => {
            eprintln!("parse_stats: {error}");
            return ExitCode::from(2);
        }
    };
    let mut sources = Vec::with_capacity(files.len());
    for file in &files {
        match std::fs::read(file) {
            Ok(bytes) => sources.push(bytes),
            Err(error) => {
                eprintln!("parse_stats: {}: {error}", file.display());
                return ExitCode::from(2);
            }
        }
    }
    let result = match mode.as_str() {
        "forks" => forks(&files, &sources),
        "dump" => dump(&files, &sources),
        _ => {
            eprintln!("parse_stats: unknown mode {mode:?} (forks or dump)");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("parse_stats: {error}");
            ExitCode::from(2)
        }
    }
}

fn collect_files(paths: &[String]) -> io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for path in paths {
        if path == "-" {
            for line in io::stdin().lock().lines() {
                let line = line?;
                if !line.is_empty() {
                    files.push(PathBuf::from(line));
                }
            }
        } else {
            walk(Path::new(path), &mut files)?;
        }
    }
    Ok(files)
}

fn walk(path: &Path, files: &mut Vec<PathBuf>) -> io::Result<()> {
    if !path.is_dir() {
        files.push(path.to_path_buf());
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(path)?
        .map(|entry| entry.map(|entry| entry.path()))
        .collect::<io::Result<_>>()?;
    entries.sort();
    for entry in entries {
        let is_cython = entry
            .extension()
            .is_some_and(|ext| ext == "pyx" || ext == "pxd" || ext == "pxi");
        if entry.is_dir() || is_cython {
            walk(&entry, files)?;
        }
    }
    Ok(())
}

fn new_parser() -> Parser {
    let mut parser = Parser::new();
    parser
        .set_language(&tree_sitter_cython::LANGUAGE.into())
        .expect("the grammar's ABI matches the tree-sitter crate");
    parser
}

fn dump(files: &[PathBuf], sources: &[Vec<u8>]) -> io::Result<()> {
    let mut parser = new_parser();
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    for (file, source) in files.iter().zip(sources) {
        writeln!(out, "== {}", file.display())?;
        match parser.parse(source, None) {
            Some(tree) => dump_nodes(&mut tree.walk(), 0, &mut out)?,
            None => writeln!(out, "(no tree)")?,
        }
    }
    out.flush()
}

fn dump_nodes(cursor: &mut TreeCursor, depth: usize, out: &mut impl Write) -> io::Result<()> {
    loop {
        let node = cursor.node();
        let field = cursor
            .field_name()
            .map(|name| format!("{name}: "))
            .unwrap_or_default();
        writeln!(
            out,
            "{:depth$}{field}{:?} {}-{}{}{}",
            "",
            node.kind(),
            node.start_byte(),
            node.end_byte(),
            if node.is_missing() { " missing" } else { "" },
            if node.is_extra() { " extra" } else { "" },
        )?;
        if cursor.goto_first_child() {
            dump_nodes(cursor, depth + 1, out)?;
            cursor.goto_parent();
        }
        if !cursor.goto_next_sibling() {
            return Ok(());
        }
    }
}

/// What the parser's log says about one parse.
#[derive(Default)]
struct ForkLog {
    /// Tokens processed by any stack version ("process version" lines).
    steps: u64,
    /// Of those, the ones processed while more than one version was alive.
    split_steps: u64,
    /// The version count and position of the previous step, to see where it grew.
    previous: Option<Step>,
    /// Where the version count grew: a state and the position of the token it read.
    splits: Vec<(u32, u32, u32)>,
}

/// Where splits happened: one parse state with one kind of next token.
#[derive(Default)]
struct Site {
    count: u64,
    /// Up to three (file index, row) pairs.
    examples: Vec<(usize, u32)>,
}

#[derive(Clone, Copy)]
struct Step {
    version_count: u32,
    state: u32,
    row: u32,
    column: u32,
}

/// Reads `process version:V, version_count:C, state:S, row:R, col:K`.
fn parse_step(message: &str) -> Option<Step> {
    let rest = message.strip_prefix("process version:")?;
    // The first part is the version's number alone, the others `name:number`.
    let mut numbers = rest
        .split(", ")
        .skip(1)
        .map(|part| part.split_once(':')?.1.parse::<u32>().ok());
    Some(Step {
        version_count: numbers.next()??,
        state: numbers.next()??,
        row: numbers.next()??,
        column: numbers.next()??,
    })
}

fn forks(files: &[PathBuf], sources: &[Vec<u8>]) -> io::Result<()> {
    let log = Arc::new(Mutex::new(ForkLog::default()));
    let mut parser = new_parser();
    let sink = Arc::clone(&log);
    parser.set_logger(Some(Box::new(move |_, message: &str| {
        let Some(step) = parse_step(message) else {
            return;
        };
        let mut log = sink.lock().expect("the logger does not panic");
        log.steps += 1;
        if step.version_count > 1 {
            log.split_steps += 1;
        }
        if let Some(previous) = log.previous {
            if step.version_count > previous.version_count {
                log.splits
                    .push((previous.state, previous.row, previous.column));
            }
        }
        log.previous = Some(step);
    })));

    let mut sites: HashMap<(u32, String), Site> = HashMap::new();
    let (mut steps, mut split_steps, mut split_count) = (0, 0, 0);
    for (index, source) in sources.iter().enumerate() {
        parser.parse(source, None);
        let mut log = log.lock().expect("the logger does not panic");
        steps += log.steps;
        split_steps += log.split_steps;
        split_count += log.splits.len() as u64;
        let text = String::from_utf8_lossy(source);
        let lines: Vec<&str> = text.lines().collect();
        for &(state, row, column) in &log.splits {
            let line = lines.get(row as usize).copied().unwrap_or("");
            let next = next_token_kind(line, column as usize);
            let site = sites.entry((state, next)).or_default();
            site.count += 1;
            if site.examples.len() < 3 {
                site.examples.push((index, row));
            }
        }
        *log = ForkLog::default();
    }

    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    writeln!(out, "{} files", files.len())?;
    writeln!(out, "tokens processed {steps}, while split {split_steps}")?;
    writeln!(out, "splits {split_count}")?;
    let mut ranked: Vec<_> = sites.into_iter().collect();
    ranked.sort_by(|a, b| b.1.count.cmp(&a.1.count).then_with(|| a.0.cmp(&b.0)));
    for ((state, next), site) in ranked.iter().take(40) {
        writeln!(out, "{:>8}  state {state}, next {next}", site.count)?;
        for &(file, row) in &site.examples {
            let text = String::from_utf8_lossy(&sources[file]);
            let line = text.lines().nth(row as usize).unwrap_or("").trim();
            writeln!(
                out,
                "          {}:{}  {line}",
                files[file].display(),
                row + 1
            )?;
        }
    }
    out.flush()
}

/// The next token after `column` (a byte offset in tree-sitter's log), roughly: a word,
/// a number, or the punctuation character itself.
fn next_token_kind(line: &str, column: usize) -> String {
    let rest = line.get(column..).unwrap_or("").trim_start();
    match rest.chars().next() {
        None => "end of line".to_string(),
        Some(c) if c.is_ascii_digit() => "number".to_string(),
        Some(c) if c.is_alphanumeric() || c == '_' => "word".to_string(),
        Some(c) => format!("{c:?}"),
    }
}
