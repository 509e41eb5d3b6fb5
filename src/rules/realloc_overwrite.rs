#![doc = include_str!("../../docs/rules/CY003.md")]

use std::collections::HashSet;

use crate::diagnostic::{Diagnostic, Related};
use crate::ownership::{OwnershipGraph, ReallocOverwrite, SiteStates};
use crate::rules::{RuleMeta, Severity};

pub const REALLOC_OVERWRITE: RuleMeta = RuleMeta {
    code: "CY003",
    name: "realloc-overwrite",
    severity: Severity::Error,
    summary: "The result of a realloc is stored straight back into the place it reallocates.",
    doc: include_str!("../../docs/rules/CY003.md"),
};

/// Reports every `p = realloc(p, n)`, once per assignment.
pub fn check(graph: &OwnershipGraph<'_>, out: &mut Vec<Diagnostic>) {
    let mut reported = HashSet::new();
    for overwrite in &graph.realloc_overwrites {
        if !failure_returns(graph, overwrite) || !reported.insert(overwrite.span) {
            continue;
        }
        let place = graph.function.place(overwrite.target);
        let callee = graph.function.call(overwrite.call).callee.display_name();
        let mut previous: Vec<_> = overwrite
            .previous
            .iter()
            .filter_map(|&site| graph.site(site).span)
            .collect();
        previous.sort();
        previous.dedup();
        out.push(Diagnostic {
            rule: &REALLOC_OVERWRITE,
            fix: None,
            message: format!(
                "`{place}` is overwritten by `{callee}({place}, ...)`: the old block leaks if it fails"
            ),
            span: overwrite.span,
            label: format!("`{place}` becomes NULL and loses the old block when `{callee}` fails"),
            help: Some(format!(
                "keep the result in a temporary: `tmp = {callee}({place}, n)`, then \
                 `if tmp == NULL: raise MemoryError()`, then `{place} = tmp`"
            )),
            related: previous
                .into_iter()
                .map(|span| Related {
                    path: None,
                    span,
                    message: "allocated here".to_string(),
                })
                .collect(),
        });
    }
}

/// Whether a failed reallocation can leave the function: when every NULL result ends the
/// process (`if p == NULL: abort()`), nothing leaks that anyone could observe.
fn failure_returns(graph: &OwnershipGraph<'_>, overwrite: &ReallocOverwrite) -> bool {
    let (Some(exit), Some(site)) = (&graph.exit, graph.site_of_call(overwrite.call)) else {
        return graph.exit.is_some();
    };
    // A reallocation of a long lineage may have been folded into the lineage's block,
    // whose states are then its own.
    let mut states = exit.site(site);
    if let Some(lineage) = graph.lineage.get(&site) {
        states = states.union(exit.site(*lineage));
    }
    [SiteStates::UNCHECKED, SiteStates::NULL, SiteStates::ESCAPED]
        .iter()
        .any(|state| states.contains(*state))
}
