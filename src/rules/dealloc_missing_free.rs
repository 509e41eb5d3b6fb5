#![doc = include_str!("../../docs/rules/CY004.md")]

use std::collections::HashMap;

use crate::diagnostic::{Diagnostic, Related};
use crate::ir::{Callee, Place};
use crate::ownership::buffers::{self, ExportedBlock};
use crate::ownership::classes::{dealloc_leak_path, owner_conditions, Flags};
use crate::ownership::module::ModuleAnalysis;
use crate::ownership::summary::{ClassExport, Summary};
use crate::ownership::{EscapeHow, OwnershipGraph, ReleaseEvent, SiteId, SiteStates, UseHow};
use crate::rules::{RuleMeta, Severity};

pub const DEALLOC_MISSING_FREE: RuleMeta = RuleMeta {
    code: "CY004",
    name: "dealloc-missing-free",
    severity: Severity::Warning,
    summary: "A cdef class attribute receives owned heap memory that __dealloc__ does not free.",
    doc: include_str!("../../docs/rules/CY004.md"),
};

pub fn check(analysis: &ModuleAnalysis<'_>, out: &mut Vec<Diagnostic>) {
    check_buffers(analysis, out);
    for model in &analysis.classes {
        let Some(class) = analysis.module.class(&model.name) else {
            continue;
        };
        let deallocs = finalizers(analysis, &model.name);
        let chain = analysis.class_chain(&model.name);
        // A base class from another module (`from .base cimport Base`) may declare the
        // attribute and free it in its own `__dealloc__`, which Cython calls after the
        // subclass's: what this file cannot see, it does not report.
        let external_base = has_external_base(analysis, &model.name);
        // Known when the base's module is in the linted tree and its own bases are too.
        let known_base = analysis
            .external_bases
            .get(&model.name)
            .filter(|export| !export.opaque);
        // A class declared in a `.pxd` (attributes, inline factories) has its
        // `__dealloc__` in the `.pyx`: the other half says what it frees, and a `.pxd`
        // whose `.pyx` is not known says nothing.
        let implementation = match &analysis.implementation {
            Some(halves) if deallocs.is_empty() => match halves.get(&model.name) {
                Some(half) if !half.opaque => Some(half),
                _ => continue,
            },
            _ => None,
        };
        // The attributes the class and its bases declare, collected once (not searched
        // for each owned attribute: a class with N attributes made that N²).
        let declared: std::collections::HashSet<&str> = chain
            .iter()
            .flat_map(|declared| declared.attributes.iter().map(|(name, _)| name.as_str()))
            .collect();
        // The elements of a pointer array (`rows[]`) are followed for their family only.
        for owned in model.owned.iter().filter(|o| !o.attribute.ends_with("[]")) {
            let field = owned.attribute.split('.').next().unwrap_or_default();
            let declared_here = declared.contains(field);
            // Released by the `.pyx`'s `__dealloc__`, or by a method of this half it calls
            // (one neither half defines may come from a base in another module).
            let released_by_half = implementation.is_some_and(|half| {
                half.released.iter().any(|name| name == field)
                    || half.delegates.iter().any(|name| {
                        let methods = analysis.methods_named(&model.name, name);
                        (methods.is_empty() && external_base)
                            || methods
                                .iter()
                                .any(|method| handles(method, &owned.attribute, true))
                    })
            });
            if released_by_half {
                continue;
            }
            match known_base {
                Some(base) if base.released.iter().any(|name| name == field) => continue,
                None if external_base && !declared_here => continue,
                _ => {}
            }
            // A view of a block another attribute owns (`self.last`, `self.supp_data =
            // self.vra`): freeing the owner frees it, and it is reported once, at the owner.
            let released_by = |attribute: &str| {
                deallocs
                    .iter()
                    .any(|dealloc| releases(analysis, dealloc, attribute, false))
            };
            if owned.views_of.iter().any(|owner| released_by(owner)) {
                continue;
            }
            if !owned.direct
                && model
                    .owned
                    .iter()
                    .any(|other| other.direct && other.origin.span == owned.origin.span)
            {
                continue;
            }
            if released_by(&owned.attribute) || pinned_while_owning(analysis, model, owned) {
                continue;
            }
            let own_dealloc = deallocs
                .iter()
                .find(|graph| graph.function.class.as_deref() == Some(model.name.as_str()));
            // The paths of `__dealloc__` its flags allow where the attribute owns a block
            // (`if self.kind == 1: free(self.big)`); past what the evaluation can follow,
            // a guard on another attribute is trusted.
            let leak_path = own_dealloc.or(deallocs.first()).and_then(|dealloc| {
                // A method releases it on every path the flags at the call allow
                // (`self._clear()` freeing by `self.kind`).
                let releases_under = |method: &OwnershipGraph<'_>, flags: &Flags| {
                    !flags.is_empty()
                        && dealloc_leak_path(
                            method,
                            &model.name,
                            &owned.attribute,
                            std::slice::from_ref(flags),
                            &|_, _| false,
                        ) == Some(None)
                };
                let method_releases = |name: &str, flags: &Flags| {
                    analysis
                        .methods_named(&model.name, name)
                        .first()
                        .is_some_and(|method| {
                            handles(method, &owned.attribute, true) || releases_under(method, flags)
                        })
                };
                // Where it is allocated, a method frees it only if it does on every path
                // (the flags allow): handing it to a function is no release there.
                let method_frees = |name: &str, flags: &Flags| {
                    analysis
                        .methods_named(&model.name, name)
                        .first()
                        .is_some_and(|method| {
                            frees(method, &owned.attribute) || releases_under(method, flags)
                        })
                };
                let conditions = owner_conditions(
                    &model.name,
                    &owned.attribute,
                    None,
                    &analysis.graphs,
                    &method_frees,
                )?;
                dealloc_leak_path(
                    dealloc,
                    &model.name,
                    &owned.attribute,
                    &conditions,
                    &method_releases,
                )
            });
            let guards = match leak_path {
                Some(None) => continue,
                Some(Some(guards)) => guards,
                None => {
                    if deallocs
                        .iter()
                        .any(|dealloc| releases(analysis, dealloc, &owned.attribute, true))
                    {
                        continue;
                    }
                    Vec::new()
                }
            };
            let (message, related) = match own_dealloc.or(deallocs.first()) {
                Some(dealloc) => (
                    format!(
                        "`self.{}` receives a block from `{}` but `__dealloc__` does not free it on every path",
                        owned.attribute, owned.origin.callee
                    ),
                    Related {
                        path: None,
                        span: dealloc.function.name_span,
                        message: if guards.is_empty() {
                            format!("`self.{}` is not freed here", owned.attribute)
                        } else {
                            format!(
                                "`self.{}` is not freed when {}",
                                owned.attribute,
                                guards.join(" and ")
                            )
                        },
                    },
                ),
                None if implementation.is_some_and(|half| half.finalizes) => (
                    format!(
                        "`self.{}` receives a block from `{}` but the `__dealloc__` of `{}` in its implementation file does not free it",
                        owned.attribute, owned.origin.callee, model.name
                    ),
                    Related {
                        path: None,
                        span: class.name_span,
                        message: "declared here; its `__dealloc__` is in the `.pyx`".to_string(),
                    },
                ),
                None if known_base.is_some() => (
                    format!(
                        "`self.{}` receives a block from `{}` but the `__dealloc__` of `{}`'s base class does not free it",
                        owned.attribute, owned.origin.callee, model.name
                    ),
                    Related {
                        path: None,
                        span: class.name_span,
                        message: "this class has no `__dealloc__` of its own".to_string(),
                    },
                ),
                None => (
                    format!(
                        "`self.{}` receives a block from `{}` but `{}` has no `__dealloc__` to free it",
                        owned.attribute, owned.origin.callee, model.name
                    ),
                    Related {
                        path: None,
                        span: class.name_span,
                        message: "this class has no `__dealloc__`".to_string(),
                    },
                ),
            };
            let family = analysis.families.map(|families| {
                families
                    .family(owned.origin.family)
                    .deallocator()
                    .to_string()
            });
            out.push(Diagnostic {
                rule: &DEALLOC_MISSING_FREE,
                fix: None,
                message,
                span: owned.origin.span,
                label: format!("stored in `self.{}` by `{}`", owned.attribute, owned.method),
                help: Some(format!(
                    "free it in `__dealloc__`: `{}(self.{})`",
                    family.unwrap_or_default(),
                    owned.attribute
                )),
                related: vec![related],
            });
        }
    }
}

/// The buffer protocol's half of the rule: a block `__getbuffer__` leaves in the fields of
/// the buffer it fills in (`buffer.shape = shape`) that no `__releasebuffer__` of the
/// class frees on every path leaks once per export.
fn check_buffers(analysis: &ModuleAnalysis<'_>, out: &mut Vec<Diagnostic>) {
    let mut classes: Vec<(&String, &Vec<ExportedBlock>)> = analysis.buffers.iter().collect();
    classes.sort_by_key(|(name, _)| *name);
    for (class_name, blocks) in classes {
        let Some(class) = analysis
            .module
            .class(class_name)
            .filter(|class| class.is_extension_type)
        else {
            continue;
        };
        let release = analysis
            .methods_named(class_name, "__releasebuffer__")
            .first()
            .copied();
        // A base from another module may have the `__releasebuffer__`.
        if release.is_none() && has_external_base(analysis, class_name) {
            continue;
        }
        for block in blocks {
            if release.is_some_and(|release| releases_buffer_block(release, block)) {
                continue;
            }
            let field = &block.fields[0];
            let exported = format!("{}.{field}", block.parameter);
            let (message, related) = match release {
                Some(release) => {
                    let parameter = buffers::buffer_parameter(release.function)
                        .unwrap_or(block.parameter.as_str());
                    (
                        format!(
                            "`{exported}` receives a block from `{}` in `__getbuffer__` but `__releasebuffer__` does not free it",
                            block.origin.callee
                        ),
                        Related {
                            path: None,
                            span: release.function.name_span,
                            message: format!("`{parameter}.{field}` is not freed here"),
                        },
                    )
                }
                None => (
                    format!(
                        "`{exported}` receives a block from `{}` in `__getbuffer__` but `{class_name}` has no `__releasebuffer__` to free it",
                        block.origin.callee
                    ),
                    Related {
                        path: None,
                        span: class.name_span,
                        message: "this class has no `__releasebuffer__`".to_string(),
                    },
                ),
            };
            let deallocator = analysis
                .families
                .map(|families| {
                    families
                        .family(block.origin.family)
                        .deallocator()
                        .to_string()
                })
                .unwrap_or_default();
            out.push(Diagnostic {
                rule: &DEALLOC_MISSING_FREE,
                fix: None,
                message,
                span: block.origin.span,
                label: format!("stored in `{exported}` by `__getbuffer__`"),
                help: Some(format!(
                    "free it in `__releasebuffer__`, which runs when the consumer releases the buffer: `{deallocator}(buffer.{field})`"
                )),
                related: vec![related],
            });
        }
    }
}

/// Whether a `__releasebuffer__` frees (or hands off) the block on some path, through any
/// of the buffer's fields that hold it, or gives the buffer itself to a function (a
/// release helper, `PyBuffer_Release`): what that does is trusted. On some path, not
/// every one: a guard (`if buffer.ndim > 1: free(buffer.shape)`) may well repeat the one
/// under which `__getbuffer__` allocated, which is not followed from one to the other.
fn releases_buffer_block(release: &OwnershipGraph<'_>, block: &ExportedBlock) -> bool {
    let function = release.function;
    let Some(parameter) = buffers::buffer_parameter(function) else {
        return true;
    };
    let buffer = Place::local(parameter);
    let passes_the_buffer = function.calls.iter().any(|call| {
        call.args.iter().any(
            |arg| matches!(arg, crate::ir::Value::Place(place) if *function.place(*place) == buffer),
        )
    });
    if passes_the_buffer {
        return true;
    }
    block.fields.iter().any(|field| {
        let mut place = buffer.clone();
        place.path.push(crate::ir::Projection::Field(field.clone()));
        let Some(site) = release.incoming_site_of(&place) else {
            return false;
        };
        release
            .releases
            .iter()
            .any(|r| r.site == site && !r.reallocating)
            || release
                .uses
                .iter()
                .any(|u| u.site == site && matches!(u.how, UseHow::PassedTo(_)))
            || release
                .escapes
                .iter()
                .any(|e| e.site == site && matches!(e.how, EscapeHow::Stored(_)))
    })
}

/// Whether the chain of bases of `class` leaves this module (`object` aside).
fn has_external_base(analysis: &ModuleAnalysis<'_>, class: &str) -> bool {
    analysis
        .module
        .class_chain(class)
        .last()
        .and_then(|root| root.base.as_deref())
        .is_some_and(|base| base != "object" && analysis.module.class(base).is_none())
}

/// What each extension type of the module tells subclasses in other modules: the
/// attributes its `__dealloc__` (or a base's in this module) frees on every path.
pub fn class_exports(analysis: &ModuleAnalysis<'_>) -> HashMap<String, ClassExport> {
    analysis
        .module
        .classes
        .iter()
        .filter(|class| class.is_extension_type)
        .map(|class| {
            let deallocs = finalizers(analysis, &class.name);
            let mut candidates: Vec<&str> = class
                .attributes
                .iter()
                .map(|(name, _)| name.as_str())
                .chain(class.used_attributes.iter().map(String::as_str))
                .collect();
            candidates.sort_unstable();
            candidates.dedup();
            let released: Vec<String> = candidates
                .into_iter()
                .filter(|attribute| {
                    deallocs
                        .iter()
                        .any(|dealloc| releases(analysis, dealloc, attribute, true))
                })
                .map(str::to_string)
                .collect();
            let mut delegates: Vec<String> = deallocs
                .iter()
                .flat_map(|dealloc| &dealloc.function.calls)
                .filter_map(|call| match &call.callee {
                    Callee::Method(name)
                        if analysis.methods_named(&class.name, name).is_empty() =>
                    {
                        Some(name.clone())
                    }
                    _ => None,
                })
                .collect();
            delegates.sort_unstable();
            delegates.dedup();
            // Its methods' summaries and its bases', nearest first, then those it inherits
            // from another module.
            let mut methods: Vec<(String, Summary)> = Vec::new();
            for declared in analysis.class_chain(&class.name) {
                for graph in analysis.methods_of(&declared.name) {
                    if methods.iter().any(|(name, _)| *name == graph.function.name) {
                        continue;
                    }
                    if let Some(summary) = analysis
                        .summaries
                        .get(Some(&declared.name), &graph.function.name)
                    {
                        methods.push((graph.function.name.clone(), summary.clone()));
                    }
                }
            }
            if let Some(inherited) = analysis.external_bases.get(&class.name) {
                for (name, summary) in &inherited.methods {
                    if methods.iter().all(|(known, _)| known != name) {
                        methods.push((name.clone(), summary.clone()));
                    }
                }
            }
            methods.sort_by(|a, b| a.0.cmp(&b.0));
            // Each finalizer's first release of each block that is not a reallocation,
            // found in one pass (not one per attribute: N attributes and N releases).
            let first_releases: Vec<HashMap<SiteId, &ReleaseEvent>> = deallocs
                .iter()
                .map(|dealloc| {
                    let mut first = HashMap::new();
                    for release in dealloc.releases.iter().filter(|r| !r.reallocating) {
                        first.entry(release.site).or_insert(release);
                    }
                    first
                })
                .collect();
            let released_with = released
                .iter()
                .filter_map(|attribute: &String| {
                    deallocs
                        .iter()
                        .zip(&first_releases)
                        .find_map(|(dealloc, first)| {
                            let site = crate::rules::lifetime::incoming_attribute_site(
                                dealloc, attribute,
                            )?;
                            let release = *first.get(&site)?;
                            Some((
                                attribute.clone(),
                                dealloc.family_name(release.family?).to_string(),
                                release.callee.clone(),
                            ))
                        })
                })
                .collect();
            let export = ClassExport {
                released,
                finalizes: !deallocs.is_empty(),
                released_with,
                delegates,
                methods,
                opaque: has_external_base(analysis, &class.name),
            };
            (class.name.clone(), export)
        })
        .collect()
}

/// Whether a `__dealloc__` frees (or hands off) the block an attribute holds on entry,
/// on every path.
pub fn releases(
    analysis: &ModuleAnalysis<'_>,
    dealloc: &OwnershipGraph<'_>,
    attribute: &str,
    trust_flags: bool,
) -> bool {
    // `ctx_destroy(self.ctx)` may release the fields of a struct it is given.
    let mut enclosing = attribute;
    while let Some((outer, _)) = enclosing.rsplit_once('.') {
        let outer_place = Place::of_self_attribute(outer);
        let address_taken = dealloc
            .function
            .blocks
            .iter()
            .flat_map(|block| &block.stmts)
            .any(|stmt| {
                matches!(stmt, crate::ir::Stmt::AddressTaken { place }
                    if *dealloc.function.place(*place) == outer_place)
            });
        if address_taken || hands_off(dealloc, outer) {
            return true;
        }
        enclosing = outer;
    }
    if handles(dealloc, attribute, trust_flags) {
        return true;
    }
    // A method it calls that touches the attribute in a way its summary cannot say
    // (conditionally, through an unknown function) is given the benefit of the doubt.
    dealloc.function.calls.iter().any(|call| {
        let crate::ir::Callee::Method(name) = &call.callee else {
            return false;
        };
        let Some(class) = dealloc.function.class.as_deref() else {
            return false;
        };
        analysis
            .methods_named(class, name)
            .first()
            .is_some_and(|method| handles(method, attribute, true))
    })
}

/// The methods that run when an instance dies: `__dealloc__`, and `__del__` (Cython 3
/// runs it from `tp_finalize` for extension types), of the class and its bases.
fn finalizers<'g, 'a>(
    analysis: &'g ModuleAnalysis<'a>,
    class: &str,
) -> Vec<&'g OwnershipGraph<'a>> {
    let mut finalizers = analysis.methods_named(class, "__dealloc__");
    finalizers.extend(analysis.methods_named(class, "__del__"));
    finalizers
}

/// Whether the function frees the block the attribute holds on entry, on every path.
fn frees(graph: &OwnershipGraph<'_>, attribute: &str) -> bool {
    let Some(site) = graph.incoming_site_of(&Place::of_self_attribute(attribute)) else {
        return false;
    };
    graph.exit.as_ref().is_some_and(|exit| {
        let states = exit.site(site);
        states.contains(SiteStates::FREED)
            && states
                .without(SiteStates::FREED)
                .without(SiteStates::NULL)
                .is_empty()
    })
}

fn handles(graph: &OwnershipGraph<'_>, attribute: &str, trust_flags: bool) -> bool {
    let Some(site) = graph.incoming_site_of(&Place::of_self_attribute(attribute)) else {
        return released_through_a_copy(graph, attribute);
    };
    let Some(exit) = &graph.exit else {
        // Analyzed but never returns: nothing to say. Not analyzed: it frees nothing.
        return !graph.sites.is_empty();
    };
    let states = exit.site(site);
    let released = states
        .without(SiteStates::FREED)
        .without(SiteStates::NULL)
        .without(SiteStates::ESCAPED)
        .is_empty();
    released
        || hands_off(graph, attribute)
        || (trust_flags && released_under_a_flag(graph, site, attribute))
}

/// `s = self.st` then `free(s.hist)`: a field of the attribute's block handed to a
/// function (or deleted) through a local that copies the enclosing attribute and is never
/// assigned anything else. The analysis follows the block `s` holds, not the fields of
/// it `self.st.hist` names, so the release is found here, and trusted as handling the
/// field like any hand-off in the finalizer.
fn released_through_a_copy(graph: &OwnershipGraph<'_>, attribute: &str) -> bool {
    let Some((outer, field)) = attribute.rsplit_once('.') else {
        return false;
    };
    let function = graph.function;
    let outer_place = Place::of_self_attribute(outer);
    let stmts = || function.blocks.iter().flat_map(|block| &block.stmts);
    let copies: Vec<&str> = stmts()
        .filter_map(|stmt| match stmt {
            crate::ir::Stmt::Assign {
                target,
                value: crate::ir::Value::Place(source),
                ..
            } if *function.place(*source) == outer_place => {
                let target = function.place(*target);
                (target.path.is_empty() && target.root != "self").then_some(target.root.as_str())
            }
            _ => None,
        })
        .filter(|local| {
            let assigned = stmts()
                .filter(|stmt| match stmt {
                    crate::ir::Stmt::Assign { target, .. } => {
                        *function.place(*target) == Place::local(local)
                    }
                    crate::ir::Stmt::AddressTaken { place } => {
                        *function.place(*place) == Place::local(local)
                    }
                    _ => false,
                })
                .count();
            assigned == 1
        })
        .collect();
    let is_field_of_copy = |place: crate::ir::PlaceId| {
        let place = function.place(place);
        copies.contains(&place.root.as_str())
            && matches!(place.path.as_slice(), [crate::ir::Projection::Field(name)] if name == field)
    };
    function.calls.iter().any(|call| {
        call.args
            .iter()
            .any(|arg| matches!(arg, crate::ir::Value::Place(place) if is_field_of_copy(*place)))
    }) || stmts().any(
        |stmt| matches!(stmt, crate::ir::Stmt::Delete { place, .. } if is_field_of_copy(*place)),
    )
}

/// `if self.owns_data: free(self.data)`: the block is released on the paths where another
/// attribute, tested for its truth, says the instance owns it (a comparison of another
/// pointer with NULL is no such flag). Whether that flag is set exactly when the block
/// was allocated is beyond a path-insensitive analysis, so the guard is trusted.
fn released_under_a_flag(
    graph: &OwnershipGraph<'_>,
    site: crate::ownership::SiteId,
    attribute: &str,
) -> bool {
    let released_somewhere = graph
        .releases
        .iter()
        .any(|r| r.site == site && !r.reallocating);
    let tests_another_attribute = graph
        .function
        .blocks
        .iter()
        .flat_map(|block| &block.stmts)
        .any(|stmt| match stmt {
            crate::ir::Stmt::Assume {
                place,
                against_null: false,
                ..
            } => graph
                .function
                .place(*place)
                .self_attribute()
                .is_some_and(|tested| tested != attribute),
            _ => false,
        });
    released_somewhere && tests_another_attribute
}

/// Whether the function gives the attribute's entry block to an unknown function or
/// stores it elsewhere.
fn hands_off(graph: &OwnershipGraph<'_>, attribute: &str) -> bool {
    let Some(site) = graph.incoming_site_of(&Place::of_self_attribute(attribute)) else {
        return false;
    };
    graph
        .uses
        .iter()
        .any(|u| u.site == site && matches!(u.how, UseHow::PassedTo(_)))
        || graph
            .escapes
            .iter()
            .any(|e| e.site == site && matches!(e.how, EscapeHow::Stored(_)))
}

/// `Py_INCREF(self)` where the block is stored, and a method that frees it and calls
/// `Py_DECREF(self)`: the instance keeps itself alive while it owns the block, so it
/// cannot die owning it.
fn pinned_while_owning(
    analysis: &ModuleAnalysis<'_>,
    model: &crate::ownership::classes::ClassModel,
    owned: &crate::ownership::classes::OwnedAttribute,
) -> bool {
    let refcount_of_self = |graph: &OwnershipGraph<'_>, name: &str| {
        graph.function.calls.iter().any(|call| {
            let callee = match &call.callee {
                crate::ir::Callee::External { name, .. } | crate::ir::Callee::Unbound(name) => {
                    name.as_str()
                }
                _ => return false,
            };
            callee == name
                && matches!(call.args.as_slice(), [crate::ir::Value::Place(place)]
                    if *graph.function.place(*place) == Place::local("self"))
        })
    };
    let methods: Vec<&OwnershipGraph<'_>> = analysis
        .graphs
        .iter()
        .filter(|graph| graph.function.class.as_deref() == Some(model.name.as_str()))
        .collect();
    let pins = methods
        .iter()
        .any(|graph| graph.function.name == owned.method && refcount_of_self(graph, "Py_INCREF"));
    let attribute = Place::of_self_attribute(&owned.attribute);
    let unpins = methods.iter().any(|graph| {
        refcount_of_self(graph, "Py_DECREF")
            && graph.releases.iter().any(|release| {
                !release.reallocating && *graph.function.place(release.place) == attribute
            })
    });
    pins && unpins
}
