#![doc = include_str!("../../docs/rules/CY001.md")]

use std::collections::HashMap;

use crate::diagnostic::{Diagnostic, Related};
use crate::ir::{CallId, PlaceId};
use crate::ownership::families::Role;
use crate::ownership::{OwnershipGraph, SiteId, UseEvent, UseHow};
use crate::rules::{RuleMeta, Severity};

pub const UNCHECKED_ALLOCATION: RuleMeta = RuleMeta {
    code: "CY001",
    name: "unchecked-allocation",
    severity: Severity::Error,
    summary: "A block from an allocator is used on some path before any NULL check.",
    doc: include_str!("../../docs/rules/CY001.md"),
};

/// Reports each allocation site whose block some path uses before a NULL check, once,
/// at its first unchecked use.
pub fn check(graph: &OwnershipGraph<'_>, out: &mut Vec<Diagnostic>) {
    // Each call's first unchecked use and earliest check through each place, found in one
    // pass over the events (not one per site: N sites and N uses would cost N²).
    let mut first_unchecked: HashMap<CallId, &UseEvent> = HashMap::new();
    for event in graph.uses.iter().filter(|event| event.unchecked) {
        let Some(call) = graph.site(event.site).call() else {
            continue;
        };
        first_unchecked
            .entry(call)
            .and_modify(|first| {
                if event.span < first.span {
                    *first = event;
                }
            })
            .or_insert(event);
    }
    let mut first_check: HashMap<(CallId, PlaceId), usize> = HashMap::new();
    for check in &graph.checks {
        let Some(call) = graph.site(check.site).call() else {
            continue;
        };
        let start = first_check.entry((call, check.place)).or_insert(usize::MAX);
        *start = (*start).min(check.span.start);
    }
    for (index, site) in graph.sites.iter().enumerate() {
        let id = SiteId(index as u32);
        let Some(call) = site.call() else { continue };
        let Some(span) = site.span else { continue };
        // A call in a loop has a second site for its earlier blocks: one report per call.
        if graph.site_of_call(call) != Some(id) {
            continue;
        }
        let Some(&first_use) = first_unchecked.get(&call) else {
            continue;
        };
        let place = graph.function.place(first_use.place);
        // `if out == NULL: failed = True` then `out[0]`: a check that lets execution go on.
        let checked_before = first_check
            .get(&(call, first_use.place))
            .is_some_and(|start| *start < first_use.span.start);
        if checked_before {
            out.push(Diagnostic {
                rule: &UNCHECKED_ALLOCATION,
                fix: None,
                message: format!(
                    "the block from `{}` is used on a path where its NULL check did not stop execution",
                    site.callee
                ),
                span,
                label: format!("`{}` returns NULL when it fails", site.callee),
                help: Some(format!(
                    "leave (`raise MemoryError()` or `return`) where `{place}` is NULL, or use it only where it is not"
                )),
                related: vec![Related {
                    path: None,
                    span: first_use.span,
                    message: format!(
                        "`{place}` is used here on a path where its NULL check did not stop execution"
                    ),
                }],
            });
            continue;
        }
        // `posix_memalign(&p, ...)`: what says whether it stored a block is its status.
        let status_allocator = matches!(
            graph
                .families
                .classify(&graph.function.call(call).callee, true),
            Some((_, Role::AllocateThrough))
        );
        if status_allocator {
            out.push(Diagnostic {
                rule: &UNCHECKED_ALLOCATION,
                fix: None,
                message: format!(
                    "the block from `{}` is used before what it returns is checked",
                    site.callee
                ),
                span,
                label: format!(
                    "`{}` stores no block when it fails (it returns an error number)",
                    site.callee
                ),
                help: Some(format!(
                    "check its result before the first use: `if {}(...) != 0: raise MemoryError()`",
                    site.callee
                )),
                related: vec![Related {
                    path: None,
                    span: first_use.span,
                    message: format!("`{place}` is used here before the call's result is checked"),
                }],
            });
            continue;
        }
        let use_label = match first_use.how {
            UseHow::PassedTo(call) => format!(
                "`{place}` is passed to `{}` here before any NULL check",
                graph.function.call(call).callee.display_name()
            ),
            UseHow::Deref | UseHow::Arithmetic | UseHow::Returned => {
                format!("`{place}` is dereferenced here before any NULL check")
            }
        };
        out.push(Diagnostic {
            rule: &UNCHECKED_ALLOCATION,
            fix: None,
            message: format!(
                "the block from `{}` is used before it is checked for NULL",
                site.callee
            ),
            span,
            label: format!("`{}` returns NULL when it fails", site.callee),
            help: Some(format!(
                "check it before the first use: `if {place} == NULL: raise MemoryError()`"
            )),
            related: vec![Related {
                path: None,
                span: first_use.span,
                message: use_label,
            }],
        });
    }
}
