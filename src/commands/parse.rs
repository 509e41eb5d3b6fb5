//! `cysafe parse`: print syntax trees, or (`--check`) list the files that do not parse.
//! It is the tool that measures the grammar.

use std::io::Write;
use std::path::PathBuf;

use crate::commands::ExitStatus;
use crate::discover::{Discovery, DEFAULT_EXCLUDES};
use crate::parse::{first_syntax_error, parse, to_sexp, Dialect};
use crate::source::read_source;

#[derive(Debug, clap::Args)]
pub struct ParseArgs {
    /// Only report, for each file, the first syntax error, then a summary line.
    #[arg(long)]
    pub check: bool,
    /// Files to parse (with --check, also folders, walked for .pyx, .pxd and .pxi files).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
}

pub fn run(args: &ParseArgs, out: &mut dyn Write) -> std::io::Result<ExitStatus> {
    if args.check {
        check(args, out)
    } else {
        print_trees(args, out)
    }
}

fn print_trees(args: &ParseArgs, out: &mut dyn Write) -> std::io::Result<ExitStatus> {
    let mut status = ExitStatus::Success;
    for path in &args.paths {
        let dialect = Dialect::from_path(path).unwrap_or(Dialect::Cython);
        match read_source(path) {
            Ok(text) => {
                let tree = parse(&text, dialect);
                writeln!(out, "{}", to_sexp(tree.root_node()))?;
            }
            Err(error) => {
                report_error(path, &error);
                status = ExitStatus::Error;
            }
        }
    }
    Ok(status)
}

fn check(args: &ParseArgs, out: &mut dyn Write) -> std::io::Result<ExitStatus> {
    let exclude = std::sync::Arc::new(|path: &std::path::Path| {
        path.file_name()
            .and_then(|name| name.to_str())
            .is_some_and(|name| DEFAULT_EXCLUDES.contains(&name))
    });
    // Folders are walked for the Cython grammar's files; a named .py file is parsed
    // with Python's.
    let discovered = Discovery {
        accept_named: &|path| Dialect::from_path(path).is_some(),
        accept_walked: &|path| Dialect::from_path(path) == Some(Dialect::Cython),
        exclude,
        force_exclude: false,
        record_skipped: false,
    }
    .run(&args.paths);
    let mut unreadable = discovered.errors.len();
    for error in &discovered.errors {
        report_error(&error.path, &error.message);
    }
    for warning in &discovered.warnings {
        report_error(&warning.path, &format!("warning: {}", warning.message));
    }
    let mut parsed = 0;
    let mut with_errors = 0;
    for path in &discovered.files {
        let dialect = Dialect::from_path(path).unwrap_or(Dialect::Cython);
        let text = match read_source(path) {
            Ok(text) => text,
            Err(error) => {
                report_error(path, &error);
                unreadable += 1;
                continue;
            }
        };
        parsed += 1;
        let tree = parse(&text, dialect);
        if let Some(node) = first_syntax_error(&tree) {
            with_errors += 1;
            let position = crate::diagnostic::LineIndex::new(&text).position(node.start_byte());
            writeln!(
                out,
                "{}:{}:{}: syntax error",
                path.display(),
                position.row,
                position.column
            )?;
        }
    }
    // A file that could not be read was not parsed: it is counted apart, never as a
    // file without syntax errors.
    let not_read = match unreadable {
        0 => String::new(),
        1 => "; 1 path could not be read".to_string(),
        n => format!("; {n} paths could not be read"),
    };
    writeln!(
        out,
        "{parsed} files, {with_errors} with syntax errors{not_read}"
    )?;
    Ok(if unreadable > 0 {
        ExitStatus::Error
    } else if with_errors > 0 {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

/// One line on standard error; a closed standard error must not panic the process.
fn report_error(path: &std::path::Path, error: &dyn std::fmt::Display) {
    let _ = writeln!(
        std::io::stderr().lock(),
        "cysafe: {}: {error}",
        path.display()
    );
}
