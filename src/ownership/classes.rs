//! The class model: for an extension type (`cdef class`, `@cython.cclass`), which
//! attributes its methods leave holding owned heap blocks, and of which family.

use std::collections::HashSet;

use crate::ir::{Class, PlaceId};
use crate::ownership::{
    AllocationSite, AttributeOrigin, ExitState, OwnershipGraph, SiteOrigin, SiteStates, Target,
    Targets,
};

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
        // The first way out (in order) where an attribute holds a live block says where
        // it comes from. The join of all ways out holds at least what each does, so a
        // place that holds no live block there is never looked at again, nor one whose
        // attribute is known: each way out costs a pass over its places and no more.
        let mut known: HashSet<String> = HashSet::new();
        for graph in methods {
            let Some(joined) = &graph.exit else { continue };
            let places = graph.function.places.len();
            let mut attributes: Vec<Option<String>> = vec![None; places];
            for (place_id, targets) in joined.points() {
                if live_sites(graph, joined, targets).next().is_some() {
                    attributes[place_id.0 as usize] = attribute_of(graph, &class.name, place_id);
                }
            }
            for exit in &graph.exits {
                for (place_id, targets) in exit.points() {
                    let slot = &mut attributes[place_id.0 as usize];
                    let Some(attribute) = slot.as_ref() else {
                        continue;
                    };
                    if known.contains(attribute) {
                        *slot = None;
                        continue;
                    }
                    let Some(site) = live_sites(graph, exit, targets).next() else {
                        continue;
                    };
                    let (Some(family), Some(span)) = (site.family, site.span) else {
                        continue;
                    };
                    let attribute = slot.take().expect("checked above");
                    known.insert(attribute.clone());
                    owned.push(OwnedAttribute {
                        attribute,
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
        owned.sort_by_key(|o| o.origin.span);
        ClassModel {
            name: class.name.clone(),
            owned,
        }
    }
}

/// The attribute of an instance of `class` a place is (`data` for `self.data` in a method,
/// or for `w.data` where `w` is a new instance of the class).
fn attribute_of(graph: &OwnershipGraph<'_>, class: &str, place: PlaceId) -> Option<String> {
    let place = graph.function.place(place);
    let receiver = if place.root == "self" {
        graph.function.class.as_deref()
    } else {
        graph
            .function
            .instances
            .get(&place.root)
            .map(String::as_str)
    };
    if receiver != Some(class) {
        return None;
    }
    let receiver_place = crate::ir::Place {
        root: "self".to_string(),
        path: place.path.clone(),
    };
    receiver_place.self_attribute_path()
}

/// The blocks among `targets` that this function allocated (of a known family, at a known
/// call) and that may still be live (not freed, not handed off) in `state`.
fn live_sites<'g>(
    graph: &'g OwnershipGraph<'_>,
    state: &'g ExitState,
    targets: &'g Targets,
) -> impl Iterator<Item = &'g AllocationSite> + 'g {
    targets.iter().filter_map(move |target| {
        let Target::Site(site_id) = target else {
            return None;
        };
        let site = graph.site(*site_id);
        let (SiteOrigin::Call(_), Some(_), Some(_)) = (site.origin, site.family, site.span) else {
            return None;
        };
        let states = state.site(*site_id);
        let live = states.contains(SiteStates::UNCHECKED) || states.contains(SiteStates::NON_NULL);
        live.then_some(site)
    })
}
