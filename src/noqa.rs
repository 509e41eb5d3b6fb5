//! Suppression comments: `# noqa`, `# noqa: CY001, CY003` on the line where a diagnostic
//! is reported, and `# cysafe: skip-file` anywhere in a file on a line of its own.
//!
//! Comments are found by scanning the line's text for `#`; a `#` inside a string that
//! happens to be followed by `noqa` suppresses too, the same trade-off flake8 makes.

use crate::diagnostic::{Diagnostic, LineIndex};

/// What one `noqa` comment suppresses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Noqa {
    /// A bare `# noqa`: everything on the line.
    All,
    /// `# noqa: CY001, CY003`: these codes, as written.
    Codes(Vec<String>),
}

impl Noqa {
    fn suppresses(&self, code: &str) -> bool {
        match self {
            Noqa::All => true,
            Noqa::Codes(codes) => codes.iter().any(|c| c.eq_ignore_ascii_case(code)),
        }
    }
}

/// The `noqa` comment of one line, if it has one.
pub fn parse_noqa(line: &str) -> Option<Noqa> {
    let mut rest = line;
    while let Some(hash) = rest.find('#') {
        rest = &rest[hash + 1..];
        let after = rest.trim_start();
        let Some(keyword) = after.get(..4) else {
            continue;
        };
        if !keyword.eq_ignore_ascii_case("noqa") {
            continue;
        }
        let tail = &after[4..];
        match tail.chars().next() {
            None => return Some(Noqa::All),
            Some(':') => return Some(parse_codes(&tail[1..])),
            Some(c) if c.is_whitespace() || c == '#' => return Some(Noqa::All),
            // `# noqaz` is some other word, not a suppression.
            Some(_) => continue,
        }
    }
    None
}

/// The codes after `noqa:`; a colon followed by no code suppresses everything, as the
/// user clearly meant to suppress something.
fn parse_codes(text: &str) -> Noqa {
    let mut codes = Vec::new();
    for token in text.split(|c: char| c == ',' || c.is_whitespace()) {
        if token.is_empty() {
            continue;
        }
        let letters = token.bytes().take_while(u8::is_ascii_alphabetic).count();
        let is_code = letters > 0
            && token.len() > letters
            && token.bytes().skip(letters).all(|b| b.is_ascii_digit());
        if !is_code {
            break;
        }
        codes.push(token.to_ascii_uppercase());
    }
    if codes.is_empty() {
        Noqa::All
    } else {
        Noqa::Codes(codes)
    }
}

/// Whether the file asks not to be checked at all (`# cysafe: skip-file`).
pub fn skips_file(text: &str) -> bool {
    text.lines().any(|line| {
        let Some(comment) = line.trim_start().strip_prefix('#') else {
            return false;
        };
        let Some(directive) = comment.trim_start().strip_prefix("cysafe:") else {
            return false;
        };
        directive.trim() == "skip-file"
    })
}

/// Drops the diagnostics a `noqa` comment on their reported line suppresses.
pub fn remove_suppressed(text: &str, diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let index = LineIndex::new(text);
    diagnostics
        .into_iter()
        .filter(|diagnostic| {
            let row = index.position(diagnostic.span.start).row;
            !parse_noqa(index.line_text(row))
                .is_some_and(|noqa| noqa.suppresses(diagnostic.rule.code))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(list: &[&str]) -> Option<Noqa> {
        Some(Noqa::Codes(list.iter().map(|c| c.to_string()).collect()))
    }

    #[test]
    fn bare_noqa_suppresses_everything() {
        assert_eq!(parse_noqa("p = malloc(n)  # noqa"), Some(Noqa::All));
        assert_eq!(parse_noqa("p = malloc(n)  #NOQA because"), Some(Noqa::All));
        assert_eq!(parse_noqa("p = malloc(n)  # noqa:"), Some(Noqa::All));
    }

    #[test]
    fn noqa_with_codes_lists_them() {
        assert_eq!(parse_noqa("x  # noqa: CY001"), codes(&["CY001"]));
        assert_eq!(
            parse_noqa("x  # noqa:CY001,cy003 trailing words"),
            codes(&["CY001", "CY003"])
        );
        assert_eq!(
            parse_noqa("x  # noqa: CY001, CY003"),
            codes(&["CY001", "CY003"])
        );
        assert_eq!(
            parse_noqa("x  # type: ignore # noqa: CY002"),
            codes(&["CY002"])
        );
    }

    #[test]
    fn other_comments_are_not_noqa() {
        assert_eq!(parse_noqa("x = 1  # noqable"), None);
        assert_eq!(parse_noqa("x = 1  # see noqa docs"), None);
        assert_eq!(parse_noqa("x = 1"), None);
    }

    #[test]
    fn skip_file_needs_its_own_comment_line() {
        assert!(skips_file("# cysafe: skip-file\nx = 1\n"));
        assert!(skips_file("x = 1\n    #cysafe:   skip-file  \n"));
        assert!(!skips_file("x = 1  # cysafe: skip-file is what you want\n"));
        assert!(!skips_file("x = '# cysafe: skip-file'\n"));
    }
}
