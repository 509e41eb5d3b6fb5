//! `cysafe parse`: print syntax trees, or (`--check`) list the files that do not parse.
//! It is the tool that measures the grammar.

use std::io::Write;
use std::path::PathBuf;

use crate::commands::ExitStatus;
use crate::discover::discover;
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
                eprintln!("cysafe: {}: {error}", path.display());
                status = ExitStatus::Error;
            }
        }
    }
    Ok(status)
}

fn check(args: &ParseArgs, out: &mut dyn Write) -> std::io::Result<ExitStatus> {
    let discovered = discover(&args.paths, |path| {
        Dialect::from_path(path) == Some(Dialect::Cython)
    });
    let mut io_error = !discovered.errors.is_empty();
    for error in &discovered.errors {
        eprintln!("cysafe: {}: {}", error.path.display(), error.message);
    }
    let mut with_errors = 0;
    for path in &discovered.files {
        let dialect = Dialect::from_path(path).unwrap_or(Dialect::Cython);
        let text = match read_source(path) {
            Ok(text) => text,
            Err(error) => {
                eprintln!("cysafe: {}: {error}", path.display());
                io_error = true;
                continue;
            }
        };
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
    writeln!(
        out,
        "{} files, {} with syntax errors",
        discovered.files.len(),
        with_errors
    )?;
    Ok(if io_error {
        ExitStatus::Error
    } else if with_errors > 0 {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}
