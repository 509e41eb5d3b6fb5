//! The class model: for an extension type (`cdef class`, `@cython.cclass`), which
//! attributes its methods leave holding owned heap blocks, and of which family.

use crate::ir::Class;
use crate::ownership::{AttributeOrigin, OwnershipGraph, SiteOrigin, SiteStates, Target};

/// An attribute that some method leaves holding a block it allocated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OwnedAttribute {
    pub attribute: String,
    pub origin: AttributeOrigin,
    /// The method that stores it (`__cinit__`, `resize`).
    pub method: String,
}

#[derive(Clone, Debug)]
pub struct ClassModel {
    pub name: String,
    pub owned: Vec<OwnedAttribute>,
}

impl ClassModel {
    /// Reads the class's own methods. An attribute is owned when a method returns (or
    /// raises) with it holding a block that method allocated and neither freed nor handed
    /// off; a block stored then handed off and the attribute set to NULL is not owned;
    /// borrowed pointers (`PyBytes_AsString`, a memoryview's data) are never blocks.
    pub fn build(class: &Class, graphs: &[OwnershipGraph<'_>]) -> ClassModel {
        let mut owned: Vec<OwnedAttribute> = Vec::new();
        // Its methods, and any function that fills in a new instance (`cdef W w =
        // W.__new__(W)`, then `w._ptr = malloc(n)`).
        let methods = graphs.iter().filter(|graph| {
            graph.function.class.as_deref() == Some(class.name.as_str())
                || graph.function.instances.values().any(|c| *c == class.name)
        });
        // Each way out on its own: `self.buf = NULL` after a hand-off on one path and the
        // block still in `self.buf` (but NULL) on the raising one own nothing together.
        let exits = methods.flat_map(|graph| graph.exits.iter().map(move |exit| (graph, exit)));
        for (graph, exit) in exits {
            for (place_id, targets) in exit.points() {
                let place = graph.function.place(place_id);
                let receiver = if place.root == "self" {
                    graph.function.class.as_deref()
                } else {
                    graph
                        .function
                        .instances
                        .get(&place.root)
                        .map(String::as_str)
                };
                if receiver != Some(class.name.as_str()) {
                    continue;
                }
                let receiver_place = crate::ir::Place {
                    root: "self".to_string(),
                    path: place.path.clone(),
                };
                let Some(attribute) = receiver_place.self_attribute_path() else {
                    continue;
                };
                for target in targets {
                    let Target::Site(site_id) = target else {
                        continue;
                    };
                    let site = graph.site(*site_id);
                    let (SiteOrigin::Call(_), Some(family), Some(span)) =
                        (site.origin, site.family, site.span)
                    else {
                        continue;
                    };
                    let states = exit.site(*site_id);
                    let live = states.contains(SiteStates::UNCHECKED)
                        || states.contains(SiteStates::NON_NULL);
                    let known = owned.iter().any(|o| o.attribute == attribute);
                    let attribute = attribute.as_str();
                    if live && !known {
                        owned.push(OwnedAttribute {
                            attribute: attribute.to_string(),
                            origin: AttributeOrigin {
                                family,
                                callee: site.callee.clone(),
                                span,
                            },
                            method: graph.function.name.clone(),
                        });
                    }
                }
            }
        }
        owned.sort_by_key(|o| o.origin.span);
        ClassModel {
            name: class.name.clone(),
            owned,
        }
    }
}
