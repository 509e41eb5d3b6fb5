#![doc = include_str!("../../docs/rules/CY005.md")]

use std::collections::HashSet;

use crate::diagnostic::{Diagnostic, Related, Span};
use crate::ownership::classes::{blocks_holding_entry, dangling_ends, ends_holding_entry};
use crate::ownership::module::ModuleAnalysis;
use crate::ownership::{OwnershipGraph, ReleaseEvent, SiteStates};
use crate::rules::lifetime::{
    blocks_after_dangling, calls_a_method, calls_out_with_self, dangling_attributes,
    earlier_releases, guarded_by_a_flag, incoming_attribute_site, is_element, is_older_blocks,
    later_methods, left_dangling, through_a_method,
};
use crate::rules::{RuleMeta, Severity};

pub const DOUBLE_FREE: RuleMeta = RuleMeta {
    code: "CY005",
    name: "double-free",
    severity: Severity::Error,
    summary: "A heap block is released twice on some path, through any alias or across methods.",
    doc: include_str!("../../docs/rules/CY005.md"),
};

/// Reports, within each function, every release of a block some path already released.
pub fn check(graph: &OwnershipGraph<'_>, out: &mut Vec<Diagnostic>) {
    let mut reported: HashSet<Span> = HashSet::new();
    for release in &graph.releases {
        // Past the budget of followed questions, two releases under opposite answers may
        // look like two on one path (see the field).
        if release.reallocating
            || graph.is_past_budget(release.site)
            || !release.definite
            || !release.before.contains(SiteStates::FREED)
            || is_element(graph, release.place)
            || is_older_blocks(graph, release.site)
            || reported.contains(&release.span)
        {
            continue;
        }
        let firsts = earlier_releases(
            graph,
            release.site,
            release.place,
            (release.block, release.span.start),
        );
        let Some(first) = firsts.first() else {
            continue;
        };
        reported.insert(release.span);
        let place = graph.function.place(release.place);
        let site = graph.site(release.site);
        let mut related: Vec<Related> = firsts
            .iter()
            .map(|earlier| Related {
                path: None,
                span: earlier.span,
                message: if earlier.span == release.span {
                    "first released here, on an earlier loop turn".to_string()
                } else {
                    format!("first released here by `{}`", earlier.callee)
                },
            })
            .collect();
        if let Some(span) = site.span {
            related.push(Related {
                path: None,
                span,
                message: "allocated here".to_string(),
            });
        }
        out.push(Diagnostic {
            fix: None,
            rule: &DOUBLE_FREE,
            message: format!(
                "`{place}` is released twice: `{}` frees a block `{}` already freed",
                release.callee, first.callee
            ),
            span: release.span,
            label: "released again here".to_string(),
            help: Some(format!(
                "set `{place} = NULL` after the first release, or release it on one path only"
            )),
            related,
        });
    }
}

/// Reports a method that frees an attribute another method (`close()`) already freed and
/// left dangling: a double free when both run, `close()` then the object dies.
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
            let again = later.releases.iter().find(|release| {
                release.site == site
                    && reached_here(release.block)
                    && !release.reallocating
                    && !through_a_method(later, release)
                    && !release.before.contains(SiteStates::FREED)
            });
            let Some(again) = again else { continue };
            if !reported.insert(again.span) {
                continue;
            }
            let attribute = &dangling.attribute;
            let first = dangling.method.function.name.as_str();
            let related = dangling.related(later, site, "first released here");
            out.push(Diagnostic {
                fix: None,
                rule: &DOUBLE_FREE,
                message: format!(
                    "`self.{attribute}` is released twice when `{first}()` runs before `{}`: `{first}()` frees it without setting it to NULL",
                    later.function.name
                ),
                span: again.span,
                label: "released again here".to_string(),
                help: Some(format!(
                    "set `self.{attribute} = NULL` in `{first}()` after releasing it"
                )),
                related,
            });
        }
    }
}

/// Reports a subclass's `__dealloc__` that frees an attribute and leaves it pointing at
/// the freed block, when the `__dealloc__` of a base class frees it again: Cython runs the
/// subclass's, then each base's in turn up the chain, on every instance of the subclass.
///
/// The bases in this module that have a `__dealloc__` are followed nearest first (a base
/// from another module is not seen): the flags the subclass's leaves where the attribute
/// dangles flow through each intermediate `__dealloc__` that leaves the attribute alone,
/// and stop at one that stores into it (`self.buf = NULL`) or calls out with `self` (it
/// may reset it). A subclass `__dealloc__` that calls a method or hands `self` to a
/// function is left out, as `close()` is.
pub fn check_dealloc_chain(analysis: &ModuleAnalysis<'_>, out: &mut Vec<Diagnostic>) {
    let mut reported: HashSet<Span> = HashSet::new();
    for graph in &analysis.graphs {
        let function = graph.function;
        let Some(class) = function.class.as_deref() else {
            continue;
        };
        if function.name != "__dealloc__" || calls_out_with_self(graph) {
            continue;
        }
        let chain = analysis.methods_named(class, "__dealloc__");
        // Without a base `__dealloc__` nothing frees the attribute again: skip the
        // dangling search, which costs a walk per attribute of a wide class.
        let Some((own, bases)) = chain.split_first().filter(|(_, bases)| !bases.is_empty()) else {
            continue;
        };
        if !std::ptr::eq(*own, graph) {
            continue;
        }
        for (attribute, release) in left_dangling(graph) {
            let Some((base, again)) = freed_again_by_a_base(class, &attribute, graph, bases) else {
                continue;
            };
            if !reported.insert(release.span) {
                continue;
            }
            let base_class = base.function.class.as_deref().unwrap_or_default();
            let between: Vec<String> = bases
                .iter()
                .take_while(|&&earlier| !std::ptr::eq(earlier, base))
                .filter_map(|earlier| earlier.function.class.as_deref())
                .map(|name| format!("`{name}.__dealloc__`"))
                .collect();
            let runs_after = if between.is_empty() {
                "which Cython runs next".to_string()
            } else {
                format!(
                    "which Cython runs after {} leaves it in place",
                    between.join(" and ")
                )
            };
            out.push(Diagnostic {
                fix: None,
                rule: &DOUBLE_FREE,
                message: format!(
                    "`self.{attribute}` is released twice: `{class}.__dealloc__` frees it without setting it to NULL, then `{base_class}.__dealloc__`, {runs_after}, frees it again"
                ),
                span: release.span,
                label: "released here, left dangling".to_string(),
                help: Some(format!(
                    "set `self.{attribute} = NULL` after releasing it, or leave releasing it to `{base_class}.__dealloc__`"
                )),
                related: vec![Related {
                    path: None,
                    span: again.span,
                    message: format!(
                        "released again here by `{}` in `{base_class}.__dealloc__`, which runs after `{class}.__dealloc__`",
                        again.callee
                    ),
                }],
            });
        }
    }
}

/// The first base `__dealloc__` in `bases` (nearest first, the order Cython runs them
/// after `own`) that frees `attribute` again, still holding the block `own` freed and left
/// it pointing at, with that release.
fn freed_again_by_a_base<'g, 'a>(
    class: &str,
    attribute: &str,
    own: &OwnershipGraph<'a>,
    bases: &[&'g OwnershipGraph<'a>],
) -> Option<(&'g OwnershipGraph<'a>, &'g ReleaseEvent)> {
    // The flags where the attribute dangles on entry to the next `__dealloc__`; `None`
    // when they cannot be followed, and then only the nearest base is looked at.
    let mut conditions = dangling_ends(class, attribute, own);
    for (position, &base) in bases.iter().enumerate() {
        let base_class = base.function.class.as_deref()?;
        if let Some(site) = incoming_attribute_site(base, attribute) {
            let reached = conditions.as_ref().and_then(|conditions| {
                blocks_holding_entry(base_class, attribute, base, conditions)
            });
            let skipped = match &reached {
                Some(_) => calls_a_method(base),
                None => guarded_by_a_flag(base, attribute),
            };
            if !skipped {
                let again = base.releases.iter().find(|again| {
                    again.site == site
                        && reached
                            .as_ref()
                            .is_none_or(|blocks| blocks.contains(&again.block))
                        && !again.reallocating
                        && !through_a_method(base, again)
                        && !again.before.contains(SiteStates::FREED)
                });
                if let Some(again) = again {
                    return Some((base, again));
                }
            }
        }
        // On to the next base only where this one is seen to leave the block in place.
        if position + 1 == bases.len() || calls_out_with_self(base) {
            return None;
        }
        let after = ends_holding_entry(base_class, attribute, base, conditions.as_deref()?)?;
        if after.is_empty() {
            return None;
        }
        conditions = Some(after);
    }
    None
}

/// Reports a finalizer that frees both an attribute that owns a block and another that
/// only ever holds the same block (`self.cursor = self.start`): the block is freed twice.
pub fn check_views(analysis: &ModuleAnalysis<'_>, out: &mut Vec<Diagnostic>) {
    let mut reported: HashSet<Span> = HashSet::new();
    for model in &analysis.classes {
        let finalizers = analysis
            .methods_of(&model.name)
            .filter(|graph| matches!(graph.function.name.as_str(), "__dealloc__" | "__del__"));
        for graph in finalizers {
            for owner in model
                .owned
                .iter()
                .filter(|owned| !owned.attribute.ends_with("[]"))
            {
                for view in &owner.views_of {
                    // A view that some method fills with a block of its own may own it.
                    let owns_too = model
                        .owned
                        .iter()
                        .any(|other| other.attribute == *view && other.direct);
                    if owns_too {
                        continue;
                    }
                    let (Some(owner_site), Some(view_site)) = (
                        incoming_attribute_site(graph, &owner.attribute),
                        incoming_attribute_site(graph, view),
                    ) else {
                        continue;
                    };
                    let freed_everywhere = |site| {
                        graph.exit.as_ref().is_some_and(|exit| {
                            let states = exit.site(site);
                            states.contains(SiteStates::FREED)
                                && states
                                    .without(SiteStates::FREED)
                                    .without(SiteStates::NULL)
                                    .is_empty()
                        })
                    };
                    if !freed_everywhere(owner_site) || !freed_everywhere(view_site) {
                        continue;
                    }
                    let release_of = |site| {
                        graph.releases.iter().find(|release| {
                            release.site == site && !release.reallocating && release.definite
                        })
                    };
                    let (Some(first), Some(second)) =
                        (release_of(owner_site), release_of(view_site))
                    else {
                        continue;
                    };
                    let (first, second) = if first.span.start <= second.span.start {
                        (first, second)
                    } else {
                        (second, first)
                    };
                    if !reported.insert(second.span) {
                        continue;
                    }
                    let again = graph.function.place(second.place);
                    out.push(Diagnostic {
                        fix: None,
                        rule: &DOUBLE_FREE,
                        message: format!(
                            "`self.{view}` holds the block `self.{}` owns (`{}` sets it so): `{}` releases that block twice",
                            owner.attribute, owner.method, graph.function.name
                        ),
                        span: second.span,
                        label: format!("`{again}` released again here"),
                        help: Some(format!(
                            "free the block once, through `self.{}`; `self.{view}` only points into it",
                            owner.attribute
                        )),
                        related: vec![
                            Related {
                                path: None,
                                span: first.span,
                                message: "first released here".to_string(),
                            },
                            Related {
                                path: None,
                                span: owner.origin.span,
                                message: "allocated here".to_string(),
                            },
                        ],
                    });
                }
            }
        }
    }
}
