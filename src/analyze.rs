//! One file through the pipeline: parse, lower, analyze ownership, run the rules.
//!
//! This is the only entry point the commands use; it does no I/O.

use crate::diagnostic::{Diagnostic, Span};
use crate::parse::{first_syntax_error, parse, Dialect};
use crate::rules;
use crate::settings::AnalysisSettings;

/// All diagnostics for one file's text, sorted by position.
pub fn analyze_source(
    text: &str,
    dialect: Dialect,
    _settings: &AnalysisSettings,
) -> Vec<Diagnostic> {
    let tree = parse(text, dialect);
    let mut diagnostics = Vec::new();
    if let Some(node) = first_syntax_error(&tree) {
        diagnostics.push(syntax_error(node));
    }
    diagnostics.sort_by(|a, b| (a.span, a.rule.code).cmp(&(b.span, b.rule.code)));
    diagnostics
}

fn syntax_error(node: tree_sitter::Node<'_>) -> Diagnostic {
    let (message, label) = if node.is_missing() {
        (
            format!("syntax error: expected `{}`", node.kind()),
            format!("`{}` expected here", node.kind()),
        )
    } else {
        (
            "syntax error: unexpected input".to_string(),
            "cysafe cannot parse this".to_string(),
        )
    };
    Diagnostic {
        rule: &rules::SYNTAX_ERROR,
        message,
        span: Span::new(node.start_byte(), node.end_byte().max(node.start_byte())),
        label,
        help: Some(
            "fix the syntax; if this is valid Cython, please report it as a cysafe grammar bug"
                .to_string(),
        ),
        related: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::LineIndex;

    #[test]
    fn syntax_error_is_reported_at_its_position() {
        let text = "def f():\n    return )\n";
        let diagnostics = analyze_source(text, Dialect::PurePython, &AnalysisSettings::default());
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(diagnostics[0].rule.code, "CY000");
        let start = LineIndex::new(text).position(diagnostics[0].span.start);
        assert_eq!((start.row, start.column), (2, 5));
    }

    #[test]
    fn clean_file_has_no_diagnostics() {
        let text = "def f(n):\n    return n + 1\n";
        assert!(analyze_source(text, Dialect::PurePython, &AnalysisSettings::default()).is_empty());
    }
}
