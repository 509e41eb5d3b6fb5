//! The rules: one file per rule, each documented by its docs/rules/CYnnn.md, which the
//! rule's module includes so that the code, the docs and `cysafe rule` never disagree.
//!
//! Rules read the ownership graph of a function or class and never the syntax tree.

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// What is known of a rule without running it: its stable code and name, and its docs.
#[derive(Debug, PartialEq, Eq)]
pub struct RuleMeta {
    /// `CY003`: part of the interface, never reused or renumbered.
    pub code: &'static str,
    /// `realloc-overwrite`: part of the interface.
    pub name: &'static str,
    pub severity: Severity,
    /// One line, for `cysafe rule --all` and SARIF's shortDescription.
    pub summary: &'static str,
    /// The whole Markdown documentation (docs/rules/CYnnn.md).
    pub doc: &'static str,
}

/// Where cysafe lives (Cargo.toml's `repository`); documentation links point into it.
pub const REPOSITORY_URL: &str = env!("CARGO_PKG_REPOSITORY");

/// Where bugs in cysafe are reported.
pub const ISSUES_URL: &str = concat!(env!("CARGO_PKG_REPOSITORY"), "/issues");

impl RuleMeta {
    /// The rule's documentation page (docs/rules/CYnnn.md in the repository): linked from
    /// every diagnostic in the machine formats and from `cysafe rule`.
    pub fn url(&self) -> String {
        format!("{REPOSITORY_URL}/blob/main/docs/rules/{}.md", self.code)
    }
}

pub const SYNTAX_ERROR: RuleMeta = RuleMeta {
    code: "CY000",
    name: "syntax-error",
    severity: Severity::Error,
    summary: "The file has a syntax error; the functions it does not touch are still analyzed.",
    doc: include_str!("../../docs/rules/CY000.md"),
};

pub mod dealloc_missing_free;
pub mod double_free;
pub mod exception_leak;
pub mod lifetime;
pub mod memory_leak;
pub mod mismatched_deallocator;
pub mod realloc_overwrite;
pub mod unchecked_allocation;
pub mod unused_noqa;
pub mod use_after_free;

pub use dealloc_missing_free::DEALLOC_MISSING_FREE;
pub use double_free::DOUBLE_FREE;
pub use exception_leak::EXCEPTION_LEAK;
pub use memory_leak::MEMORY_LEAK;
pub use mismatched_deallocator::MISMATCHED_DEALLOCATOR;
pub use realloc_overwrite::REALLOC_OVERWRITE;
pub use unchecked_allocation::UNCHECKED_ALLOCATION;
pub use unused_noqa::UNUSED_NOQA;
pub use use_after_free::USE_AFTER_FREE;

/// Every rule, in code order.
pub static ALL: &[&RuleMeta] = &[
    &SYNTAX_ERROR,
    &UNCHECKED_ALLOCATION,
    &MISMATCHED_DEALLOCATOR,
    &REALLOC_OVERWRITE,
    &DEALLOC_MISSING_FREE,
    &DOUBLE_FREE,
    &USE_AFTER_FREE,
    &MEMORY_LEAK,
    &EXCEPTION_LEAK,
    &UNUSED_NOQA,
];

/// Runs every rule on a module's ownership graphs and class models.
pub fn check_module(
    analysis: &crate::ownership::module::ModuleAnalysis<'_>,
    out: &mut Vec<crate::diagnostic::Diagnostic>,
) {
    for graph in &analysis.graphs {
        check_function(graph, out);
    }
    check_classes(analysis, out);
}

/// The rules that read one function's graph alone: what they report depends on nothing
/// else (the language server keeps it for a function that did not change).
pub fn check_function(
    graph: &crate::ownership::OwnershipGraph<'_>,
    out: &mut Vec<crate::diagnostic::Diagnostic>,
) {
    unchecked_allocation::check(graph, out);
    mismatched_deallocator::check(graph, out);
    realloc_overwrite::check(graph, out);
    double_free::check(graph, out);
    use_after_free::check(graph, out);
    memory_leak::check(graph, out);
    exception_leak::check(graph, out);
}

/// The rules that read the class models and the methods of each class together.
pub fn check_classes(
    analysis: &crate::ownership::module::ModuleAnalysis<'_>,
    out: &mut Vec<crate::diagnostic::Diagnostic>,
) {
    mismatched_deallocator::check_classes(analysis, out);
    dealloc_missing_free::check(analysis, out);
    double_free::check_classes(analysis, out);
    double_free::check_dealloc_chain(analysis, out);
    double_free::check_views(analysis, out);
    use_after_free::check_classes(analysis, out);
    memory_leak::check_classes(analysis, out);
}

/// Looks a rule up by its code (`CY003`) or its name (`realloc-overwrite`).
pub fn by_code_or_name(key: &str) -> Option<&'static RuleMeta> {
    ALL.iter()
        .copied()
        .find(|rule| rule.code.eq_ignore_ascii_case(key) || rule.name == key)
}
