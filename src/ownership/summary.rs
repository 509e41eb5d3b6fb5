//! Function summaries: what a helper does to blocks, as its callers see it.
//!
//! A helper that returns a fresh allocation is an allocator of that family; one that
//! releases a parameter (or a field of it, `self.data`, or the block `pp[0]` holds for a
//! caller's `release(&b)`) on every path is a deallocator of that family. Summaries are computed callees first; a call inside a cycle sees no
//! summary for the function still being analyzed, so recursion terminates.

use std::collections::HashMap;
use std::sync::Arc;

use crate::ir::{CallId, Callee, Projection, Stmt, Terminator, Value};
use crate::ownership::families::FamilyId;
use crate::ownership::raising::{how_call_raises, CallRaises};
use crate::ownership::{
    EscapeHow, LeaveEvent, LeaveHow, OwnershipGraph, SiteId, SiteOrigin, SiteStates, Target,
};

/// A fresh block the function returns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReturnedBlock {
    pub family: FamilyId,
    /// Whether some path returns it unchecked: the caller must check it.
    pub may_be_null: bool,
    /// Fields of it that hold a fresh block of their own wherever it is returned
    /// (`t.data = malloc(...)` in `table_new`), with that block's family: the caller's
    /// `t.data` keeps it.
    pub fields: Vec<(String, FamilyId)>,
    /// The parameter (by position) whose block every returned pointer reallocates
    /// (`t = realloc(p, n); return t`), where every `return` hands back that
    /// reallocation's result or NULL with the parameter's block not released, and no path
    /// raises: a NULL result leaves the caller's block with the caller, as a failed
    /// `realloc` does, so the call is a `realloc` of that argument.
    pub reallocates: Option<usize>,
}

/// A parameter (by position, `self` first for a method), or a field of it, that the
/// function releases on every path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReleasedParameter {
    pub param: usize,
    pub field: Option<String>,
    /// Whether it is the block the parameter points at holds (`free(pp[0])` of a `char**
    /// pp`): a caller's `release(&b)` releases `b`'s block.
    pub slot: bool,
    /// For a slot, whether the function leaves NULL in it where it returns (`pp[0] =
    /// NULL`): the caller's `b` is NULL after the call rather than dangling.
    pub clears_slot: bool,
    /// `None` when its paths release it with different families' functions (`if py_heap:
    /// PyMem_Free(p) else: free(p)`): which one a call uses depends on its arguments, and
    /// CY002 does not guess.
    pub family: Option<FamilyId>,
}

/// A fresh block the function stores through a pointer parameter on every path that
/// returns (`p[0] = tmp` after `tmp = realloc(p[0], n)`): the place whose address the
/// caller passes (`safe_realloc(&self.data, n)`) receives it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutAllocation {
    pub param: usize,
    pub family: FamilyId,
    /// Whether some path stores it unchecked: the caller must check it.
    pub may_be_null: bool,
    /// Whether it is the slot's own block reallocated (`realloc(p[0], n)`): where the
    /// call returns, the block the caller's place held before is released.
    pub reallocates: bool,
    /// Whether no path that raises writes the slot (or lets anything else write it): when
    /// the call raises, the caller's place still holds what it held before.
    pub untouched_when_raising: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub returns: Option<ReturnedBlock>,
    pub out_allocations: Vec<OutAllocation>,
    pub releases: Vec<ReleasedParameter>,
    /// Parameters (by position) the function never reads through while they may be
    /// NULL: passing it an unchecked block is not a use.
    pub tolerates: Vec<usize>,
    /// Parameters (by position) that are not NULL wherever the function returns: it
    /// raises or aborts on NULL, so a call to it is a NULL check of the argument.
    pub checks: Vec<usize>,
    /// Fields of parameters (by position and field name: `self.cells`) that are not NULL
    /// wherever the function returns: `self._require_cells()`, which raises when
    /// `self.cells == NULL`, checks the caller's `self.cells`.
    pub checks_fields: Vec<(usize, String)>,
    /// Every path raises (`cdef void raise_error(int code)`): a call to it never returns.
    pub never_returns: bool,
    /// An exception a caller could act on may leave it: a `raise` statement or an error
    /// return (`return -1` under `except -1`) that no handler catches, a call that never
    /// returns (`PyErr_Format`), or a call whose exception leaves the function uncaught
    /// and is one CY008 counts (a Python call, a helper that raises in turn). A `cdef
    /// int helper(obj) except -1: return obj.compute()` raises; one that only does C
    /// work does not, whatever its exception clause.
    pub raises: bool,
    /// Pointer parameters (by position) the function only reads or writes through: it
    /// keeps no pointer to their block anywhere (returns, stores, passes on to a function
    /// that may keep it, releases, reallocates, takes the address of none) and never tests
    /// them for NULL, so the caller still owns what it passes.
    pub borrows: Vec<usize>,
    /// For a capsule destructor (`cdef void destroy(object capsule) noexcept`): the family
    /// it releases the pointer `PyCapsule_GetPointer` gives back of its first parameter
    /// with, and the releasing function's name, when every such release is of one family.
    pub releases_capsule_pointer: Option<(FamilyId, String)>,
}

impl Summary {
    /// What a graph shows its function does, as far as callers care.
    pub fn of(graph: &OwnershipGraph<'_>) -> Summary {
        let function = graph.function;
        let shared = shared_sites(graph);
        let (out_allocations, out_sites) = out_allocations(graph, &shared);
        let mut returns: Option<ReturnedBlock> = None;
        let mut mixed = returns_borrowed(graph);
        let in_slots = slot_sites(graph);
        for escape in &graph.escapes {
            // `return tmp` after `p[0] = tmp`: the caller's place holds it already (also
            // when some paths store NULL there instead, and the caller frees `*p` after
            // using the pointer it got back: `eigv = coefficients(&buffer); ...;
            // free(buffer)`).
            if escape.how != EscapeHow::Returned
                || out_sites.contains(&escape.site)
                || in_slots[escape.site.0 as usize]
            {
                continue;
            }
            // Kept where it outlives the call as well (`self.buf`, a pool): the caller
            // borrows it.
            if shared[escape.site.0 as usize] {
                mixed = true;
                continue;
            }
            let site = graph.site(escape.site);
            let (SiteOrigin::Call(_), Some(family)) = (site.origin, site.family) else {
                continue;
            };
            // `except NULL`: a NULL return propagates an exception, never reaches the caller.
            let may_be_null = escape.states.contains(SiteStates::UNCHECKED)
                && function.error_value.as_deref() != Some("NULL")
                && !reported_here(graph, escape.site);
            match &mut returns {
                None => {
                    returns = Some(ReturnedBlock {
                        family,
                        may_be_null,
                        fields: returned_fields(graph),
                        reallocates: None,
                    })
                }
                Some(existing) if existing.family == family => {
                    existing.may_be_null |= may_be_null;
                }
                Some(_) => mixed = true,
            }
        }
        if mixed {
            returns = None;
        }
        let borrows = borrowed_parameters(graph);
        if let Some(returned) = &mut returns {
            returned.reallocates = reallocated_parameter(graph, &borrows);
        }
        let mut releases = Vec::new();
        // The family of the releases of each block, not by a reallocation (`Some(None)`:
        // different families on different paths).
        let mut released_as: Vec<Option<Option<FamilyId>>> = vec![None; graph.sites.len()];
        for release in graph
            .releases
            .iter()
            .filter(|release| !release.reallocating)
        {
            let known = &mut released_as[release.site.0 as usize];
            *known = match *known {
                None => Some(release.family),
                Some(family) if family == release.family => Some(family),
                Some(_) => Some(None),
            };
        }
        if let Some(exit) = &graph.exit {
            for (index, site) in graph.sites.iter().enumerate() {
                let SiteOrigin::Incoming(place_id) = site.origin else {
                    continue;
                };
                let states = exit.site(crate::ownership::SiteId(index as u32));
                let freed_everywhere = (states.contains(SiteStates::FREED)
                    && states
                        .without(SiteStates::FREED)
                        .without(SiteStates::NULL)
                        .is_empty())
                    || walks_and_frees(graph, SiteId(index as u32), place_id);
                if !freed_everywhere {
                    continue;
                }
                let Some(family) = released_as[index] else {
                    continue;
                };
                let place = function.place(place_id);
                let Some(param) = function.params.iter().position(|p| *p == place.root) else {
                    continue;
                };
                let (field, slot) = match place.path.as_slice() {
                    [] => (None, false),
                    [Projection::Field(name)] => (Some(name.clone()), false),
                    [Projection::Element(0)] => (None, true),
                    _ => continue,
                };
                // NULL in the slot on every path: stored there after the release, or the
                // block it held on entry and found NULL (`if pp[0] != NULL: free(pp[0]);
                // pp[0] = NULL`). Since the block is freed or NULL wherever the function
                // returns, a slot still holding it without dangling holds NULL.
                let site_id = SiteId(index as u32);
                let clears_slot = slot
                    && graph.returning.as_ref().is_some_and(|returning| {
                        returning.targets(place_id).is_some_and(|targets| {
                            !targets.is_empty()
                                && targets
                                    .iter()
                                    .all(|t| *t == Target::Null || *t == Target::Site(site_id))
                                && !returning.dangles(place_id, site_id)
                        })
                    });
                releases.push(ReleasedParameter {
                    param,
                    field,
                    slot,
                    clears_slot,
                    family,
                });
            }
        }
        let mut tolerates = Vec::new();
        if !graph.sites.is_empty() {
            for (param, name) in function.params.iter().enumerate() {
                let Some(site) = graph.incoming_site_of(&crate::ir::Place::local(name)) else {
                    continue;
                };
                let reads_null = graph.uses.iter().any(|u| {
                    u.site == site
                        && u.how != crate::ownership::UseHow::Returned
                        && u.states.contains(SiteStates::NULL)
                });
                if !reads_null {
                    tolerates.push(param);
                }
            }
        }
        // The block a parameter (or its field) held on entry is checked wherever the
        // function returns normally.
        let checked_on_return = |site| {
            graph
                .returning
                .as_ref()
                .map(|returning| returning.site(site))
                .unwrap_or_default()
                == SiteStates::NON_NULL
        };
        let mut checks = Vec::new();
        for (param, name) in function.params.iter().enumerate() {
            let Some(site) = graph.incoming_site_of(&crate::ir::Place::local(name)) else {
                continue;
            };
            if checked_on_return(site) {
                checks.push(param);
            }
        }
        let mut checks_fields = Vec::new();
        for (param, name) in function.params.iter().enumerate() {
            for (index, place) in function.places.iter().enumerate() {
                let [Projection::Field(field)] = place.path.as_slice() else {
                    continue;
                };
                if place.root != *name {
                    continue;
                }
                let Some(site) = graph.incoming_site(crate::ir::PlaceId(index as u32)) else {
                    continue;
                };
                if checked_on_return(site) {
                    checks_fields.push((param, field.clone()));
                }
            }
        }
        Summary {
            returns,
            out_allocations,
            releases,
            tolerates,
            checks,
            checks_fields,
            never_returns: always_raises(function),
            raises: raises_visibly(graph),
            borrows,
            releases_capsule_pointer: graph.releases_capsule_pointer.clone(),
        }
    }

    /// The place whose address a call passes where this function stores a fresh block
    /// (`&self.data` in `safe_realloc(&self.data, n)`), with what it stores.
    pub fn out_argument(
        &self,
        call: &crate::ir::Call,
    ) -> Option<(crate::ir::PlaceId, &OutAllocation)> {
        self.out_allocations.iter().find_map(|allocation| {
            // `self` is a method's first parameter, not an argument.
            let index = match call.callee {
                Callee::Method(_) => allocation.param.checked_sub(1)?,
                _ => allocation.param,
            };
            match call.args.get(index)? {
                crate::ir::Value::Address(place) => Some((*place, allocation)),
                _ => None,
            }
        })
    }

    pub fn is_empty(&self) -> bool {
        self.returns.is_none()
            && self.out_allocations.is_empty()
            && self.releases.is_empty()
            && self.tolerates.is_empty()
            && self.checks.is_empty()
            && self.checks_fields.is_empty()
            && !self.never_returns
            && !self.raises
            && self.borrows.is_empty()
            && self.releases_capsule_pointer.is_none()
    }
}

/// The pointer parameters whose block (the one they hold on entry) the function keeps
/// nowhere: every event of that block is a read, a write through it, a NULL test or a
/// call that borrows it in turn. A function that drops some pointer's value where the IR
/// cannot follow it (`<size_t>p`, a keyword argument) is not trusted with any.
fn borrowed_parameters(graph: &OwnershipGraph<'_>) -> Vec<usize> {
    let function = graph.function;
    if !function.untracked.is_empty() {
        return Vec::new();
    }
    let mut kept = vec![false; graph.sites.len()];
    let escaped = graph.escapes.iter().map(|escape| escape.site);
    let released = graph.releases.iter().map(|release| release.site);
    let passed = graph.passed.iter().map(|&(site, _, _)| site);
    let addressed = graph.address_taken.iter().map(|&(site, _)| site);
    // A NULL test may decide what the function returns (`return -1` when `out == NULL`),
    // which the caller's state does not follow: such a parameter stays handed over, so
    // that `if fill(p, n) < 0: raise MemoryError()` is no leak of `p`.
    let tested = graph.checks.iter().map(|check| check.site);
    for site in escaped
        .chain(released)
        .chain(passed)
        .chain(addressed)
        .chain(tested)
    {
        kept[site.0 as usize] = true;
    }
    let assumed: std::collections::HashSet<crate::ir::PlaceId> = function
        .blocks
        .iter()
        .flat_map(|block| &block.stmts)
        .filter_map(|stmt| match stmt {
            crate::ir::Stmt::Assume { place, .. } => Some(*place),
            _ => None,
        })
        .collect();
    function
        .params
        .iter()
        .enumerate()
        .filter_map(|(param, name)| {
            let place = function.place_id(&crate::ir::Place::local(name))?;
            let site = graph.incoming_site(place)?;
            (!kept[site.0 as usize] && !assumed.contains(&place)).then_some(param)
        })
        .collect()
}

/// By site: the function stores the block in the `p[0]` slot of a pointer parameter on
/// some path, where the caller's place receives it.
fn slot_sites(graph: &OwnershipGraph<'_>) -> Vec<bool> {
    let function = graph.function;
    let mut stored = vec![false; graph.sites.len()];
    for escape in &graph.escapes {
        let EscapeHow::Stored(place) = escape.how else {
            continue;
        };
        let place = function.place(place);
        if function.params.contains(&place.root)
            && matches!(
                place.path.as_slice(),
                [Projection::Element(0)] | [Projection::Index]
            )
        {
            stored[escape.site.0 as usize] = true;
        }
    }
    stored
}

/// By site: the function stores the block somewhere that outlives the call (an attribute
/// of `self` or of a parameter, a global or module-level array, an attribute of a local
/// extension-type instance), other than the `p[0]` slot of a pointer parameter through
/// which it hands the caller its out-allocation. Whoever holds it there owns it: a caller
/// the function also returns it to (`return self.buf`, `lst.head = nd; return nd`) only
/// borrows it.
fn shared_sites(graph: &OwnershipGraph<'_>) -> Vec<bool> {
    let function = graph.function;
    let mut shared = vec![false; graph.sites.len()];
    for escape in &graph.escapes {
        let EscapeHow::Stored(place) = escape.how else {
            continue;
        };
        let place = function.place(place);
        let out_slot = function.params.contains(&place.root)
            && matches!(
                place.path.as_slice(),
                [Projection::Element(0)] | [Projection::Index]
            );
        if !out_slot && function.root_outlives(&place.root) {
            shared[escape.site.0 as usize] = true;
        }
    }
    // `_tables[key] = PyCapsule_New(t, name, destructor)`: the capsule owns the block (its
    // destructor frees it) and is itself kept where it outlives the call, or returned
    // (`c_schema[0] = malloc(...)`, then `return PyCapsule_New(c_schema[0], ...)`: the
    // caller's pointer is a view of the block the capsule it gets frees).
    let kept_capsules: Vec<CallId> = function
        .blocks
        .iter()
        .flat_map(|block| &block.stmts)
        .filter_map(|stmt| match stmt {
            Stmt::Assign {
                target,
                value: Value::Call(call),
                ..
            } if function.root_outlives(&function.place(*target).root)
                && owning_capsule(function.call(*call)) =>
            {
                Some(*call)
            }
            Stmt::Return {
                value: Value::Call(call),
                ..
            } if owning_capsule(function.call(*call)) => Some(*call),
            _ => None,
        })
        .collect();
    for (site, call, _) in &graph.passed {
        if kept_capsules.contains(call) {
            shared[site.0 as usize] = true;
        }
    }
    shared
}

/// `PyCapsule_New(p, name, destructor)` with a destructor: the capsule owns `p`.
fn owning_capsule(call: &crate::ir::Call) -> bool {
    crate::ir::capsules::capsule_destructor(call.callee.display_name()).is_some_and(|at| {
        call.args
            .get(at)
            .is_some_and(|destructor| !matches!(destructor, Value::Null))
    })
}

/// Whether some `return` hands the caller a pointer that is not a fresh block: one the
/// analysis does not follow (a static buffer, `_small` in `return _small if n <= 256 else
/// malloc(n)`), or the block an attribute held on entry (`return self.scratch` when it
/// was already large enough). The caller cannot tell which it got, so it owns neither.
fn returns_borrowed(graph: &OwnershipGraph<'_>) -> bool {
    use crate::ir::{Stmt, Value};
    let function = graph.function;
    graph.leaves.iter().any(|leave| {
        if !leave.returns || !matches!(leave.how, LeaveHow::Returns(_)) {
            return false;
        }
        match function.block(leave.block).stmts.last() {
            Some(Stmt::Return {
                value: Value::Place(returned),
                ..
            }) => match leave.state.targets(*returned) {
                None => true,
                Some(targets) => targets.iter().any(|target| match target {
                    Target::Site(site) => matches!(
                        graph.site(*site).origin,
                        SiteOrigin::Incoming(place) if !function.place(place).path.is_empty()
                    ),
                    Target::Null => false,
                }),
            },
            // (A returned call is left alone: inside a cycle of calls its callee's summary
            // is not known yet in the first round.)
            _ => false,
        }
    })
}

/// The parameter every `return` hands back a `realloc` of, or NULL while its block is
/// still unreleased (`grow(p, n)`: `if n > limit: return NULL`, `t = realloc(p, n);
/// return t`), when that holds on every path: the function never raises, never assigns
/// the parameter or lets anything else do so, and keeps no other pointer parameter.
fn reallocated_parameter(graph: &OwnershipGraph<'_>, borrows: &[usize]) -> Option<usize> {
    let function = graph.function;
    let mut resized: Option<crate::ir::PlaceId> = None;
    let mut returning = Vec::new();
    for leave in &graph.leaves {
        if !leave.returns || !matches!(leave.how, LeaveHow::Returns(_)) {
            return None;
        }
        let returned = match function.block(leave.block).stmts.last() {
            Some(Stmt::Return { value, .. }) => value,
            _ => return None,
        };
        let sites: Vec<Target> = match returned {
            Value::Null => Vec::new(),
            Value::Place(place) => leave.state.targets(*place)?.iter().copied().collect(),
            Value::Call(call) => vec![Target::Site(graph.site_of_call(*call)?)],
            Value::Address(_) | Value::Other => return None,
        };
        for target in sites {
            let Target::Site(site) = target else { continue };
            let reallocated = graph.site(site).reallocates?;
            if *resized.get_or_insert(reallocated) != reallocated {
                return None;
            }
        }
        returning.push(leave);
    }
    let resized = resized?;
    let place = function.place(resized);
    if !place.path.is_empty() {
        return None;
    }
    let param = function.params.iter().position(|p| *p == place.root)?;
    let incoming = graph.incoming_site_of(place)?;
    // Its block is the one it held on entry wherever it is reallocated, and it is
    // released nowhere but by the reallocation (a failed one leaves it as it was).
    if returning
        .iter()
        .any(|leave| leave.state.site(incoming).contains(SiteStates::FREED))
    {
        return None;
    }
    // (`&p` stored or passed anywhere lets something else rebind it.)
    let rebinds = function.blocks.iter().flat_map(|b| &b.stmts).any(|stmt| {
        matches!(stmt, Stmt::Assign { target, value, .. }
            if *target == resized || *value == Value::Address(resized))
    }) || function
        .calls
        .iter()
        .any(|call| call.args.contains(&Value::Address(resized)));
    if rebinds {
        return None;
    }
    // Another pointer parameter the function may keep: the caller's call of it is not
    // a bare `realloc`.
    let keeps_another = function.params.iter().enumerate().any(|(index, name)| {
        index != param
            && graph
                .incoming_site_of(&crate::ir::Place::local(name))
                .is_some()
            && !borrows.contains(&index)
    });
    (!keeps_another).then_some(param)
}

/// Whether the function itself reads through the block before any NULL check: its CY001
/// is reported here, and its callers are not told the same missing check again (on the
/// paths that read through it, it was not NULL after all).
fn reported_here(graph: &OwnershipGraph<'_>, site: SiteId) -> bool {
    graph
        .uses
        .iter()
        .any(|used| used.site == site && used.unchecked)
}

/// The fields of the returned block that hold the same live fresh block of a known family
/// on every path that returns a place (`return t` after `t.data = malloc(n)`).
fn returned_fields(graph: &OwnershipGraph<'_>) -> Vec<(String, FamilyId)> {
    let mut fields: Option<Vec<(String, FamilyId)>> = None;
    let function = graph.function;
    for leave in &graph.leaves {
        if !leave.returns || !matches!(leave.how, LeaveHow::Returns(_)) {
            continue;
        }
        // `return t`: the fields `t.name` as it leaves.
        let returned = match function.block(leave.block).stmts.last() {
            Some(crate::ir::Stmt::Return {
                value: crate::ir::Value::Place(returned),
                ..
            }) => function.place(*returned),
            _ => continue,
        };
        let here: Vec<(String, FamilyId)> = leave
            .state
            .points()
            .filter_map(|(place, targets)| {
                let place = function.place(place);
                let name = match place.path.split_last() {
                    Some((crate::ir::Projection::Field(name), outer))
                        if place.root == returned.root && outer == returned.path.as_slice() =>
                    {
                        name
                    }
                    _ => return None,
                };
                let sites: Vec<&Target> = targets.iter().collect();
                let [Target::Site(site)] = sites.as_slice() else {
                    return None;
                };
                let allocation = graph.site(*site);
                let states = leave.state.site(*site);
                let live = (states.contains(SiteStates::NON_NULL)
                    || states.contains(SiteStates::UNCHECKED))
                    && !states.contains(SiteStates::FREED);
                match (allocation.origin, allocation.family) {
                    (SiteOrigin::Call(_), Some(family)) if live => Some((name.clone(), family)),
                    _ => None,
                }
            })
            .collect();
        fields = Some(match fields {
            None => here,
            Some(known) => known.into_iter().filter(|f| here.contains(f)).collect(),
        });
    }
    fields.unwrap_or_default()
}

/// The pointer parameters `p` whose slot `p[0]` holds the same fresh block (allocated
/// here, not freed) wherever the function returns rather than raises, with those blocks.
fn out_allocations(
    graph: &OwnershipGraph<'_>,
    shared: &[bool],
) -> (Vec<OutAllocation>, Vec<SiteId>) {
    let function = graph.function;
    let returning: Vec<&LeaveEvent> = graph
        .leaves
        .iter()
        .filter(|leave| {
            leave.returns
                && !matches!(leave.how, LeaveHow::Raises(_) | LeaveHow::Unwinds { .. })
                && !matches!(
                    function.block(leave.block).stmts.last(),
                    Some(crate::ir::Stmt::Raise)
                )
        })
        .collect();
    let mut allocations = Vec::new();
    let mut sites = Vec::new();
    if returning.is_empty() {
        return (allocations, sites);
    }
    for (param, name) in function.params.iter().enumerate() {
        let Some(slot) = function.place_id(&crate::ir::Place::out_slot(name)) else {
            continue;
        };
        let mut stored: Option<SiteId> = None;
        let mut may_be_null = false;
        let every_path = returning.iter().all(|leave| {
            let held = leave
                .state
                .targets(slot)
                .map(|targets| targets.iter().copied().collect::<Vec<_>>());
            let Some([Target::Site(site)]) = held.as_deref() else {
                return false;
            };
            // `return tmp` marks the block escaped as it leaves: its states just before
            // are those its `return`s saw.
            let mut states = leave.state.site(*site);
            if states.contains(SiteStates::ESCAPED) {
                states = graph
                    .escapes
                    .iter()
                    .filter(|escape| escape.site == *site && escape.how == EscapeHow::Returned)
                    .fold(states.without(SiteStates::ESCAPED), |states, escape| {
                        states.union(escape.states)
                    });
            }
            let live = (states.contains(SiteStates::NON_NULL)
                || states.contains(SiteStates::UNCHECKED))
                && !states.contains(SiteStates::FREED);
            may_be_null |=
                states.contains(SiteStates::UNCHECKED) || states.contains(SiteStates::NULL);
            let same = stored.is_none_or(|known| known == *site);
            stored = Some(*site);
            live && same
        });
        // Also kept elsewhere (`ob.buf` of the object it returns): the caller borrows it.
        let Some(site) = stored.filter(|site| every_path && !shared[site.0 as usize]) else {
            continue;
        };
        let allocation = graph.site(site);
        let (SiteOrigin::Call(_), Some(family)) = (allocation.origin, allocation.family) else {
            continue;
        };
        allocations.push(OutAllocation {
            param,
            family,
            may_be_null: may_be_null && !reported_here(graph, site),
            reallocates: allocation.reallocates == Some(slot),
            untouched_when_raising: untouched_when_raising(function, name),
        });
        sites.push(site);
    }
    (allocations, sites)
}

/// Whether the pointer parameter `param` is only written through (`param[0] = b`, its
/// fields) in blocks from which no path raises, and never copied, passed to a call,
/// returned or has its address taken: a raise leaves what it points to untouched.
fn untouched_when_raising(function: &crate::ir::Function, param: &str) -> bool {
    use crate::ir::{Stmt, Value};
    let mut predecessors: Vec<Vec<usize>> = vec![Vec::new(); function.blocks.len()];
    for (index, block) in function.blocks.iter().enumerate() {
        for succ in block.successors() {
            predecessors[succ.0 as usize].push(index);
        }
    }
    let mut raises = vec![false; function.blocks.len()];
    let mut pending = vec![function.unwind_exit.0 as usize];
    while let Some(block) = pending.pop() {
        if !std::mem::replace(&mut raises[block], true) {
            pending.extend(predecessors[block].iter().copied());
        }
    }
    let rooted = |place: &crate::ir::PlaceId| function.place(*place).root == param;
    let mentions =
        |value: &Value| matches!(value, Value::Place(p) | Value::Address(p) if rooted(p));
    if function.untracked.iter().any(rooted) {
        return false;
    }
    if function
        .calls
        .iter()
        .any(|call| call.args.iter().any(mentions))
    {
        return false;
    }
    function.blocks.iter().enumerate().all(|(index, block)| {
        block.stmts.iter().all(|stmt| match stmt {
            // Written where a raise may follow, or a copy of the pointer taken.
            Stmt::Assign { target, value, .. } => {
                let written_then_raises = rooted(target) && raises[index];
                !mentions(value) && !written_then_raises
            }
            Stmt::Return { value, .. } => !mentions(value),
            Stmt::Escape { place, .. } | Stmt::AddressTaken { place } => !rooted(place),
            _ => true,
        })
    })
}

/// Whether every path from the entry releases the block a local parameter holds on entry,
/// or finds it NULL, before it reaches the exit: the list walk of a release helper
/// (`while e != NULL: nxt = e.next; PyMem_Free(e); e = nxt`), where the states of one
/// block cannot tell that the loop's exit test (`e == NULL`) concerns the next node on
/// every path that already freed it. Paths are followed with the set of locals that
/// still hold the block; a path on which none does any more fails.
fn walks_and_frees(graph: &OwnershipGraph<'_>, site: SiteId, param: crate::ir::PlaceId) -> bool {
    use crate::ir::{Stmt, Value};
    const BUDGET: usize = 4096;
    let function = graph.function;
    if !function.place(param).path.is_empty() {
        return false;
    }
    let releasing: Vec<crate::diagnostic::Span> = graph
        .releases
        .iter()
        .filter(|release| release.site == site && !release.reallocating)
        .map(|release| release.span)
        .collect();
    if releasing.is_empty() {
        return false;
    }
    let mut seen: std::collections::HashSet<(crate::ir::BlockId, Vec<crate::ir::PlaceId>)> =
        std::collections::HashSet::new();
    let mut pending = vec![(function.entry, vec![param])];
    while let Some((block, mut holders)) = pending.pop() {
        if block == function.return_exit || block == function.unwind_exit || seen.len() > BUDGET {
            return false;
        }
        if !seen.insert((block, holders.clone())) {
            continue;
        }
        let mut settled = false;
        for stmt in &function.block(block).stmts {
            match stmt {
                Stmt::Call(call) if releasing.contains(&function.call(*call).span) => {
                    settled = true;
                }
                Stmt::Assume {
                    place,
                    non_null: false,
                    ..
                } if holders.contains(place) => settled = true,
                Stmt::Assign { target, value, .. } => {
                    let copies = matches!(value, Value::Place(source) if holders.contains(source));
                    holders.retain(|holder| holder != target);
                    if copies && function.place(*target).path.is_empty() {
                        holders.push(*target);
                        holders.sort_unstable();
                    }
                    if holders.is_empty() {
                        return false;
                    }
                }
                Stmt::AddressTaken { place } if holders.contains(place) => return false,
                _ => {}
            }
            if settled {
                break;
            }
        }
        if settled {
            continue;
        }
        // A release helper that can raise frees on its return edge only.
        let body = function.block(block);
        let released_by_terminator = body
            .terminating_call()
            .is_some_and(|call| releasing.contains(&function.call(call).span));
        for succ in body.successors() {
            let unwinds = matches!(body.terminator, crate::ir::Terminator::Call { unwind, .. } if unwind == succ);
            if released_by_terminator && !unwinds {
                continue;
            }
            pending.push((succ, holders.clone()));
        }
    }
    true
}

/// Whether every way out of the function that its entry reaches raises: the return exit
/// is out of reach and the unwind exit is not (a `noexcept` function's raise returns).
fn always_raises(function: &crate::ir::Function) -> bool {
    let mut reached = vec![false; function.blocks.len()];
    let mut pending = vec![function.entry];
    while let Some(block) = pending.pop() {
        let index = block.0 as usize;
        if std::mem::replace(&mut reached[index], true) {
            continue;
        }
        if block == function.return_exit {
            return false;
        }
        pending.extend(function.block(block).successors());
    }
    reached[function.unwind_exit.0 as usize]
}

/// Whether an exception a caller could act on may leave the function (see
/// [`Summary::raises`]). Only what leaves it directly: an exception a handler's dispatch
/// passes on or a `finally` re-raises is not followed back to its call.
fn raises_visibly(graph: &OwnershipGraph<'_>) -> bool {
    let function = graph.function;
    let exit = function.unwind_exit;
    let raise_statement = function
        .raises
        .iter()
        .any(|(block, _)| function.block(*block).successors().any(|to| to == exit));
    raise_statement
        || function.blocks.iter().any(|block| match block.terminator {
            Terminator::Call {
                call,
                return_to,
                unwind,
            } if unwind == exit && return_to != Some(exit) => {
                return_to.is_none() || how_call_raises(graph, call) == CallRaises::Yes
            }
            _ => false,
        })
}

/// The summaries of a module's functions and methods.
#[derive(Clone, Debug, Default)]
pub struct Summaries {
    functions: HashMap<String, Summary>,
    methods: HashMap<(String, String), Summary>,
    /// The module's extension types, for subclasses in other modules.
    pub classes: HashMap<String, ClassExport>,
}

/// What a subclass in another module needs to know of an extension type: which
/// attributes its `__dealloc__` (or its bases') frees on every path.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClassExport {
    pub released: Vec<String>,
    /// It (or a base of its module) has a `__dealloc__` or `__del__`.
    pub finalizes: bool,
    /// For each attribute its finalizer releases, the family's name and the function
    /// that releases it (`PyMem`, `PyMem_Free`): the `.pxd` half's allocations must match.
    pub released_with: Vec<(String, String, String)>,
    /// Methods of `self` its finalizer calls that its file does not define (an inline
    /// `_release()` in the `.pxd`): what they free is the other half's to say.
    pub delegates: Vec<String>,
    /// The summaries of its methods (and its bases'), by name, for a subclass in another
    /// module that calls them (`self._release()` in its own `__dealloc__`).
    pub methods: Vec<(String, Summary)>,
    /// Its own chain of bases leaves the module it is defined in (or cannot be
    /// followed): what it frees is not fully known.
    pub opaque: bool,
}

impl Summaries {
    /// Records a function's summary; an empty one removes what was known (a summary
    /// recomputed inside a cycle of calls may lose an effect).
    pub fn insert(&mut self, class: Option<&str>, name: &str, summary: Summary) {
        if summary.is_empty() {
            match class {
                Some(class) => self.methods.remove(&(class.to_string(), name.to_string())),
                None => self.functions.remove(name),
            };
            return;
        }
        match class {
            Some(class) => {
                self.methods
                    .insert((class.to_string(), name.to_string()), summary);
            }
            None => {
                self.functions.insert(name.to_string(), summary);
            }
        }
    }

    /// The summary recorded for a function (`class` `None`) or a method.
    pub fn get(&self, class: Option<&str>, name: &str) -> Option<&Summary> {
        match class {
            Some(class) => self.methods.get(&(class.to_string(), name.to_string())),
            None => self.functions.get(name),
        }
    }

    /// The functions and methods that return a fresh block or release an argument: their
    /// callers must be analyzed to see it.
    pub fn names_with_effects(&self) -> Vec<String> {
        let functions = self.functions.iter();
        let methods = self
            .methods
            .iter()
            .map(|((_, name), summary)| (name, summary));
        functions
            .chain(methods)
            .filter(|(_, summary)| {
                summary.returns.is_some()
                    || !summary.out_allocations.is_empty()
                    || !summary.releases.is_empty()
            })
            .map(|(name, _)| name.clone())
            .collect()
    }

    /// The summary of what a call calls, from a method of the first of `classes` (the
    /// class, then its bases) or from a function (`classes` empty).
    pub fn of_callee(&self, callee: &Callee, classes: &[String]) -> Option<&Summary> {
        match callee {
            Callee::ModuleFunction(name) => self.functions.get(name),
            Callee::Method(name) => classes
                .iter()
                .find_map(|class| self.methods.get(&(class.clone(), name.clone()))),
            _ => None,
        }
    }
}

/// What one module of the linted tree exports to the files that cimport it: the
/// summaries of its module-level functions and its extension types, merged over the
/// files that make it (`utils.pyx`, `utils.pxd`, and the `.pxi` files `utils.pyx`
/// includes).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ModuleExports {
    functions: HashMap<String, Summary>,
    classes: HashMap<String, ClassExport>,
}

impl ModuleExports {
    /// Adds what one file of the module exports; a name already known keeps the summary
    /// of the file added first.
    pub fn add_file(&mut self, summaries: &Summaries) {
        for (name, summary) in &summaries.functions {
            self.functions
                .entry(name.clone())
                .or_insert_with(|| summary.clone());
        }
        for (name, export) in &summaries.classes {
            self.classes
                .entry(name.clone())
                .or_insert_with(|| export.clone());
        }
    }

    pub fn is_empty(&self) -> bool {
        self.functions.is_empty() && self.classes.is_empty()
    }
}

/// What the modules one file cimports export, under the names the file writes for them
/// (`.utils`, `..pkg.utils`, `pkg.utils`): the module model (`crate::project`) has
/// already resolved each name to a module of the linted tree from the file's own
/// package, so two modules named `utils` in different packages are never confused.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ProjectSummaries {
    modules: HashMap<String, Arc<ModuleExports>>,
    /// The file is a `.pxd`: the `__dealloc__` of the classes it declares (with
    /// attributes and inline methods) is in its module's `.pyx`, not here.
    declaration: bool,
    /// For a `.pxd`, the extension types its `.pyx` defines, when the run has it: the
    /// other half of each class.
    implementation: HashMap<String, ClassExport>,
    /// What the module's own helper files export (the inline functions of its `.pxd`,
    /// the functions of the `.pxi` files it includes), which the file calls by their
    /// bare name: lowering leaves such a call `Callee::Unbound`.
    own_helpers: Option<Arc<ModuleExports>>,
}

impl ProjectSummaries {
    /// Makes `written` (a module name as a cimport of the file spells it) mean a module
    /// exporting `exports`. The first module given for a name is kept.
    pub fn add_module(&mut self, written: &str, exports: Arc<ModuleExports>) {
        self.modules.entry(written.to_string()).or_insert(exports);
    }

    /// Adds the modules of `other` that this does not name yet (what is here wins).
    pub fn add_missing(&mut self, other: &ProjectSummaries) {
        for (written, exports) in &other.modules {
            self.add_module(written, exports.clone());
        }
    }

    /// Makes this the view of a `.pxd`, whose `.pyx` defines `implementation` (empty when
    /// the run does not have it).
    pub fn declare(&mut self, implementation: HashMap<String, ClassExport>) {
        self.declaration = true;
        self.implementation = implementation;
    }

    /// Makes the functions `helpers` exports (those of the module's `.pxd` and included
    /// `.pxi` files, analyzed before this file) known under their bare names.
    pub fn add_own_helpers(&mut self, helpers: Arc<ModuleExports>) {
        if !helpers.functions.is_empty() {
            self.own_helpers = Some(helpers);
        }
    }

    /// The summary of a helper of the module's own `.pxd` or included `.pxi` files.
    pub fn own_helper(&self, name: &str) -> Option<&Summary> {
        self.own_helpers.as_ref()?.functions.get(name)
    }

    /// Whether the file is a `.pxd`, the declaration half of its module.
    pub fn is_declaration(&self) -> bool {
        self.declaration
    }

    /// For a `.pxd`, what the `.pyx` half of the class `name` frees, when known.
    pub fn implementation_of(&self, name: &str) -> Option<&ClassExport> {
        self.implementation.get(name)
    }

    /// The methods (with their summaries) a class of this module inherits from a base
    /// class cimported from another module and does not define itself.
    pub fn inherited_methods(
        &self,
        module: &crate::ir::Module,
        class: &str,
    ) -> Vec<(String, Summary)> {
        let chain = module.class_chain(class);
        let Some((origin, name)) = chain.last().and_then(|root| root.base_origin.as_ref()) else {
            return Vec::new();
        };
        let Some(export) = self.class(origin, name) else {
            return Vec::new();
        };
        let defined = |method: &str| {
            module.functions.iter().any(|function| {
                function.name == method
                    && chain
                        .iter()
                        .any(|declared| function.class.as_deref() == Some(declared.name.as_str()))
            })
        };
        export
            .methods
            .iter()
            .filter(|(method, _)| !defined(method))
            .cloned()
            .collect()
    }

    /// What the extension type `name` of the module a cimport names frees.
    pub fn class(&self, module: &str, name: &str) -> Option<&ClassExport> {
        self.modules.get(module)?.classes.get(name)
    }

    /// Whether a module of this name exports anything.
    pub fn has_module(&self, module: &str) -> bool {
        self.modules.get(module).is_some_and(|m| !m.is_empty())
    }

    /// The summary of `name` in the module a cimport names (`..utils._heap`, `utils`).
    pub fn get(&self, module: &str, name: &str) -> Option<&Summary> {
        self.modules.get(module)?.functions.get(name)
    }

    /// Every function name some module exports a summary for.
    pub fn function_names(&self) -> impl Iterator<Item = &str> {
        self.modules
            .values()
            .chain(&self.own_helpers)
            .flat_map(|exports| exports.functions.keys().map(String::as_str))
    }

    pub fn is_empty(&self) -> bool {
        self.modules.values().all(|exports| exports.is_empty()) && self.own_helpers.is_none()
    }

    /// The classes of what a module's files export (for its `.pxd`'s other halves).
    pub fn classes_of(exports: &ModuleExports) -> HashMap<String, ClassExport> {
        exports.classes.clone()
    }
}
