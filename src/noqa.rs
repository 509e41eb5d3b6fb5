//! Suppression comments: `# noqa`, `# noqa: CY001, CY003` on the line where a diagnostic
//! is reported, and `# cysafe: skip-file` anywhere in a file on a line of its own.
//!
//! Comments are found by scanning the line's text for `#`; a `#` inside a string that
//! happens to be followed by `noqa` suppresses too, the same trade-off flake8 makes.

use std::collections::HashSet;

use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, LineIndex, Span};
use crate::rules;
use crate::selection::RuleSet;

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
    find_noqa(line).map(|(_, noqa)| noqa)
}

/// The `noqa` comment of one line with the byte offset of its `#` in the line.
fn find_noqa(line: &str) -> Option<(usize, Noqa)> {
    let mut searched = 0;
    while let Some(found) = line[searched..].find('#') {
        let hash = searched + found;
        searched = hash + 1;
        let after = line[searched..].trim_start();
        let Some(keyword) = after.get(..4) else {
            continue;
        };
        if !keyword.eq_ignore_ascii_case("noqa") {
            continue;
        }
        let tail = &after[4..];
        match tail.chars().next() {
            None => return Some((hash, Noqa::All)),
            Some(':') => return Some((hash, parse_codes(&tail[1..]))),
            Some(c) if c.is_whitespace() || c == '#' => return Some((hash, Noqa::All)),
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

/// The fix that silences `diagnostic` with a `# noqa: CYnnn` comment on its line:
/// the code is added to the line's `noqa` comment when it has one, else a comment is
/// appended. Unsafe (it hides a finding rather than repairing it), and offered by
/// editors only: `check --fix` never applies it. `None` where a comment cannot go (a
/// line continued with a backslash, or ending inside a string).
pub fn suppression_fix(text: &str, diagnostic: &Diagnostic) -> Option<Fix> {
    let code = diagnostic.rule.code;
    let start = text[..diagnostic.span.start.min(text.len())]
        .rfind('\n')
        .map_or(0, |newline| newline + 1);
    let end = text[start..]
        .find('\n')
        .map_or(text.len(), |newline| start + newline);
    let line = text[start..end].trim_end_matches('\r');
    let edit = match find_noqa(line) {
        Some((_, Noqa::All)) => return None,
        Some((hash, Noqa::Codes(_))) => {
            let codes_end = hash + codes_end(&line[hash..]);
            Edit::insert(start + codes_end, format!(", {code}"))
        }
        None => {
            if line.trim_end().ends_with('\\') || ends_inside_string(line) {
                return None;
            }
            Edit::insert(start + line.trim_end().len(), format!("  # noqa: {code}"))
        }
    };
    let message = format!("suppress with `# noqa: {code}`");
    Some(Fix::new(Applicability::Unsafe, message, vec![edit]))
}

/// The length of `# noqa: A, B` at the start of `comment`, up to the end of its last code.
fn codes_end(comment: &str) -> usize {
    let colon = comment.find(':').map_or(comment.len(), |colon| colon + 1);
    let mut end = colon;
    let mut rest = &comment[colon..];
    loop {
        let trimmed = rest.trim_start_matches(|c: char| c == ',' || c.is_whitespace());
        let skipped = rest.len() - trimmed.len();
        let token_len = trimmed
            .find(|c: char| c == ',' || c.is_whitespace())
            .unwrap_or(trimmed.len());
        let token = &trimmed[..token_len];
        let letters = token.bytes().take_while(u8::is_ascii_alphabetic).count();
        let is_code = letters > 0
            && token.len() > letters
            && token.bytes().skip(letters).all(|b| b.is_ascii_digit());
        if !is_code {
            return end;
        }
        end += skipped + token_len;
        rest = &trimmed[token_len..];
    }
}

/// Whether a line ends inside a string literal it opens.
fn ends_inside_string(line: &str) -> bool {
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for c in line.chars() {
        match quote {
            Some(_) if escaped => escaped = false,
            Some(_) if c == '\\' => escaped = true,
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '#' => return false,
            None if c == '"' || c == '\'' => quote = Some(c),
            None => {}
        }
    }
    quote.is_some()
}

/// Whether the file asks not to be checked at all (`# cysafe: skip-file`).
pub fn skips_file(text: &str) -> bool {
    // The search for the directive's word is memchr-fast, unlike trimming every line.
    if !text.contains("cysafe:") {
        return false;
    }
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

/// A rule code that a `noqa` comment on a row did suppress.
pub type Used = HashSet<(usize, &'static str)>;

/// Drops the diagnostics a `noqa` comment on their reported line suppresses, and says
/// which (row, code) pairs were suppressed.
pub fn remove_suppressed(text: &str, diagnostics: Vec<Diagnostic>) -> (Vec<Diagnostic>, Used) {
    // Most files have nothing to suppress: skip indexing their lines.
    if diagnostics.is_empty() {
        return (diagnostics, Used::new());
    }
    let index = LineIndex::new(text);
    let mut used = Used::new();
    let kept = diagnostics
        .into_iter()
        .filter(|diagnostic| {
            let row = index.position(diagnostic.span.start).row;
            let suppressed = parse_noqa(index.line_text(row))
                .is_some_and(|noqa| noqa.suppresses(diagnostic.rule.code));
            if suppressed {
                used.insert((row, diagnostic.rule.code));
            }
            !suppressed
        })
        .collect();
    (kept, used)
}

/// CY100: the cysafe codes of enabled rules in `noqa` comments that suppressed nothing.
/// Bare `# noqa` and other tools' codes are left alone: they may be another linter's.
pub fn unused_noqa(text: &str, used: &Used, enabled: &RuleSet) -> Vec<Diagnostic> {
    let mut unused_diagnostics = Vec::new();
    let mut line_start = 0;
    for (row, line) in (1..).zip(text.split_inclusive('\n')) {
        let start = line_start;
        line_start += line.len();
        let line = line.trim_end_matches(['\n', '\r']);
        let Some((hash, Noqa::Codes(codes))) = find_noqa(line) else {
            continue;
        };
        let unused: Vec<&String> = codes
            .iter()
            .filter(|code| {
                rules::by_code_or_name(code).is_some_and(|rule| {
                    enabled.contains(rule.code) && !used.contains(&(row, rule.code))
                })
            })
            .collect();
        if unused.is_empty() {
            continue;
        }
        let list = unused
            .iter()
            .map(|code| format!("`{code}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let (noun, pronoun) = if unused.len() == 1 {
            ("code", "it")
        } else {
            ("codes", "them")
        };
        unused_diagnostics.push(Diagnostic {
            rule: &rules::UNUSED_NOQA,
            fix: None,
            message: format!(
                "unused `noqa` {noun} {list}: nothing on this line is reported as {pronoun}"
            ),
            span: Span::new(start + hash, start + line.trim_end().len()),
            label: "suppresses nothing".to_string(),
            help: Some(format!("remove {list} from the comment")),
            related: Vec::new(),
        });
    }
    unused_diagnostics
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
    fn unused_codes_are_found_and_other_tools_codes_ignored() {
        let text = "a = 1  # noqa: CY003, E501\nb = 2  # noqa\nc = 3  # noqa: CY001\n";
        let mut used = Used::new();
        used.insert((3, "CY001"));
        let found = unused_noqa(text, &used, &RuleSet::default_rules());
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].rule.code, "CY100");
        assert_eq!(
            found[0].message,
            "unused `noqa` code `CY003`: nothing on this line is reported as it"
        );
        assert_eq!(
            &text[found[0].span.start..found[0].span.end],
            "# noqa: CY003, E501"
        );
    }

    #[test]
    fn codes_of_disabled_rules_are_not_unused() {
        let mut enabled = RuleSet::default_rules();
        enabled.remove(&[crate::selection::RuleSelector::Prefix("CY003".to_string())]);
        assert!(unused_noqa("a = 1  # noqa: CY003\n", &Used::new(), &enabled).is_empty());
    }

    fn suppressed(text: &str, code_at: &str) -> Option<String> {
        let start = text.find(code_at).unwrap();
        let diagnostic = Diagnostic {
            rule: &rules::UNCHECKED_ALLOCATION,
            fix: None,
            message: String::new(),
            span: Span::new(start, start + 1),
            label: String::new(),
            help: None,
            related: Vec::new(),
        };
        suppression_fix(text, &diagnostic).map(|fix| fix.apply(text))
    }

    #[test]
    fn suppression_appends_a_comment_or_a_code() {
        assert_eq!(
            suppressed("a\np = malloc(n)\r\nb\n", "malloc").as_deref(),
            Some("a\np = malloc(n)  # noqa: CY001\r\nb\n")
        );
        assert_eq!(
            suppressed("p = malloc(n)  # noqa: CY003, E501 why\n", "malloc").as_deref(),
            Some("p = malloc(n)  # noqa: CY003, E501, CY001 why\n")
        );
        assert_eq!(
            suppressed("p = malloc(n)  # type: ignore\n", "malloc").as_deref(),
            Some("p = malloc(n)  # type: ignore  # noqa: CY001\n")
        );
        assert_eq!(suppressed("p = malloc(n)  # noqa\n", "malloc"), None);
        assert_eq!(suppressed("p = malloc(n) + \\\n  1\n", "malloc"), None);
        assert_eq!(suppressed("p = malloc(n); s = '''x\n'''\n", "malloc"), None);
        let fixed = suppressed("p = malloc(n)  # noqa: CY003\n", "malloc").unwrap();
        assert_eq!(parse_noqa(&fixed), codes(&["CY003", "CY001"]));
    }

    #[test]
    fn skip_file_needs_its_own_comment_line() {
        assert!(skips_file("# cysafe: skip-file\nx = 1\n"));
        assert!(skips_file("x = 1\n    #cysafe:   skip-file  \n"));
        assert!(!skips_file("x = 1  # cysafe: skip-file is what you want\n"));
        assert!(!skips_file("x = '# cysafe: skip-file'\n"));
    }
}
