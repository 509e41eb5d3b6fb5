#![doc = include_str!("../../docs/rules/CY006.md")]

use std::collections::HashSet;

use crate::diagnostic::{Diagnostic, Related, Span};
use crate::ir::{BlockId, Stmt};
use crate::ownership::module::ModuleAnalysis;
use crate::ownership::{OwnershipGraph, ReleaseEvent, SiteId, SiteStates, UseHow};
use crate::rules::lifetime::{
    blocks_after_dangling, calls_a_method, dangling_attributes, earlier_releases,
    guarded_by_a_flag, incoming_attribute_site, is_element, is_older_blocks, later_methods,
    reaches,
};
use crate::rules::{RuleMeta, Severity};

pub const USE_AFTER_FREE: RuleMeta = RuleMeta {
    code: "CY006",
    name: "use-after-free",
    severity: Severity::Error,
    summary: "A heap block is read, written, passed on or reallocated after its release.",
    doc: include_str!("../../docs/rules/CY006.md"),
};

/// How a freed block is touched again.
fn describe(graph: &OwnershipGraph<'_>, how: UseHow) -> String {
    match how {
        UseHow::Deref | UseHow::Arithmetic => "read through".to_string(),
        UseHow::Returned => "returned".to_string(),
        UseHow::PassedTo(call) => format!(
            "passed to `{}`",
            graph.function.call(call).callee.display_name()
        ),
    }
}

/// Reports, within each function, every use (or reallocation) of a block some path
/// already released.
pub fn check(graph: &OwnershipGraph<'_>, out: &mut Vec<Diagnostic>) {
    let mut reported: HashSet<Span> = HashSet::new();
    let uses = graph
        .uses
        .iter()
        .filter(|used| used.definite && used.states.contains(SiteStates::FREED))
        .map(|used| {
            (
                used.site,
                used.place,
                used.span,
                used.block,
                describe(graph, used.how),
            )
        });
    let reallocations = graph
        .releases
        .iter()
        .filter(|release| {
            release.reallocating && release.definite && release.before.contains(SiteStates::FREED)
        })
        .map(|release| {
            (
                release.site,
                release.place,
                release.span,
                release.block,
                format!("reallocated by `{}`", release.callee),
            )
        });
    for (site, place, span, block, how) in uses.chain(reallocations) {
        if is_element(graph, place) || is_older_blocks(graph, site) || reported.contains(&span) {
            continue;
        }
        let releases = earlier_releases(graph, site, place, (block, span.start));
        if releases.is_empty() {
            continue;
        }
        reported.insert(span);
        let place = graph.function.place(place);
        out.push(diagnostic(
            graph,
            site,
            &releases,
            span,
            &place.to_string(),
            &how,
        ));
    }
    returned_views_freed(graph, &mut reported, out);
}

/// `try: return <double[:n]>buf` then `finally: free(buf)`: the view the caller gets is
/// over memory freed on the way out. Reported at the release, where the block the
/// returned view holds (`ir::RETURNED_VIEW`) dangles at the return exit. (A release
/// before the `return` is a use of the freed block at the `return`, reported above.)
fn returned_views_freed(
    graph: &OwnershipGraph<'_>,
    reported: &mut HashSet<Span>,
    out: &mut Vec<Diagnostic>,
) {
    let function = graph.function;
    let Some(view) = function
        .places
        .iter()
        .position(|place| place.root == crate::ir::RETURNED_VIEW && place.path.is_empty())
    else {
        return;
    };
    let view = crate::ir::PlaceId(view as u32);
    let returns: Vec<(BlockId, Span)> = function
        .blocks
        .iter()
        .enumerate()
        .flat_map(|(index, block)| {
            block.stmts.iter().filter_map(move |stmt| match stmt {
                Stmt::Assign { target, span, .. } if *target == view => {
                    Some((BlockId(index as u32), *span))
                }
                _ => None,
            })
        })
        .collect();
    let mut dangling: Vec<SiteId> = (0..graph.sites.len())
        .map(|index| SiteId(index as u32))
        .filter(|site| !is_older_blocks(graph, *site))
        .filter(|site| {
            graph
                .leaves
                .iter()
                .any(|leave| leave.returns && leave.state.dangles(view, *site))
        })
        .collect();
    dangling.dedup();
    for site in dangling {
        for release in graph.releases.iter().filter(|release| {
            release.site == site
                && release.definite
                && !release.reallocating
                && !is_element(graph, release.place)
        }) {
            let Some(&(_, returned)) = returns.iter().find(|&&(block, span)| {
                reaches(
                    graph,
                    (block, span.start),
                    (release.block, release.span.start),
                )
            }) else {
                continue;
            };
            if !reported.insert(release.span) {
                continue;
            }
            let place = function.place(release.place);
            let mut related = vec![Related {
                path: None,
                span: returned,
                message: "a view of the block is returned here".to_string(),
            }];
            if let Some(span) = graph.site(site).span {
                related.push(Related {
                    path: None,
                    span,
                    message: "allocated here".to_string(),
                });
            }
            out.push(Diagnostic {
                fix: None,
                rule: &USE_AFTER_FREE,
                message: format!(
                    "`{place}` is freed while the view of it this function returns still uses it"
                ),
                span: release.span,
                label: "freed after a view of it was returned".to_string(),
                help: Some(
                    "return a copy (`np.array(view)`, `bytes(view)`), or hand the block to the view (`arr.callback_free_data = free`) instead of freeing it".to_string(),
                ),
                related,
            });
        }
    }
}

fn diagnostic(
    graph: &OwnershipGraph<'_>,
    site: SiteId,
    releases: &[&ReleaseEvent],
    span: Span,
    place: &str,
    how: &str,
) -> Diagnostic {
    let mut related: Vec<Related> = releases
        .iter()
        .map(|release| Related {
            path: None,
            span: release.span,
            message: format!("freed here by `{}`", release.callee),
        })
        .collect();
    if let Some(span) = graph.site(site).span {
        related.push(Related {
            path: None,
            span,
            message: "allocated here".to_string(),
        });
    }
    Diagnostic {
        fix: None,
        rule: &USE_AFTER_FREE,
        message: format!("`{place}` is {how} after its block was freed"),
        span,
        label: format!("{how} after the release"),
        help: Some(format!(
            "use `{place}` before releasing it, or set it to NULL and test it"
        )),
        related,
    }
}

/// Reports a method that uses an attribute another method (`close()`) freed and left
/// dangling.
pub fn check_classes(analysis: &ModuleAnalysis<'_>, out: &mut Vec<Diagnostic>) {
    let mut reported: HashSet<Span> = HashSet::new();
    for dangling in dangling_attributes(analysis) {
        for later in later_methods(analysis, &dangling) {
            let Some(site) = incoming_attribute_site(later, &dangling.attribute) else {
                continue;
            };
            let reached = blocks_after_dangling(analysis, &dangling, later);
            let skipped = match &reached {
                Some(_) => calls_a_method(later),
                None => guarded_by_a_flag(later, &dangling.attribute),
            };
            if skipped {
                continue;
            }
            let reached_here = |block| {
                reached
                    .as_ref()
                    .is_none_or(|blocks| blocks.contains(&block))
            };
            let used = later
                .uses
                .iter()
                .find(|used| {
                    used.site == site
                        && reached_here(used.block)
                        && !used.states.contains(SiteStates::FREED)
                })
                .map(|used| (used.span, describe(later, used.how)));
            let reallocated = || {
                later
                    .releases
                    .iter()
                    .find(|r| r.site == site && r.reallocating && reached_here(r.block))
                    .map(|r| (r.span, format!("reallocated by `{}`", r.callee)))
            };
            let Some((span, how)) = used.or_else(reallocated) else {
                continue;
            };
            if !reported.insert(span) {
                continue;
            }
            let attribute = &dangling.attribute;
            let first = dangling.method.function.name.as_str();
            let related = dangling.related(later, site, "freed here");
            out.push(Diagnostic {
                fix: None,
                rule: &USE_AFTER_FREE,
                message: format!(
                    "`self.{attribute}` is {how} in `{}` after `{first}()` freed it without setting it to NULL",
                    later.function.name
                ),
                span,
                label: format!("{how} after the release"),
                help: Some(format!(
                    "set `self.{attribute} = NULL` in `{first}()` and test it before use"
                )),
                related,
            });
        }
    }
}
