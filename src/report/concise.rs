//! `concise`: `path:line:col: CODE message`, the shape vim's quickfix (`%f:%l:%c: %m`)
//! and Emacs' compilation mode read without configuration. On a terminal the path is
//! bold and the code coloured by severity, as ruff shows it.

use std::io::{self, Write};

use codespan_reporting::term::termcolor::{Ansi, Color, ColorSpec, NoColor, WriteColor};

use super::{count_line, display_path, located, FileReport, ReportOptions, Sources};
use crate::rules::Severity;

pub(super) fn write(
    files: &[FileReport],
    sources: &Sources<'_>,
    options: ReportOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut writer: Box<dyn WriteColor + '_> = if options.color {
        Box::new(Ansi::new(&mut *out))
    } else {
        Box::new(NoColor::new(&mut *out))
    };
    let path_style = ColorSpec::new().set_bold(true).clone();
    let mut count = 0;
    for located in located(files, sources) {
        count += 1;
        let code_color = match located.diagnostic.rule.severity {
            Severity::Error => Color::Red,
            Severity::Warning => Color::Yellow,
        };
        writer.set_color(&path_style)?;
        write!(writer, "{}", one_line(&display_path(located.path)))?;
        writer.reset()?;
        write!(writer, ":{}:{}: ", located.start.row, located.start.column)?;
        writer.set_color(ColorSpec::new().set_fg(Some(code_color)).set_bold(true))?;
        write!(writer, "{}", located.diagnostic.rule.code)?;
        writer.reset()?;
        writeln!(writer, " {}", one_line(&located.diagnostic.message))?;
    }
    drop(writer);
    if !options.quiet {
        writeln!(out, "{}", count_line(count, &options))?;
    }
    Ok(())
}

/// A path or message on one line, so each diagnostic stays one quickfix entry: control
/// characters (a newline in a file name) are written as escapes.
fn one_line(text: &str) -> String {
    if !text.chars().any(char::is_control) {
        return text.to_string();
    }
    text.chars()
        .map(|c| match c {
            '\n' => "\\n".to_string(),
            '\r' => "\\r".to_string(),
            '\t' => "\\t".to_string(),
            c if c.is_control() => c.escape_unicode().to_string(),
            c => c.to_string(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(one_line("a\nb.pyx"), "a\\nb.pyx");
        assert_eq!(one_line("x\r\ty\u{1b}"), "x\\r\\ty\\u{1b}");
        assert_eq!(one_line("plain é"), "plain é");
    }
}
