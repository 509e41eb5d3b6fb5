//! `github`: GitHub Actions workflow commands, which the runner turns into annotations on
//! the pull request. Every property and the message are escaped so that no file name or
//! message can end the command early or start another one.

use std::io::{self, Write};

use super::{display_path, located, FileReport, Sources};
use crate::rules::Severity;

pub(super) fn write(
    files: &[FileReport],
    sources: &Sources<'_>,
    out: &mut dyn Write,
) -> io::Result<()> {
    for located in located(files, sources) {
        let diagnostic = located.diagnostic;
        let command = match diagnostic.rule.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        // GitHub matches `file` against the checkout's paths, which have no `./`.
        let path = display_path(located.path);
        let path = path.strip_prefix("./").unwrap_or(&path);
        let mut message = diagnostic.message.clone();
        if let Some(help) = &diagnostic.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        writeln!(
            out,
            "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            escape_property(path),
            located.start.row,
            located.start.column,
            located.end.row,
            located.end.column,
            escape_property(diagnostic.rule.code),
            escape_message(&message),
        )?;
    }
    Ok(())
}

/// The runner's escaping for a message: `%` first, so escapes are not escaped twice.
fn escape_message(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Properties also end at `,` and the property list at `:`.
fn escape_property(text: &str) -> String {
    escape_message(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn properties_cannot_inject_commands() {
        assert_eq!(
            escape_property("a,b:c%d\r\n::error::x"),
            "a%2Cb%3Ac%25d%0D%0A%3A%3Aerror%3A%3Ax"
        );
    }

    #[test]
    fn messages_keep_colons_and_commas() {
        assert_eq!(
            escape_message("100% bad: a, b\n::warning::x"),
            "100%25 bad: a, b%0A::warning::x"
        );
    }
}
