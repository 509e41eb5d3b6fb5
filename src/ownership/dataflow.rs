//! The forward dataflow behind [`OwnershipGraph`]: what each place points to and what
//! state each block may be in, at every point of a function.
//!
//! A block's state is a set of possibilities (one bit each), so a join is a union and a
//! NULL check narrows: `if p == NULL: raise` leaves only "checked, not NULL" on the
//! fall-through edge. A path on which a check contradicts what is known is dropped.

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::{BlockId, Function, PlaceId, Stmt, Value};
use crate::ownership::families::{FamilyTable, Role, CPP};
use crate::ownership::{
    AllocationSite, CheckEvent, EscapeEvent, EscapeHow, OwnershipGraph, ReallocOverwrite,
    ReleaseEvent, Resolution, SiteId, UseEvent, UseHow,
};

/// The states a block may be in at a point, over all paths that reach it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct SiteStates(u8);

impl SiteStates {
    /// Allocated, and no NULL check has looked at it yet.
    pub const UNCHECKED: SiteStates = SiteStates(1);
    /// A check showed it is not NULL.
    pub const NON_NULL: SiteStates = SiteStates(2);
    /// A check showed the allocation failed.
    pub const NULL: SiteStates = SiteStates(4);
    pub const FREED: SiteStates = SiteStates(8);
    /// Returned or handed to a place that outlives the function.
    pub const ESCAPED: SiteStates = SiteStates(16);

    pub fn contains(self, other: SiteStates) -> bool {
        self.0 & other.0 == other.0 && other.0 != 0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    fn union(self, other: SiteStates) -> SiteStates {
        SiteStates(self.0 | other.0)
    }

    fn without(self, other: SiteStates) -> SiteStates {
        SiteStates(self.0 & !other.0)
    }

    /// Along an edge where the block is known not to be NULL.
    fn assume_non_null(self) -> SiteStates {
        let mut states = self.without(SiteStates::NULL);
        if states.contains(SiteStates::UNCHECKED) {
            states = states
                .without(SiteStates::UNCHECKED)
                .union(SiteStates::NON_NULL);
        }
        states
    }

    /// Along an edge where the block is known to be NULL: only a failed allocation (or
    /// one whose fate is unknown) can be.
    fn assume_null(self) -> SiteStates {
        let mut states = self
            .without(SiteStates::NON_NULL)
            .without(SiteStates::FREED);
        if states.contains(SiteStates::UNCHECKED) {
            states = states
                .without(SiteStates::UNCHECKED)
                .union(SiteStates::NULL);
        }
        states
    }

    pub fn names(self) -> Vec<&'static str> {
        let all = [
            (SiteStates::UNCHECKED, "maybe-NULL"),
            (SiteStates::NON_NULL, "checked non-NULL"),
            (SiteStates::NULL, "NULL"),
            (SiteStates::FREED, "freed"),
            (SiteStates::ESCAPED, "escaped"),
        ];
        all.iter()
            .filter(|(state, _)| self.contains(*state))
            .map(|(_, name)| *name)
            .collect()
    }
}

/// What a place may hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Target {
    Null,
    Site(SiteId),
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct State {
    /// Places absent here hold nothing the analysis tracks.
    points: BTreeMap<PlaceId, BTreeSet<Target>>,
    sites: Vec<SiteStates>,
}

impl State {
    /// Joins `other` into `self`; whether anything changed.
    fn join(&mut self, other: &State) -> bool {
        let mut changed = false;
        for (place, targets) in &other.points {
            let entry = self.points.entry(*place).or_default();
            for target in targets {
                changed |= entry.insert(*target);
            }
        }
        for (mine, theirs) in self.sites.iter_mut().zip(&other.sites) {
            let joined = mine.union(*theirs);
            changed |= joined != *mine;
            *mine = joined;
        }
        changed
    }

    fn sites_of(&self, place: PlaceId) -> Vec<SiteId> {
        self.points
            .get(&place)
            .into_iter()
            .flatten()
            .filter_map(|target| match target {
                Target::Site(site) => Some(*site),
                Target::Null => None,
            })
            .collect()
    }
}

/// Where events go during the final replay; nowhere while iterating to the fixpoint.
struct Recorder<'g, 'a> {
    graph: Option<&'g mut OwnershipGraph<'a>>,
}

pub(super) fn run(graph: &mut OwnershipGraph<'_>, resolution: Resolution) {
    let function = graph.function;
    let families = graph.families;
    // Allocation sites: one per call to an allocator or reallocator.
    let mut site_of_call = vec![None; function.calls.len()];
    for (index, call) in function.calls.iter().enumerate() {
        if let Some((family, role)) =
            families.classify(&call.callee, resolution.unbound_names_resolve)
        {
            if matches!(role, Role::Allocate | Role::Reallocate) {
                let reallocates = match (role, call.args.first()) {
                    (Role::Reallocate, Some(Value::Place(place))) => Some(*place),
                    _ => None,
                };
                site_of_call[index] = Some(SiteId(graph.sites.len() as u32));
                graph.sites.push(AllocationSite {
                    call: crate::ir::CallId(index as u32),
                    family,
                    callee: call.callee.display_name().to_string(),
                    span: call.span,
                    reallocates,
                });
            }
        }
    }
    let has_release = function.calls.iter().any(|call| {
        families
            .classify(&call.callee, resolution.unbound_names_resolve)
            .is_some_and(|(_, role)| role == Role::Release)
    });
    if graph.sites.is_empty() && !has_release {
        // Nothing is allocated here: no state to track, no event to record.
        return;
    }
    let analysis = Analysis {
        function,
        families,
        graph_sites: graph.sites.clone(),
        site_of_call,
        resolution,
    };
    let in_states = analysis.fixpoint();
    let mut recorder = Recorder { graph: Some(graph) };
    for (index, state) in in_states.into_iter().enumerate() {
        if let Some(mut state) = state {
            analysis.transfer_block(BlockId(index as u32), &mut state, &mut recorder);
        }
    }
}

struct Analysis<'a> {
    function: &'a Function,
    families: &'a FamilyTable,
    graph_sites: Vec<AllocationSite>,
    site_of_call: Vec<Option<SiteId>>,
    resolution: Resolution,
}

impl Analysis<'_> {
    fn fixpoint(&self) -> Vec<Option<State>> {
        let blocks = self.function.blocks.len();
        let mut in_states: Vec<Option<State>> = vec![None; blocks];
        in_states[self.function.entry.0 as usize] = Some(State {
            points: BTreeMap::new(),
            sites: vec![SiteStates::default(); self.graph_sites.len()],
        });
        let mut queued = vec![false; blocks];
        let mut worklist = std::collections::VecDeque::new();
        worklist.push_back(self.function.entry);
        queued[self.function.entry.0 as usize] = true;
        let mut silent = Recorder { graph: None };
        while let Some(block) = worklist.pop_front() {
            queued[block.0 as usize] = false;
            let Some(mut state) = in_states[block.0 as usize].clone() else {
                continue;
            };
            if !self.transfer_block(block, &mut state, &mut silent) {
                continue;
            }
            for &succ in &self.function.block(block).succs {
                let changed = match &mut in_states[succ.0 as usize] {
                    Some(existing) => existing.join(&state),
                    slot @ None => {
                        *slot = Some(state.clone());
                        true
                    }
                };
                if changed && !queued[succ.0 as usize] {
                    queued[succ.0 as usize] = true;
                    worklist.push_back(succ);
                }
            }
        }
        in_states
    }

    /// Runs a block's statements; false when the block cannot be reached this way (a
    /// check contradicted what is known).
    fn transfer_block(&self, block: BlockId, state: &mut State, recorder: &mut Recorder) -> bool {
        for stmt in &self.function.block(block).stmts {
            if !self.transfer(stmt, state, recorder) {
                return false;
            }
        }
        true
    }

    fn record<F: FnOnce(&mut OwnershipGraph)>(recorder: &mut Recorder, event: F) {
        if let Some(graph) = recorder.graph.as_deref_mut() {
            event(graph);
        }
    }

    fn transfer(&self, stmt: &Stmt, state: &mut State, recorder: &mut Recorder) -> bool {
        match stmt {
            Stmt::Call(call_id) => self.call(*call_id, state, recorder),
            Stmt::Assign {
                target,
                value,
                span,
            } => self.assign(*target, *value, *span, state, recorder),
            Stmt::Use { place, kind, span } => {
                for site in state.sites_of(*place) {
                    let unchecked = state.sites[site.0 as usize].contains(SiteStates::UNCHECKED);
                    Self::record(recorder, |graph| {
                        graph.uses.push(UseEvent {
                            site,
                            place: *place,
                            span: *span,
                            how: UseHow::from(*kind),
                            unchecked,
                        })
                    });
                }
            }
            Stmt::Assume {
                place,
                non_null,
                span,
            } => return self.assume(*place, *non_null, *span, state, recorder),
            Stmt::Return { value, span } => {
                if let Value::Place(place) = value {
                    for site in state.sites_of(*place) {
                        state.sites[site.0 as usize] = SiteStates::ESCAPED;
                        Self::record(recorder, |graph| {
                            graph.escapes.push(EscapeEvent {
                                site,
                                span: *span,
                                how: EscapeHow::Returned,
                            })
                        });
                    }
                }
            }
            Stmt::Delete { place, span } => {
                for site in state.sites_of(*place) {
                    state.sites[site.0 as usize] = SiteStates::FREED;
                    Self::record(recorder, |graph| {
                        graph.releases.push(ReleaseEvent {
                            site,
                            place: *place,
                            span: *span,
                            callee: "del".to_string(),
                            family: CPP,
                            reallocating: false,
                        })
                    });
                }
            }
            Stmt::AddressTaken { place } => self.forget(*place, state),
        }
        true
    }

    fn call(&self, call_id: crate::ir::CallId, state: &mut State, recorder: &mut Recorder) {
        let call = self.function.call(call_id);
        let classified = self
            .families
            .classify(&call.callee, self.resolution.unbound_names_resolve);
        match classified {
            Some((family, Role::Release)) => {
                if let Some(Value::Place(place)) = call.args.first() {
                    for site in state.sites_of(*place) {
                        state.sites[site.0 as usize] = SiteStates::FREED;
                        Self::record(recorder, |graph| {
                            graph.releases.push(ReleaseEvent {
                                site,
                                place: *place,
                                span: call.span,
                                callee: call.callee.display_name().to_string(),
                                family,
                                reallocating: false,
                            })
                        });
                    }
                }
            }
            Some((family, role)) => {
                if role == Role::Reallocate {
                    if let Some(Value::Place(place)) = call.args.first() {
                        for site in state.sites_of(*place) {
                            Self::record(recorder, |graph| {
                                graph.releases.push(ReleaseEvent {
                                    site,
                                    place: *place,
                                    span: call.span,
                                    callee: call.callee.display_name().to_string(),
                                    family,
                                    reallocating: true,
                                })
                            });
                        }
                    }
                }
                if let Some(site) = self.site_of_call[call_id.0 as usize] {
                    let never_null = family == CPP;
                    state.sites[site.0 as usize] = if never_null {
                        SiteStates::NON_NULL
                    } else {
                        SiteStates::UNCHECKED
                    };
                }
            }
            None => {
                // Any other function may read through what it is given.
                for arg in &call.args {
                    if let Value::Place(place) = arg {
                        for site in state.sites_of(*place) {
                            let unchecked =
                                state.sites[site.0 as usize].contains(SiteStates::UNCHECKED);
                            Self::record(recorder, |graph| {
                                graph.uses.push(UseEvent {
                                    site,
                                    place: *place,
                                    span: call.span,
                                    how: UseHow::PassedTo(call_id),
                                    unchecked,
                                })
                            });
                        }
                    }
                }
            }
        }
    }

    fn assign(
        &self,
        target: PlaceId,
        value: Value,
        span: crate::diagnostic::Span,
        state: &mut State,
        recorder: &mut Recorder,
    ) {
        let targets: Option<BTreeSet<Target>> = match value {
            Value::Call(call) => {
                self.site_of_call[call.0 as usize].map(|site| BTreeSet::from([Target::Site(site)]))
            }
            Value::Place(source) => state.points.get(&source).cloned(),
            Value::Null => Some(BTreeSet::from([Target::Null])),
            Value::Other => None,
        };
        if let Value::Call(call) = value {
            let reallocates = self.site_of_call[call.0 as usize]
                .and_then(|site| self.graph_sites[site.0 as usize].reallocates);
            if reallocates == Some(target) {
                let previous = state.sites_of(target);
                Self::record(recorder, |graph| {
                    graph.realloc_overwrites.push(ReallocOverwrite {
                        call,
                        target,
                        span,
                        previous,
                    })
                });
            }
        }
        let place = self.function.place(target);
        if !place.path.is_empty() || place.root == "self" {
            if let Some(targets) = &targets {
                for target_site in targets {
                    if let Target::Site(site) = target_site {
                        Self::record(recorder, |graph| {
                            graph.escapes.push(EscapeEvent {
                                site: *site,
                                span,
                                how: EscapeHow::Stored(target),
                            })
                        });
                    }
                }
            }
        }
        if place.is_strong() {
            self.forget(target, state);
            if let Some(targets) = targets {
                state.points.insert(target, targets);
            }
        } else if let Some(targets) = targets {
            state.points.entry(target).or_default().extend(targets);
        }
    }

    /// The place (and every place inside it) no longer holds a known block.
    fn forget(&self, place: PlaceId, state: &mut State) {
        state.points.remove(&place);
        let outer = self.function.place(place);
        state
            .points
            .retain(|inner, _| !outer.strictly_contains(self.function.place(*inner)));
    }

    fn assume(
        &self,
        place: PlaceId,
        non_null: bool,
        span: crate::diagnostic::Span,
        state: &mut State,
        recorder: &mut Recorder,
    ) -> bool {
        let Some(targets) = state.points.get_mut(&place) else {
            return true;
        };
        let sites: Vec<SiteId> = targets
            .iter()
            .filter_map(|t| match t {
                Target::Site(site) => Some(*site),
                Target::Null => None,
            })
            .collect();
        for &site in &sites {
            Self::record(recorder, |graph| {
                graph.checks.push(CheckEvent { site, place, span })
            });
        }
        if non_null {
            targets.remove(&Target::Null);
            if targets.is_empty() {
                return false;
            }
            if let [site] = sites[..] {
                let narrowed = state.sites[site.0 as usize].assume_non_null();
                if narrowed.is_empty() {
                    return false;
                }
                state.sites[site.0 as usize] = narrowed;
            } else {
                for site in sites {
                    let states = &mut state.sites[site.0 as usize];
                    if states.contains(SiteStates::UNCHECKED) {
                        *states = states
                            .without(SiteStates::UNCHECKED)
                            .union(SiteStates::NON_NULL);
                    }
                }
            }
        } else if targets.len() == 1 {
            if let [site] = sites[..] {
                let narrowed = state.sites[site.0 as usize].assume_null();
                if narrowed.is_empty() {
                    return false;
                }
                state.sites[site.0 as usize] = narrowed;
            }
        }
        true
    }
}
