//! Fixes: the edits that repair a diagnostic, computed once per analysis and shown or
//! applied by every surface (`check --fix`/`--diff`, JSON, SARIF, the language server).
//!
//! A fix is written from what the rule found (the ownership graph: which assignment,
//! which call, which place) and the file's text around it: rules stay free of syntax
//! and of edits, and this layer knows no tree-sitter node kinds. Where the text around a
//! finding is not the plain shape a fix can be written for (a statement sharing its line,
//! a one-line body, a backslash continuation), no fix is offered: a fix that does not
//! compile is worse than none.

mod null_check;
mod realloc;
mod text;

use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Span};
use crate::ownership::families::FamilyTable;
use crate::ownership::OwnershipGraph;
use crate::parse::Dialect;
use crate::rules;

/// Fills in the `fix` of the diagnostics a fix can be written for (CY001 and CY003),
/// from the graphs of the functions that hold them.
pub fn attach_fixes(
    graphs: &[OwnershipGraph<'_>],
    source: &str,
    dialect: Dialect,
    diagnostics: &mut [Diagnostic],
) {
    let mut shared = realloc::Shared::default();
    for diagnostic in diagnostics.iter_mut() {
        let code = diagnostic.rule.code;
        if code == rules::REALLOC_OVERWRITE.code {
            realloc::attach(graphs, source, dialect, diagnostic, &mut shared);
        } else if code == rules::UNCHECKED_ALLOCATION.code {
            null_check::attach(graphs, source, dialect, diagnostic);
        }
    }
}

/// What the fixes read of the whole file rather than of the function that holds a
/// finding: whether the text names each family's deallocator (CY001's fix releases an
/// earlier block only with a deallocator the file has). A fix computed for a function
/// holds for the same function text, the same [`text_around_function`] and the same
/// answer here.
pub fn whole_file_facts(families: &FamilyTable, source: &str) -> Vec<bool> {
    families
        .families()
        .iter()
        .map(|family| family.deallocator())
        .map(|deallocator| !deallocator.is_empty() && text::mentions(source, deallocator))
        .collect()
}

/// The text around a function that its fixes read besides its own (from `span.start`
/// to `span.end`): before it, its header line's indentation and the decorator lines
/// above (`@cython.nogil`); after it, the text through the next line that holds code, or
/// to the end of the text (where the check that follows an assignment is looked for).
pub fn text_around_function(source: &str, span: Span) -> (&str, &str) {
    let start = span.start.min(source.len());
    let mut above = text::line_start(source, start);
    while above > 0 {
        let previous = text::line_start(source, above - 1);
        if !source[previous..above].trim_start().starts_with('@') {
            break;
        }
        above = previous;
    }
    let end = span.end.clamp(start, source.len());
    let until = text::next_code_line(source, end)
        .map_or(source.len(), |(line, _)| text::line_end(source, line));
    (&source[above..start], &source[end..until.max(end)])
}

/// Which fixes a run applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FixMode {
    SafeOnly,
    SafeAndUnsafe,
}

impl FixMode {
    pub fn allows(self, applicability: Applicability) -> bool {
        match self {
            FixMode::SafeOnly => applicability == Applicability::Safe,
            FixMode::SafeAndUnsafe => true,
        }
    }
}

/// `text` with the edits applied; the edits must not overlap.
pub fn apply_edits<'a>(text: &str, edits: impl IntoIterator<Item = &'a Edit>) -> String {
    let mut edits: Vec<&Edit> = edits.into_iter().collect();
    edits.sort();
    let mut fixed = String::with_capacity(text.len());
    let mut copied = 0;
    for edit in edits {
        fixed.push_str(&text[copied..edit.span.start]);
        fixed.push_str(&edit.content);
        copied = edit.span.end;
    }
    fixed.push_str(&text[copied..]);
    fixed
}

/// Applies as many of `fixes` as do not touch each other, in order, and says how many.
/// Two fixes touch when an edit of one overlaps or abuts an edit of the other (two
/// insertions at one point included): the later one waits for the next round, after
/// the file is analyzed again, so it is computed against the text it will change.
pub fn apply_fixes<'a>(text: &str, fixes: impl IntoIterator<Item = &'a Fix>) -> (String, usize) {
    let mut chosen: Vec<&Edit> = Vec::new();
    let mut applied = 0;
    for fix in fixes {
        let touches = fix.edits.iter().any(|edit| {
            chosen
                .iter()
                .any(|taken| edit.span.start <= taken.span.end && taken.span.start <= edit.span.end)
        });
        if touches {
            continue;
        }
        chosen.extend(&fix.edits);
        applied += 1;
    }
    (apply_edits(text, chosen), applied)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Span;

    fn fix(edits: Vec<Edit>) -> Fix {
        Fix::new(Applicability::Safe, "test".to_string(), edits)
    }

    #[test]
    fn edits_apply_in_position_order() {
        let text = "abcdef";
        let edits = [
            Edit::replace(Span::new(4, 5), "E"),
            Edit::insert(0, ">"),
            Edit::replace(Span::new(1, 3), ""),
        ];
        assert_eq!(apply_edits(text, &edits), ">adEf");
    }

    #[test]
    fn touching_fixes_wait_for_the_next_round() {
        let text = "0123456789";
        let first = fix(vec![
            Edit::insert(2, "a"),
            Edit::replace(Span::new(5, 6), "b"),
        ]);
        let same_point = fix(vec![Edit::insert(2, "c")]);
        let inside = fix(vec![Edit::replace(Span::new(4, 5), "d")]);
        let apart = fix(vec![Edit::replace(Span::new(8, 9), "e")]);
        let (fixed, applied) = apply_fixes(text, [&first, &same_point, &inside, &apart]);
        assert_eq!(fixed, "01a234b67e9");
        assert_eq!(applied, 2);
    }
}
