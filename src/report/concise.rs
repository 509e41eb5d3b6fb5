//! `concise`: `path:line:col: CODE message`, the shape vim's quickfix (`%f:%l:%c: %m`)
//! and Emacs' compilation mode read without configuration.

use std::io::{self, Write};

use super::{count_line, display_path, located, FileReport, ReportOptions, Sources};

pub(super) fn write(
    files: &[FileReport],
    sources: &Sources<'_>,
    options: ReportOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut count = 0;
    for located in located(files, sources) {
        count += 1;
        writeln!(
            out,
            "{}:{}:{}: {} {}",
            display_path(located.path),
            located.start.row,
            located.start.column,
            located.diagnostic.rule.code,
            one_line(&located.diagnostic.message)
        )?;
    }
    if !options.quiet {
        writeln!(out, "{}", count_line(count, &options))?;
    }
    Ok(())
}

/// A message on one line, so each diagnostic stays one quickfix entry.
fn one_line(message: &str) -> String {
    message.replace(['\r', '\n'], " ")
}
