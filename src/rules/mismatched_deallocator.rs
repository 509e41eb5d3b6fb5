#![doc = include_str!("../../docs/rules/CY002.md")]

use std::collections::{HashMap, HashSet};

use crate::diagnostic::{Diagnostic, Related};
use crate::ir::{BlockId, CallbackHolder};
use crate::ownership::classes::{
    blocks_reached_holding_entry, element_attribute, owner_conditions, Flags, OwnedAttribute,
};
use crate::ownership::families::FamilyId;
use crate::ownership::{AttributeOrigin, EscapeHow, OwnershipGraph, SiteId, SiteOrigin};
use crate::rules::{RuleMeta, Severity};

pub const MISMATCHED_DEALLOCATOR: RuleMeta = RuleMeta {
    code: "CY002",
    name: "mismatched-deallocator",
    severity: Severity::Error,
    summary: "A block of one allocator family is released by another family's deallocator.",
    doc: include_str!("../../docs/rules/CY002.md"),
};

/// Reports every release (or reallocation) of a block by a function of another family.
pub fn check(graph: &OwnershipGraph<'_>, out: &mut Vec<Diagnostic>) {
    let mut reported = HashSet::new();
    for release in &graph.releases {
        // Past the budget of followed questions, blocks of two families chosen by
        // opposite answers may look like one place's two (see the field).
        if graph.is_past_budget(release.site) {
            continue;
        }
        let site = graph.site(release.site);
        // A helper whose family depends on its arguments is not guessed at.
        let (Some(site_family), Some(site_span), Some(release_family)) =
            (site.family, site.span, release.family)
        else {
            continue;
        };
        // Keyed by the allocation, not the site: a call in a loop has two.
        if site_family == release_family || !reported.insert((release.span, site_span)) {
            continue;
        }
        let family = graph.families.family(site_family);
        let place = graph.function.place(release.place);
        let (verb, fix) = if release.reallocating {
            let reallocator = family.reallocators.first().map_or("", String::as_str);
            ("reallocated", format!("reallocate it with `{reallocator}`"))
        } else if family.deallocator() == "del" {
            ("released", "delete it with `del`".to_string())
        } else {
            (
                "released",
                format!("release it with `{}`", family.deallocator()),
            )
        };
        out.push(Diagnostic {
            rule: &MISMATCHED_DEALLOCATOR,
            fix: None,
            message: format!(
                "`{place}` holds a block from `{}` ({}) but is {verb} with `{}` ({})",
                site.callee,
                family.name,
                release.callee,
                graph.family_name(release_family)
            ),
            span: release.span,
            label: format!("`{}` does not match `{}`", release.callee, site.callee),
            help: Some(format!(
                "{fix}, the {} family's function that matches `{}`",
                family.name, site.callee
            )),
            related: vec![Related {
                path: None,
                span: site_span,
                message: "allocated here".to_string(),
            }],
        });
    }
    check_callbacks(graph, out);
}

/// A block handed to a function that releases it later with another family's function:
/// a capsule whose destructor frees `PyCapsule_GetPointer(capsule, name)` with `free`
/// while the block came from `PyMem_Malloc`, a Cython array's `callback_free_data = free`
/// for a `PyMem_Malloc` block in its `data`.
fn check_callbacks(graph: &OwnershipGraph<'_>, out: &mut Vec<Diagnostic>) {
    let callbacks = &graph.function.release_callbacks;
    if callbacks.is_empty() {
        return;
    }
    let mut handed: Vec<(crate::ownership::SiteId, usize)> = graph.capsule_handoffs.clone();
    for (index, callback) in callbacks.iter().enumerate() {
        let CallbackHolder::ArrayData(data) = callback.holder else {
            continue;
        };
        handed.extend(
            graph
                .escapes
                .iter()
                .filter(|escape| escape.how == EscapeHow::Stored(data))
                .map(|escape| (escape.site, index)),
        );
    }
    let mut reported = HashSet::new();
    for (site, index) in handed {
        let site = graph.site(site);
        let callback = &callbacks[index];
        let (Some(site_family), Some(site_span), Some(Some((release_family, releaser)))) =
            (site.family, site.span, graph.callback_releases.get(index))
        else {
            continue;
        };
        if site_family == *release_family || !reported.insert((callback.span, site_span)) {
            continue;
        }
        let family = graph.families.family(site_family);
        let name = callback.function.display_name();
        let (handed_to, label) = match callback.holder {
            CallbackHolder::Capsule(_) => (
                format!("is handed to the capsule destructor `{name}`, which releases it"),
                format!("`{name}` releases the capsule's pointer with `{releaser}`, which does not match `{}`", site.callee),
            ),
            CallbackHolder::ArrayData(_) => (
                "is the array's `data`, which its `callback_free_data` releases".to_string(),
                format!("`{name}` does not match `{}`", site.callee),
            ),
        };
        out.push(Diagnostic {
            rule: &MISMATCHED_DEALLOCATOR,
            fix: None,
            message: format!(
                "a block from `{}` ({}) {handed_to} with `{releaser}` ({})",
                site.callee,
                family.name,
                graph.family_name(*release_family)
            ),
            span: callback.span,
            label,
            help: Some(format!(
                "release it with `{}`, the {} family's function that matches `{}`",
                family.deallocator(),
                family.name,
                site.callee
            )),
            related: vec![Related {
                path: None,
                span: site_span,
                message: "allocated here".to_string(),
            }],
        });
    }
}

/// `__cinit__` stores a `malloc` block in `self.data`, `load()` a `PyMem_Malloc` one:
/// the `free(self.data)` of `__dealloc__` (or `__del__`, `close()`, a `_release()` helper)
/// matches only one of them. Each release of what such an attribute holds when a method
/// starts is matched along the flags the instance may hold between calls of its methods
/// (`if self.pymem: PyMem_Free(self.data) else: free(self.data)` is clean where every
/// method that allocates sets `self.pymem` by the family). `__cinit__` is left to the
/// per-function check: the attribute is NULL when it starts.
pub fn check_classes(
    analysis: &crate::ownership::module::ModuleAnalysis<'_>,
    out: &mut Vec<Diagnostic>,
) {
    check_halves(analysis, out);
    for model in &analysis.classes {
        let mixed: Vec<&OwnedAttribute> = model
            .owned
            .iter()
            .filter(|owned| !owned.other_origins.is_empty())
            .collect();
        if mixed.is_empty() {
            continue;
        }
        // Per attribute and family, the flags wherever the attribute owns a block of that
        // family between calls of the class's methods (`None`: too many paths to say,
        // which reports as before flags were followed); the same for every method.
        let mut conditions: HashMap<(usize, FamilyId), Option<Vec<Flags>>> = HashMap::new();
        let methods = analysis
            .methods_of(&model.name)
            .filter(|graph| graph.function.name != "__cinit__");
        for graph in methods {
            let mut reported = HashSet::new();
            for (index, owned) in mixed.iter().enumerate() {
                let incoming = incoming_sites(graph, &owned.attribute);
                // Per family, the basic blocks some path enters holding a block of that
                // family.
                let mut reached: HashMap<FamilyId, Option<HashSet<BlockId>>> = HashMap::new();
                let origins: Vec<(&AttributeOrigin, &str)> =
                    std::iter::once((&owned.origin, owned.method.as_str()))
                        .chain(owned.other_origins.iter().map(|(o, m)| (o, m.as_str())))
                        .collect();
                for release in &graph.releases {
                    let Some(release_family) = release.family else {
                        continue;
                    };
                    if !incoming.contains(&release.site) {
                        continue;
                    }
                    // `if self.pymem: PyMem_Free(self.buf) else: free(self.buf)`, where
                    // the methods chose the allocator by the same flag: a family is
                    // mismatched only where the flags let a block of it reach the release.
                    let Some((origin, method)) = origins.iter().copied().find(|(origin, _)| {
                        origin.family != release_family
                            && reached
                                .entry(origin.family)
                                .or_insert_with(|| {
                                    conditions
                                        .entry((index, origin.family))
                                        .or_insert_with(|| {
                                            owner_conditions(
                                                &model.name,
                                                &owned.attribute,
                                                Some(origin.family),
                                                &analysis.graphs,
                                                &|_, _| false,
                                            )
                                        })
                                        .as_ref()
                                        .and_then(|conditions| {
                                            blocks_reached_holding_entry(
                                                &model.name,
                                                &owned.attribute,
                                                graph,
                                                conditions,
                                            )
                                        })
                                })
                                .as_ref()
                                .is_none_or(|blocks| blocks.contains(&release.block))
                    }) else {
                        continue;
                    };
                    if !reported.insert(release.span) {
                        continue;
                    }
                    let family = graph.families.family(origin.family);
                    let verb = if release.reallocating {
                        "reallocated"
                    } else {
                        "released"
                    };
                    out.push(Diagnostic {
                        rule: &MISMATCHED_DEALLOCATOR,
                        fix: None,
                        message: format!(
                            "`{}` may hold a block from `{}` ({}) but is {verb} with `{}` ({})",
                            graph.function.place(release.place),
                            origin.callee,
                            family.name,
                            release.callee,
                            graph.family_name(release_family)
                        ),
                        span: release.span,
                        label: format!("`{}` does not match `{}`", release.callee, origin.callee),
                        help: Some(format!(
                            "allocate `self.{}` with one family everywhere; `{}` stores a `{}` block",
                            owned.attribute, method, origin.callee
                        )),
                        related: vec![Related {
                            path: None,
                            span: origin.span,
                            message: format!("allocated here, in `{method}`"),
                        }],
                    });
                }
            }
        }
    }
}

/// The sites standing for what `attribute` holds when the method starts; for the
/// elements of a pointer array (`rows[]`), those `self.rows[i]` and `self.rows[0]` hold.
fn incoming_sites(graph: &OwnershipGraph<'_>, attribute: &str) -> Vec<SiteId> {
    graph
        .sites
        .iter()
        .enumerate()
        .filter_map(|(index, site)| {
            let SiteOrigin::Incoming(place) = site.origin else {
                return None;
            };
            let place = graph.function.place(place);
            let held = if attribute.ends_with("[]") {
                element_attribute(place)
            } else {
                place.self_attribute_path()
            };
            (held.as_deref() == Some(attribute)).then_some(SiteId(index as u32))
        })
        .collect()
}

/// In a `.pxd`: an attribute an inline method fills from one family while the
/// `__dealloc__` of the class's `.pyx` half releases it with another's function.
fn check_halves(
    analysis: &crate::ownership::module::ModuleAnalysis<'_>,
    out: &mut Vec<Diagnostic>,
) {
    let Some(halves) = &analysis.implementation else {
        return;
    };
    let Some(families) = analysis.families else {
        return;
    };
    for model in &analysis.classes {
        let Some(half) = halves.get(&model.name) else {
            continue;
        };
        for owned in &model.owned {
            let Some((_, family, callee)) = half
                .released_with
                .iter()
                .find(|(attribute, _, _)| *attribute == owned.attribute)
            else {
                continue;
            };
            let allocated = families.family(owned.origin.family);
            if allocated.name == *family {
                continue;
            }
            out.push(Diagnostic {
                rule: &MISMATCHED_DEALLOCATOR,
                fix: None,
                message: format!(
                    "`self.{}` holds a block from `{}` ({}) but the `__dealloc__` of `{}` in its `.pyx` releases it with `{callee}` ({family})",
                    owned.attribute, owned.origin.callee, allocated.name, model.name
                ),
                span: owned.origin.span,
                label: format!("`{callee}` does not match `{}`", owned.origin.callee),
                help: Some(format!(
                    "release it with `{}`, the {} family's function that matches `{}`",
                    allocated.deallocator(),
                    allocated.name,
                    owned.origin.callee
                )),
                related: Vec::new(),
            });
        }
    }
}
