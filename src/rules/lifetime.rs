//! What the lifetime rules (CY005 double-free, CY006 use-after-free, CY007 memory-leak)
//! share: which release left a block freed where it is touched again, and which attribute
//! a method of an extension type leaves dangling for the others.

use crate::diagnostic::Related;
use crate::ir::{BlockId, Callee, FunctionKind, Projection, Stmt, Terminator};
use crate::ownership::classes::{blocks_holding_entry, dangling_conditions};
use crate::ownership::module::ModuleAnalysis;
use crate::ownership::{OwnershipGraph, ReleaseEvent, SiteId, SiteOrigin, SiteStates, Target};

/// Whether a place is one element of an array of pointers (`ptrs[i]`, `ptrs[0]`, or a
/// field of one): one site there stands for many blocks, so freeing "it" twice is
/// freeing two elements.
pub fn is_element(graph: &OwnershipGraph<'_>, place: crate::ir::PlaceId) -> bool {
    graph
        .function
        .place(place)
        .path
        .iter()
        .any(|step| matches!(step, Projection::Index | Projection::Element(_)))
}

/// Whether a site stands for the blocks an allocation in a loop made on earlier turns
/// (the engine's second site for the same call): its states are those of many blocks, so
/// "freed" there says nothing of the one a place holds now.
pub fn is_older_blocks(graph: &OwnershipGraph<'_>, site: SiteId) -> bool {
    let SiteOrigin::Call(call) = graph.site(site).origin else {
        return false;
    };
    graph.site_of_call(call) != Some(site)
}

/// Which basic blocks control reaches from the entry without a call raising: the
/// return edges of calls are followed, their unwind edges not. A way out of the function
/// from any other block is a path where a call raised (CY008's, not CY007's).
pub fn reached_without_raising(graph: &OwnershipGraph<'_>) -> Vec<bool> {
    let function = graph.function;
    let mut reached = vec![false; function.blocks.len()];
    let mut pending = vec![function.entry];
    while let Some(block) = pending.pop() {
        if std::mem::replace(&mut reached[block.0 as usize], true) {
            continue;
        }
        match &function.block(block).terminator {
            Terminator::Call { return_to, .. } => pending.extend(*return_to),
            terminator => pending.extend(terminator.successors()),
        }
    }
    reached
}

/// Whether control can go from the statement at `from` (in basic block `from_block`) to
/// the one at `to` (in `to_block`).
pub fn reaches(
    graph: &OwnershipGraph<'_>,
    (from_block, from_start): (BlockId, usize),
    (to_block, to_start): (BlockId, usize),
) -> bool {
    if from_block == to_block && from_start < to_start {
        return true;
    }
    let function = graph.function;
    let mut seen = vec![false; function.blocks.len()];
    let mut pending: Vec<BlockId> = function.block(from_block).successors().collect();
    while let Some(block) = pending.pop() {
        if block == to_block {
            return true;
        }
        if std::mem::replace(&mut seen[block.0 as usize], true) {
            continue;
        }
        pending.extend(function.block(block).successors());
    }
    false
}

/// The releases of `site` (not through an array element, not reallocations) from which
/// control reaches the point `(block, start)`: the candidates for "freed here". Sorted
/// by position, deduplicated.
///
/// A release through a place the code compares with `place` (`if vint is not orig_vint:
/// del vint`) is left out: the comparison tells apart what the analysis cannot.
pub fn earlier_releases<'g>(
    graph: &'g OwnershipGraph<'_>,
    site: SiteId,
    place: crate::ir::PlaceId,
    (block, start): (BlockId, usize),
) -> Vec<&'g ReleaseEvent> {
    let mut found: Vec<&ReleaseEvent> = graph
        .releases
        .iter()
        .filter(|release| {
            release.site == site
                && !release.reallocating
                && !is_element(graph, release.place)
                && !graph.function.compares(release.place, place)
                && reaches(graph, (release.block, release.span.start), (block, start))
        })
        .collect();
    found.sort_by_key(|release| release.span);
    found.dedup_by_key(|release| release.span);
    found
}

/// An attribute a method of an extension type frees and leaves pointing at the freed
/// block on some way out: any method that runs after it sees a dangling pointer.
pub struct DanglingAttribute<'g, 'a> {
    pub method: &'g OwnershipGraph<'a>,
    /// `buf` for `self.buf`.
    pub attribute: String,
    /// The release that leaves it dangling.
    pub release: &'g ReleaseEvent,
}

impl DanglingAttribute<'_, '_> {
    /// The labels of a diagnostic about `site` in a later method: where this method
    /// released it (`released`, e.g. "first released here"), and where it was allocated.
    pub fn related(
        &self,
        later: &OwnershipGraph<'_>,
        site: SiteId,
        released: &str,
    ) -> Vec<Related> {
        let mut related = vec![Related {
            path: None,
            span: self.release.span,
            message: format!(
                "{released} by `{}` in `{}()`, which leaves `self.{}` pointing at it",
                self.release.callee, self.method.function.name, self.attribute
            ),
        }];
        if let Some(span) = later.site(site).span {
            related.push(Related {
                path: None,
                span,
                message: "allocated here".to_string(),
            });
        }
        related
    }
}

/// Methods Python code can call while the object lives (`close()`), that free an
/// attribute and return with it still pointing at the freed block.
///
/// A `cdef` helper is left out (it may run only from `__dealloc__`; the `def` method that
/// calls it shows the same release through its summary), and so is a method that calls
/// another method or hands `self` to a function after the release: either may set the
/// attribute to NULL where this analysis cannot see.
pub fn dangling_attributes<'g, 'a>(
    analysis: &'g ModuleAnalysis<'a>,
) -> Vec<DanglingAttribute<'g, 'a>> {
    let mut found: Vec<DanglingAttribute<'g, 'a>> = Vec::new();
    for graph in &analysis.graphs {
        let function = graph.function;
        if function.class.is_none()
            || !matches!(function.kind, FunctionKind::Def | FunctionKind::Cpdef)
            || matches!(
                function.name.as_str(),
                "__dealloc__" | "__del__" | "__cinit__" | "__init__"
            )
            || calls_out_with_self(graph)
        {
            continue;
        }
        found.extend(
            left_dangling(graph)
                .into_iter()
                .map(|(attribute, release)| DanglingAttribute {
                    method: graph,
                    attribute,
                    release,
                }),
        );
    }
    found
}

/// The attributes a method frees and returns (or raises) with still pointing at the freed
/// block, each with the release that leaves it so, in the order the exits show them.
pub fn left_dangling<'g>(graph: &'g OwnershipGraph<'_>) -> Vec<(String, &'g ReleaseEvent)> {
    let function = graph.function;
    let mut found: Vec<(String, &'g ReleaseEvent)> = Vec::new();
    for exit in &graph.exits {
        for (place_id, targets) in exit.points() {
            let place = function.place(place_id);
            let Some(attribute) = place.self_attribute() else {
                continue;
            };
            for target in targets {
                let Target::Site(site) = target else {
                    continue;
                };
                if !exit.site(*site).contains(SiteStates::FREED) || !exit.dangles(place_id, *site) {
                    continue;
                }
                // The exit joins paths: `if self.buf != NULL: free(self.buf);
                // self.buf = NULL` shows the attribute holding the block (NULL on one
                // path) and the block freed (on the other). A release followed by
                // any store into the attribute is taken as resetting it.
                let release = graph.releases.iter().find(|release| {
                    release.site == *site
                        && !release.reallocating
                        && !stored_after(graph, place_id, release)
                });
                let Some(release) = release else { continue };
                if !found.iter().any(|(known, _)| known == attribute) {
                    found.push((attribute.to_string(), release));
                }
            }
        }
    }
    found
}

/// Whether some path from a release stores into `place` (or takes its address).
fn stored_after(
    graph: &OwnershipGraph<'_>,
    place: crate::ir::PlaceId,
    release: &ReleaseEvent,
) -> bool {
    let from = (release.block, release.span.start);
    graph
        .function
        .blocks
        .iter()
        .enumerate()
        .any(|(index, block)| {
            block.stmts.iter().any(|stmt| {
                let at = match stmt {
                    Stmt::Assign { target, span, .. } if *target == place => span.start,
                    Stmt::AddressTaken { place: taken } if *taken == place => usize::MAX,
                    _ => return false,
                };
                reaches(graph, from, (BlockId(index as u32), at))
            })
        })
}

/// Whether a release goes through a method's summary (`self._free()`) rather than a
/// deallocator or a helper function.
pub fn through_a_method(graph: &OwnershipGraph<'_>, release: &ReleaseEvent) -> bool {
    graph
        .function
        .calls
        .iter()
        .any(|call| call.span == release.span && matches!(call.callee, Callee::Method(_)))
}

/// Whether a method calls another method of its class, or passes `self` to a function:
/// either may reset what the method's own statements leave in its attributes.
pub(crate) fn calls_out_with_self(graph: &OwnershipGraph<'_>) -> bool {
    let function = graph.function;
    let self_place = function.place_id(&crate::ir::Place::local("self"));
    function.calls.iter().any(|call| {
        matches!(call.callee, Callee::Method(_))
            || call
                .args
                .iter()
                .any(|arg| matches!(arg, crate::ir::Value::Place(p) if Some(*p) == self_place))
    })
}

/// The methods that may run after `dangling.method` on the same object and find its
/// attribute dangling: the other methods of its class and of the classes related to it
/// by inheritance in this file, except the constructors (they run first). `__dealloc__`
/// always runs last.
pub fn later_methods<'g, 'a>(
    analysis: &'g ModuleAnalysis<'a>,
    dangling: &DanglingAttribute<'g, 'a>,
) -> Vec<&'g OwnershipGraph<'a>> {
    let Some(class) = dangling.method.function.class.as_deref() else {
        return Vec::new();
    };
    analysis
        .graphs
        .iter()
        .filter(|graph| {
            let function = graph.function;
            let Some(other) = function.class.as_deref() else {
                return false;
            };
            let related = other == class
                || analysis
                    .module
                    .class_chain(other)
                    .iter()
                    .any(|c| c.name == class)
                || analysis
                    .module
                    .class_chain(class)
                    .iter()
                    .any(|c| c.name == other);
            related
                && function.name != dangling.method.function.name
                && !matches!(function.name.as_str(), "__cinit__" | "__init__")
        })
        .collect()
}

/// Where in `later` the attribute may still hold the block `dangling.method` freed: the
/// basic blocks some path enters from the flags that method leaves where the attribute
/// dangles (and that the methods run in between set), without passing a test those flags
/// contradict (`if self.kind == 1:` after `self.kind = 0`, `if self.size > 0:` after
/// `self.size = 0`) or a truth test of a flag they do not know (`if self.owner:`).
/// `None` when the flags cannot be followed (too many paths, a release the paths do not
/// see); `guarded_by_a_flag` then decides as before.
pub fn blocks_after_dangling(
    analysis: &ModuleAnalysis<'_>,
    dangling: &DanglingAttribute<'_, '_>,
    later: &OwnershipGraph<'_>,
) -> Option<std::collections::HashSet<BlockId>> {
    let class = dangling.method.function.class.as_deref()?;
    let conditions = dangling_conditions(
        class,
        &dangling.attribute,
        dangling.method,
        &analysis.graphs,
    )?;
    // A related class's method names the same attributes on its own `self`.
    let later_class = later.function.class.as_deref()?;
    blocks_holding_entry(later_class, &dangling.attribute, later, &conditions)
}

/// Whether a method calls another method of its class: what that one does to the flags
/// and the attribute is not followed.
pub fn calls_a_method(graph: &OwnershipGraph<'_>) -> bool {
    graph
        .function
        .calls
        .iter()
        .any(|call| matches!(call.callee, Callee::Method(_)))
}

/// Whether a method tests, for its truth, an attribute other than `attribute`
/// (`if self.closed: raise ValueError(...)`, `if self.owner: free(self.buf)`), or calls
/// another method (which may do the same): a flag that may say the block is gone.
pub fn guarded_by_a_flag(graph: &OwnershipGraph<'_>, attribute: &str) -> bool {
    let function = graph.function;
    let tests_a_flag =
        function
            .blocks
            .iter()
            .flat_map(|block| &block.stmts)
            .any(|stmt| match stmt {
                Stmt::Assume {
                    place,
                    against_null: false,
                    ..
                } => function
                    .place(*place)
                    .self_attribute()
                    .is_some_and(|tested| tested != attribute),
                _ => false,
            });
    tests_a_flag || calls_a_method(graph)
}

/// The site `self.attribute` holds when the method starts, if the method tracks it.
pub fn incoming_attribute_site(graph: &OwnershipGraph<'_>, attribute: &str) -> Option<SiteId> {
    let site = graph.incoming_site_of(&crate::ir::Place::of_self_attribute(attribute))?;
    matches!(graph.site(site).origin, SiteOrigin::Incoming(_)).then_some(site)
}
