//! The forward dataflow behind [`OwnershipGraph`]: what each place points to and what
//! state each block may be in, at every point of a function.
//!
//! A block's state is a set of possibilities (one bit each), so a join is a union and a
//! NULL check narrows: `if p == NULL: raise` leaves only "checked, not NULL" on the
//! fall-through edge. A path on which a check contradicts what is known is dropped.

use std::collections::{BTreeMap, BTreeSet};

use crate::diagnostic::Span;
use crate::ir::{BlockId, CallId, Callee, Function, Place, PlaceId, Projection, Stmt, Value};
use crate::ownership::families::{FamilyId, FamilyTable, Role, CPP};
use crate::ownership::summary::ReleasedParameter;
use crate::ownership::{
    AllocationSite, CheckEvent, Context, EscapeEvent, EscapeHow, ExitState, HeldAtAllocation,
    LeaveEvent, LeaveHow, OverwriteEvent, OwnershipGraph, ReallocOverwrite, ReleaseEvent, SiteId,
    SiteOrigin, UseEvent, UseHow,
};

/// C-API functions that take a pointer as a value and accept NULL: passing an unchecked
/// block to one reads nothing through it.
const NULL_TOLERANT: &[&str] = &[
    "PyLong_FromVoidPtr",
    // A NULL name or context is allowed; a NULL pointer raises ValueError.
    "PyCapsule_New",
    "PyCapsule_SetContext",
    "PyCapsule_SetName",
    // `(NULL, n)` asks for an uninitialized object of that size.
    "PyBytes_FromStringAndSize",
    "PyByteArray_FromStringAndSize",
];

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

    pub fn union(self, other: SiteStates) -> SiteStates {
        SiteStates(self.0 | other.0)
    }

    pub fn without(self, other: SiteStates) -> SiteStates {
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

/// What one place may hold: a small sorted set (a place rarely holds more than two).
/// Up to [`INLINE_TARGETS`] targets live inline: states are cloned for every block, and
/// a heap allocation per place made huge functions slow.
#[derive(Clone, Debug)]
pub struct Targets(TargetsRepr);

const INLINE_TARGETS: usize = 3;

#[derive(Clone, Debug)]
enum TargetsRepr {
    Inline(u8, [Target; INLINE_TARGETS]),
    Heap(Vec<Target>),
}

impl Default for Targets {
    fn default() -> Self {
        Targets(TargetsRepr::Inline(0, [Target::Null; INLINE_TARGETS]))
    }
}

impl PartialEq for Targets {
    fn eq(&self, other: &Self) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl Eq for Targets {}

impl Targets {
    pub fn one(target: Target) -> Targets {
        let mut targets = Targets::default();
        targets.insert(target);
        targets
    }

    fn as_slice(&self) -> &[Target] {
        match &self.0 {
            TargetsRepr::Inline(len, items) => &items[..*len as usize],
            TargetsRepr::Heap(items) => items,
        }
    }

    /// Adds a target; whether it was new.
    pub fn insert(&mut self, target: Target) -> bool {
        let Err(at) = self.as_slice().binary_search(&target) else {
            return false;
        };
        match &mut self.0 {
            TargetsRepr::Inline(len, items) if (*len as usize) < INLINE_TARGETS => {
                let count = *len as usize;
                items.copy_within(at..count, at + 1);
                items[at] = target;
                *len += 1;
            }
            TargetsRepr::Inline(len, items) => {
                let mut spilled = items[..*len as usize].to_vec();
                spilled.insert(at, target);
                self.0 = TargetsRepr::Heap(spilled);
            }
            TargetsRepr::Heap(items) => items.insert(at, target),
        }
        true
    }

    pub fn remove(&mut self, target: &Target) {
        let Ok(at) = self.as_slice().binary_search(target) else {
            return;
        };
        match &mut self.0 {
            TargetsRepr::Inline(len, items) => {
                let count = *len as usize;
                items.copy_within(at + 1..count, at);
                *len -= 1;
            }
            TargetsRepr::Heap(items) => {
                items.remove(at);
            }
        }
    }

    pub fn contains(&self, target: &Target) -> bool {
        self.as_slice().binary_search(target).is_ok()
    }

    pub fn iter(&self) -> std::slice::Iter<'_, Target> {
        self.as_slice().iter()
    }

    pub fn len(&self) -> usize {
        self.as_slice().len()
    }

    pub fn is_empty(&self) -> bool {
        self.as_slice().is_empty()
    }
}

impl Extend<Target> for Targets {
    fn extend<I: IntoIterator<Item = Target>>(&mut self, targets: I) {
        for target in targets {
            self.insert(target);
        }
    }
}

impl<'t> IntoIterator for &'t Targets {
    type Item = &'t Target;
    type IntoIter = std::slice::Iter<'t, Target>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct State {
    /// Places absent here hold nothing the analysis tracks.
    points: BTreeMap<PlaceId, Targets>,
    sites: Vec<SiteStates>,
    /// What the tests on this path showed of places (`if py:`): true for taken, false
    /// for not taken, while the place is not assigned again.
    flags: BTreeMap<PlaceId, bool>,
    /// For a block allocated under such tests, the flags then; the tests that chose the
    /// allocator also choose the matching deallocator later (`if py: PyMem_Free(p)`).
    born: BTreeMap<SiteId, BTreeMap<PlaceId, bool>>,
    /// A place whose fresh block a test showed NULL, on a path that went on
    /// (`if p == NULL: print(...)`): reading through it there reads through NULL. Kept
    /// per place, not per block: another place given the block only when it was not NULL
    /// is fine.
    failed: BTreeSet<(PlaceId, SiteId)>,
    /// Places that hold a tracked block (or NULL) on some paths here and something
    /// untracked on others (`this = this.next` in a list walk): what they point to is
    /// not all they may hold, so a second release through one may free another block.
    partial: BTreeSet<PlaceId>,
}

impl State {
    /// Joins `other` into `self`; whether anything changed.
    fn join(&mut self, other: &State) -> bool {
        let mut changed = false;
        let one_sided = self
            .points
            .keys()
            .filter(|place| !other.points.contains_key(place))
            .chain(
                other
                    .points
                    .keys()
                    .filter(|place| !self.points.contains_key(place)),
            )
            .chain(&other.partial)
            .copied()
            .collect::<Vec<_>>();
        for place in one_sided {
            changed |= self.partial.insert(place);
        }
        for (place, targets) in &other.points {
            let entry = self.points.entry(*place).or_default();
            for target in targets {
                changed |= entry.insert(*target);
            }
        }
        // A flag holds after the join when it held the same way on both sides; a block's
        // birth flags when it was born the same way on both (or on one side only).
        let flags = self.flags.len();
        self.flags
            .retain(|place, value| other.flags.get(place) == Some(value));
        changed |= flags != self.flags.len();
        for (index, theirs) in other.sites.iter().enumerate() {
            let site = SiteId(index as u32);
            if theirs.is_empty() {
                continue;
            }
            let theirs_born = other.born.get(&site);
            if self.sites[index].is_empty() {
                if let Some(born) = theirs_born {
                    self.born.insert(site, born.clone());
                    changed = true;
                }
                continue;
            }
            if let Some(mine) = self.born.get_mut(&site) {
                let before = mine.len();
                mine.retain(|place, value| {
                    theirs_born.is_some_and(|born| born.get(place) == Some(value))
                });
                changed |= before != mine.len();
                if mine.is_empty() {
                    self.born.remove(&site);
                }
            }
        }
        for failed in &other.failed {
            changed |= self.failed.insert(*failed);
        }
        for (mine, theirs) in self.sites.iter_mut().zip(&other.sites) {
            let joined = mine.union(*theirs);
            changed |= joined != *mine;
            *mine = joined;
        }
        changed
    }

    /// Whether a block cannot be here: it was allocated under a test this path took
    /// the other way.
    fn born_elsewhere(&self, site: SiteId) -> bool {
        self.born.get(&site).is_some_and(|born| {
            born.iter()
                .any(|(place, value)| self.flags.get(place).is_some_and(|now| now != value))
        })
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
    /// The basic block being replayed.
    block: BlockId,
}

pub(super) fn run(graph: &mut OwnershipGraph<'_>, context: Context<'_>) {
    let function = graph.function;
    let families = graph.families;
    let classes: Vec<String> = function.class.iter().cloned().collect();
    let classify =
        |callee: &Callee| families.classify(callee, context.resolution.unbound_names_resolve);
    // Allocation sites: one per call to an allocator, a reallocator, or a helper that
    // returns a fresh block.
    let mut site_of_call = vec![None; function.calls.len()];
    let mut releases_something = false;
    for (index, call) in function.calls.iter().enumerate() {
        let summary = context.summary_of(&call.callee, &classes);
        releases_something |= summary.is_some_and(|s| !s.releases.is_empty());
        let (family, reallocates, never_null) = match classify(&call.callee) {
            Some((_, Role::Release)) => {
                releases_something = true;
                continue;
            }
            Some((family, role)) => {
                let reallocates = match (role, call.args.first()) {
                    (Role::Reallocate, Some(Value::Place(place))) => Some(*place),
                    _ => None,
                };
                (family, reallocates, families.family(family).never_null)
            }
            None => match summary.and_then(|s| s.returns.as_ref()) {
                Some(returned) => (returned.family, None, !returned.may_be_null),
                None => continue,
            },
        };
        site_of_call[index] = Some((SiteId(graph.sites.len() as u32), never_null));
        graph.sites.push(AllocationSite {
            origin: SiteOrigin::Call(CallId(index as u32)),
            family: Some(family),
            callee: call.callee.display_name().to_string(),
            span: Some(call.span),
            reallocates,
        });
    }
    // An allocation in a loop makes a new block each time round while places may still
    // hold the one from the time before (`prev = cur`): a second site stands for those
    // older blocks, so a check of the old one says nothing of the new.
    let mut older = vec![None; graph.sites.len()];
    for (block, allocates) in blocks_of_calls(function, &site_of_call) {
        if !in_a_cycle(function, block) {
            continue;
        }
        for call in allocates {
            let Some((site, _)) = site_of_call[call.0 as usize] else {
                continue;
            };
            let twin = graph.sites[site.0 as usize].clone();
            older[site.0 as usize] = Some(SiteId(graph.sites.len() as u32));
            graph.sites.push(twin);
        }
    }
    releases_something |= function.blocks.iter().any(|block| {
        block
            .stmts
            .iter()
            .any(|stmt| matches!(stmt, Stmt::Delete { .. }))
    });
    // A function that checks or reads through a parameter is analyzed too: its summary
    // says whether callers may hand it an unchecked block.
    let reads_parameters = || {
        function
            .blocks
            .iter()
            .flat_map(|block| &block.stmts)
            .any(|stmt| match stmt {
                Stmt::Use { place, .. } | Stmt::Assume { place, .. } => {
                    // `self.x` reads through `self`, an object, never a block.
                    let place = function.place(*place);
                    place.path.is_empty()
                        && place.root != "self"
                        && function.params.contains(&place.root)
                }
                _ => false,
            })
    };
    // A method of a class whose attributes hold blocks is analyzed too: handing
    // `self.buf` to an external function (`pool_release(self.buf)`) is an event.
    let holds_attributes = function.class.is_some() && !context.attributes.is_empty();
    if graph.sites.is_empty() && !releases_something && !reads_parameters() && !holds_attributes {
        // Nothing is allocated or released here: no state to track, no event to record.
        return;
    }
    // The blocks parameters and their fields hold on entry (`self.data` for a method).
    let mut entry = State {
        points: BTreeMap::new(),
        sites: Vec::new(),
        flags: BTreeMap::new(),
        born: BTreeMap::new(),
        failed: BTreeSet::new(),
        partial: BTreeSet::new(),
    };
    for (index, place) in function.places.iter().enumerate() {
        // `self.ctx.buf`: a field of a struct-valued attribute is followed too.
        let is_parameter_field = function.params.contains(&place.root)
            && matches!(
                place.path.as_slice(),
                [] | [Projection::Field(_)]
                    | [Projection::Field(_), Projection::Field(_)]
                    // `v[0].ptr` is `v.ptr` written another way.
                    | [Projection::Element(0), Projection::Field(_)]
            );
        // `self.rows[i]`: the elements of a pointer array the class fills, for their
        // family (`free(self.rows[i])` of `PyMem_Malloc` blocks).
        let element = function.class.is_some()
            && super::classes::element_attribute(place)
                .is_some_and(|attribute| context.attributes.contains_key(&attribute));
        if !is_parameter_field && !element {
            continue;
        }
        let place_id = PlaceId(index as u32);
        let origin = place
            .self_attribute_path()
            .or_else(|| super::classes::element_attribute(place))
            .filter(|_| function.class.is_some())
            .and_then(|attribute| context.attributes.get(&attribute));
        entry.points.insert(
            place_id,
            Targets::one(Target::Site(SiteId(graph.sites.len() as u32))),
        );
        graph.sites.push(AllocationSite {
            origin: SiteOrigin::Incoming(place_id),
            family: origin.map(|o| o.family),
            callee: origin.map_or_else(String::new, |o| o.callee.clone()),
            span: origin.map(|o| o.span),
            reallocates: None,
        });
    }
    entry.sites = graph
        .sites
        .iter()
        .map(|site| match site.origin {
            SiteOrigin::Call(_) => SiteStates::default(),
            SiteOrigin::Incoming(_) => SiteStates::NON_NULL.union(SiteStates::NULL),
        })
        .collect();
    let analysis = Analysis {
        function,
        families,
        context,
        classes,
        graph_sites: graph.sites.clone(),
        site_of_call,
        older,
        any_element: Vec::new(),
        elements: BTreeMap::new(),
    };
    let mut analysis = analysis;
    analysis.any_element = function
        .places
        .iter()
        .map(|place| place.any_element().and_then(|any| function.place_id(&any)))
        .collect();
    for (index, any) in analysis.any_element.iter().enumerate() {
        if let Some(any) = any {
            analysis
                .elements
                .entry(*any)
                .or_default()
                .push(PlaceId(index as u32));
        }
    }
    let in_states = analysis.fixpoint(entry);
    let exit = in_states[function.exit.0 as usize]
        .as_ref()
        .map(|exit| ExitState {
            points: exit.points.clone(),
            sites: exit.sites.clone(),
        });
    let mut recorder = Recorder {
        graph: Some(graph),
        block: function.entry,
    };
    // Only the class model reads each way out: methods, and functions that fill in an
    // instance.
    let keep_exits = function.class.is_some() || !function.instances.is_empty();
    // Each state is replayed once, then dropped: no copy of them all.
    for (index, state) in in_states.into_iter().enumerate() {
        if let Some(mut state) = state {
            let block = BlockId(index as u32);
            recorder.block = block;
            let reachable = analysis.transfer_block(block, &mut state, &mut recorder);
            if reachable && function.block(block).succs.contains(&function.exit) {
                record_leave(function, block, &state, &mut recorder);
            }
            if keep_exits && reachable && function.block(block).succs.contains(&function.exit) {
                if let Some(graph) = recorder.graph.as_deref_mut() {
                    graph.exits.push(ExitState {
                        points: state.points,
                        sites: state.sites,
                    });
                }
            }
        }
    }
    graph.exit = exit;
}

struct Analysis<'a> {
    function: &'a Function,
    families: &'a FamilyTable,
    context: Context<'a>,
    /// The method's class and its bases, for `self.helper()` summaries.
    classes: Vec<String>,
    graph_sites: Vec<AllocationSite>,
    /// The site each call creates, and whether it is never NULL.
    site_of_call: Vec<Option<(SiteId, bool)>>,
    /// For an allocation in a loop, the site of the blocks it made on earlier turns.
    older: Vec<Option<SiteId>>,
    /// For a constant element `a[k]`, the place `a[...]`.
    any_element: Vec<Option<PlaceId>>,
    /// For `a[...]`, the constant elements `a[k]` of the function.
    elements: BTreeMap<PlaceId, Vec<PlaceId>>,
}

impl Analysis<'_> {
    fn fixpoint(&self, entry: State) -> Vec<Option<State>> {
        let blocks = self.function.blocks.len();
        let mut in_states: Vec<Option<State>> = vec![None; blocks];
        in_states[self.function.entry.0 as usize] = Some(entry);
        let mut queued = vec![false; blocks];
        let mut worklist = std::collections::VecDeque::new();
        worklist.push_back(self.function.entry);
        queued[self.function.entry.0 as usize] = true;
        let mut silent = Recorder {
            graph: None,
            block: self.function.entry,
        };
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

    /// A use of `place`: one event per block it may hold, unchecked when that block may
    /// still be NULL (or a failed call left it so on this path).
    fn record_uses(
        place: PlaceId,
        span: Span,
        how: UseHow,
        state: &State,
        recorder: &mut Recorder,
    ) {
        let (block, definite) = (recorder.block, !state.partial.contains(&place));
        for site in state.sites_of(place) {
            let states = state.sites[site.0 as usize];
            let failed = state.failed.contains(&(place, site));
            Self::record(recorder, |graph| {
                graph.uses.push(UseEvent {
                    site,
                    place,
                    span,
                    how,
                    unchecked: states.contains(SiteStates::UNCHECKED) || failed,
                    states,
                    block,
                    definite,
                })
            });
        }
    }

    /// Past a read through `place`, the program did not crash on NULL: the block it
    /// points to (when it points to one only) is not NULL there, so the first unchecked
    /// use is the one reported and a helper that writes through its fresh block before
    /// returning it does not hand its callers a NULL.
    /// A reallocation's result keeps its failure visible: whether a failed
    /// `p = realloc(p, n)` goes on is what CY003 asks.
    fn survived_use(&self, place: PlaceId, state: &mut State) {
        let Some(targets) = state.points.get(&place) else {
            return;
        };
        let mut sites = targets.iter().filter_map(|target| match target {
            Target::Site(site) => Some(*site),
            Target::Null => None,
        });
        let (Some(site), None) = (sites.next(), sites.next()) else {
            return;
        };
        if targets.len() != 1 || self.graph_sites[site.0 as usize].reallocates.is_some() {
            return;
        }
        let states = &mut state.sites[site.0 as usize];
        if states.contains(SiteStates::UNCHECKED) {
            *states = states
                .without(SiteStates::UNCHECKED)
                .union(SiteStates::NON_NULL);
        }
    }

    /// A constant element nothing stored into yet holds what any element may hold.
    fn materialize(&self, place: PlaceId, state: &mut State) {
        let Some(Some(any)) = self.any_element.get(place.0 as usize) else {
            return;
        };
        if state.points.contains_key(&place) {
            return;
        }
        if let Some(targets) = state.points.get(any).cloned() {
            state.points.insert(place, targets);
        }
    }

    fn transfer(&self, stmt: &Stmt, state: &mut State, recorder: &mut Recorder) -> bool {
        if !self.any_element.iter().all(Option::is_none) {
            let read: Vec<PlaceId> = match stmt {
                Stmt::Use { place, .. }
                | Stmt::Assume { place, .. }
                | Stmt::Examined { place }
                | Stmt::Delete { place, .. } => vec![*place],
                Stmt::Assign {
                    value: Value::Place(place),
                    ..
                }
                | Stmt::Return {
                    value: Value::Place(place),
                    ..
                } => vec![*place],
                Stmt::Call(call) => self
                    .function
                    .call(*call)
                    .args
                    .iter()
                    .filter_map(|arg| match arg {
                        Value::Place(place) => Some(*place),
                        _ => None,
                    })
                    .collect(),
                _ => Vec::new(),
            };
            for place in read {
                self.materialize(place, state);
            }
        }
        match stmt {
            Stmt::Call(call_id) => return self.call(*call_id, state, recorder),
            Stmt::Assign {
                target,
                value,
                span,
            } => self.assign(*target, *value, *span, state, recorder),
            Stmt::Use { place, kind, span } => {
                Self::record_uses(*place, *span, UseHow::from(*kind), state, recorder);
                self.survived_use(*place, state);
            }
            Stmt::Assume {
                place,
                non_null,
                span,
                ..
            } => return self.assume(*place, *non_null, *span, state, recorder),
            Stmt::Return { value, span } => {
                Self::record(recorder, |graph| {
                    graph
                        .returning
                        .resize(state.sites.len(), SiteStates::default());
                    for (returning, states) in graph.returning.iter_mut().zip(&state.sites) {
                        *returning = returning.union(*states);
                    }
                });
                let returned = match value {
                    Value::Place(place) => state.sites_of(*place),
                    Value::Call(call) => self.site_of_call[call.0 as usize]
                        .map(|(site, _)| vec![site])
                        .unwrap_or_default(),
                    Value::Null | Value::Other => Vec::new(),
                };
                for site in returned {
                    let states = state.sites[site.0 as usize];
                    state.sites[site.0 as usize] = SiteStates::ESCAPED;
                    let block = recorder.block;
                    Self::record(recorder, |graph| {
                        graph.escapes.push(EscapeEvent {
                            site,
                            span: *span,
                            how: EscapeHow::Returned,
                            states,
                            block,
                        })
                    });
                }
            }
            Stmt::Delete { place, span } => {
                self.release(*place, CPP, "del", *span, state, recorder);
            }
            Stmt::AddressTaken { place } => {
                let outer = self.function.place(*place);
                let held: Vec<SiteId> = state
                    .points
                    .keys()
                    .filter(|inner| {
                        **inner == *place || outer.strictly_contains(self.function.place(**inner))
                    })
                    .flat_map(|inner| state.sites_of(*inner))
                    .collect();
                let block = recorder.block;
                Self::record(recorder, |graph| {
                    graph
                        .address_taken
                        .extend(held.into_iter().map(|site| (site, block)))
                });
                self.forget(*place, state);
            }
            // Flags and their tests: only the class model's guards read them.
            Stmt::Constant { .. } | Stmt::Compare { .. } | Stmt::Raise => {}
            Stmt::Examined { place } => {
                for site in state.sites_of(*place) {
                    let states = &mut state.sites[site.0 as usize];
                    if states.contains(SiteStates::UNCHECKED) {
                        *states = states
                            .without(SiteStates::UNCHECKED)
                            .union(SiteStates::NON_NULL)
                            .union(SiteStates::NULL);
                    }
                }
            }
        }
        true
    }

    /// False when the call cannot return this way (a helper that raises on NULL was
    /// handed a NULL pointer).
    fn call(&self, call_id: CallId, state: &mut State, recorder: &mut Recorder) -> bool {
        let call = self.function.call(call_id);
        let classified = self
            .families
            .classify(&call.callee, self.context.resolution.unbound_names_resolve);
        let callee_name = call.callee.display_name();
        match classified {
            Some((family, Role::Release)) => {
                if let Some(Value::Place(place)) = call.args.first() {
                    self.release(*place, family, callee_name, call.span, state, recorder);
                }
            }
            Some((family, Role::Reallocate)) => {
                if let Some(Value::Place(place)) = call.args.first() {
                    for site in state.sites_of(*place) {
                        if state.born_elsewhere(site) {
                            continue;
                        }
                        let (before, block) = (state.sites[site.0 as usize], recorder.block);
                        let definite = !state.partial.contains(place);
                        Self::record(recorder, |graph| {
                            graph.releases.push(ReleaseEvent {
                                site,
                                place: *place,
                                span: call.span,
                                callee: callee_name.to_string(),
                                family,
                                reallocating: true,
                                before,
                                block,
                                definite,
                            })
                        });
                    }
                }
                self.allocate(call_id, state, recorder);
            }
            Some((_, Role::Allocate)) => self.allocate(call_id, state, recorder),
            None => {
                let summary = self.context.summary_of(&call.callee, &self.classes);
                // Arguments the helper releases are handed over, not read through.
                let mut released = vec![false; call.args.len()];
                if let Some(summary) = summary {
                    for release in &summary.releases {
                        let Some((argument, place)) = self.argument_place(call_id, release) else {
                            continue;
                        };
                        if let Some(index) = argument {
                            released[index] = true;
                        }
                        self.release(
                            place,
                            release.family,
                            callee_name,
                            call.span,
                            state,
                            recorder,
                        );
                    }
                }
                // The parameter an argument binds: `self` comes first in a method.
                let parameter = |index: usize| match call.callee {
                    Callee::Method(_) => index + 1,
                    _ => index,
                };
                // `holder.reset(new T())`: a fresh block given straight to a call is the
                // callee's to keep.
                for arg in &call.args {
                    let Value::Call(inner) = arg else { continue };
                    if let Some((site, _)) = self.site_of_call[inner.0 as usize] {
                        let block = recorder.block;
                        Self::record(recorder, |graph| graph.passed.push((site, call_id, block)));
                    }
                }
                for (index, arg) in call.args.iter().enumerate() {
                    let Value::Place(place) = arg else { continue };
                    if !released[index] {
                        let (held, block) = (state.sites_of(*place), recorder.block);
                        Self::record(recorder, |graph| {
                            let passed = held.into_iter().map(|site| (site, call_id, block));
                            graph.passed.extend(passed)
                        });
                    }
                    let tolerated = summary
                        .is_some_and(|s| s.tolerates.contains(&parameter(index)))
                        || NULL_TOLERANT.contains(&callee_name);
                    if released[index] || tolerated {
                        continue;
                    }
                    Self::record_uses(
                        *place,
                        call.span,
                        UseHow::PassedTo(call_id),
                        state,
                        recorder,
                    );
                }
                if self.site_of_call[call_id.0 as usize].is_some() {
                    self.allocate(call_id, state, recorder);
                }
                // A helper that only returns when its parameter is not NULL is a check.
                for (index, arg) in call.args.iter().enumerate() {
                    let Value::Place(place) = arg else { continue };
                    if summary.is_some_and(|s| s.checks.contains(&parameter(index)))
                        && !self.assume(*place, true, call.span, state, recorder)
                    {
                        return false;
                    }
                }
                // `raise_error(-1)`, whose every path raises: nothing runs after it.
                if summary.is_some_and(|s| s.never_returns) {
                    return false;
                }
            }
        }
        true
    }

    fn allocate(&self, call: CallId, state: &mut State, recorder: &mut Recorder) {
        if recorder.graph.is_some() && self.site_of_call[call.0 as usize].is_some() {
            let (held, block) = (self.held_by_locals(state), recorder.block);
            Self::record(recorder, |graph| {
                graph
                    .held_at_allocations
                    .push(HeldAtAllocation { call, block, held })
            });
        }
        if let Some((site, never_null)) = self.site_of_call[call.0 as usize] {
            if let Some(Some(older)) = self.older.get(site.0 as usize) {
                let (recent, older) = (Target::Site(site), Target::Site(*older));
                let mut moved = false;
                for targets in state.points.values_mut() {
                    if targets.contains(&recent) {
                        targets.remove(&recent);
                        targets.insert(older);
                        moved = true;
                    }
                }
                if moved {
                    let Target::Site(older_site) = older else {
                        unreachable!()
                    };
                    let index = older_site.0 as usize;
                    state.sites[index] = state.sites[index].union(state.sites[site.0 as usize]);
                    state.born.remove(&older_site);
                    state.failed = std::mem::take(&mut state.failed)
                        .into_iter()
                        .map(|(place, failed)| {
                            (place, if failed == site { older_site } else { failed })
                        })
                        .collect();
                }
            }
            if state.flags.is_empty() {
                state.born.remove(&site);
            } else {
                state.born.insert(site, state.flags.clone());
            }
            state.sites[site.0 as usize] = if never_null {
                SiteStates::NON_NULL
            } else {
                SiteStates::UNCHECKED
            };
        }
    }

    /// The locals that hold one block allocated here (or NULL) on every path reaching
    /// this point, with its states ([`HeldAtAllocation`]).
    fn held_by_locals(&self, state: &State) -> Vec<(PlaceId, SiteId, SiteStates)> {
        state
            .points
            .iter()
            .filter(|(place, _)| {
                self.function.place(**place).path.is_empty() && !state.partial.contains(place)
            })
            .filter_map(|(place, targets)| {
                let mut sites = targets.iter().filter_map(|target| match target {
                    Target::Site(site) => Some(*site),
                    Target::Null => None,
                });
                let site = sites.next()?;
                if sites.next().is_some() || state.born_elsewhere(site) {
                    return None;
                }
                let allocated_here = matches!(
                    self.graph_sites[site.0 as usize].origin,
                    SiteOrigin::Call(_)
                );
                allocated_here.then(|| (*place, site, state.sites[site.0 as usize]))
            })
            .collect()
    }

    /// The place in this function a helper's released parameter denotes, with the index
    /// of the argument it is (`None` for the receiver of `self.helper()`).
    fn argument_place(
        &self,
        call: CallId,
        release: &ReleasedParameter,
    ) -> Option<(Option<usize>, PlaceId)> {
        let call = self.function.call(call);
        let (argument, base) = match &call.callee {
            Callee::Method(_) if release.param == 0 => (None, Place::local("self")),
            Callee::Method(_) => match call.args.get(release.param - 1)? {
                Value::Place(place) => {
                    (Some(release.param - 1), self.function.place(*place).clone())
                }
                _ => return None,
            },
            _ => match call.args.get(release.param)? {
                Value::Place(place) => (Some(release.param), self.function.place(*place).clone()),
                _ => return None,
            },
        };
        match &release.field {
            None => Some((argument, self.function.place_id(&base)?)),
            Some(field) => {
                let mut place = base;
                place.path.push(Projection::Field(field.clone()));
                Some((None, self.function.place_id(&place)?))
            }
        }
    }

    fn release(
        &self,
        place: PlaceId,
        family: FamilyId,
        callee: &str,
        span: Span,
        state: &mut State,
        recorder: &mut Recorder,
    ) {
        for site in state.sites_of(place) {
            if state.born_elsewhere(site) {
                // Allocated only on paths that tested a flag the other way: the block
                // does not exist on this one, so nothing of it is left to free or leak.
                state.sites[site.0 as usize] = SiteStates::default();
                continue;
            }
            // `free(NULL)` is allowed: a block that may have failed to allocate is still
            // NULL on that path (a failed realloc whose old block leaked, say).
            let states = &mut state.sites[site.0 as usize];
            let (before, block) = (*states, recorder.block);
            let definite = !state.partial.contains(&place);
            let maybe_null =
                states.contains(SiteStates::UNCHECKED) || states.contains(SiteStates::NULL);
            *states = if maybe_null {
                SiteStates::FREED.union(SiteStates::NULL)
            } else {
                SiteStates::FREED
            };
            Self::record(recorder, |graph| {
                graph.releases.push(ReleaseEvent {
                    site,
                    place,
                    span,
                    callee: callee.to_string(),
                    family,
                    reallocating: false,
                    before,
                    block,
                    definite,
                })
            });
        }
    }

    /// `old = p` before `p = realloc(p, n)`: the old block is not lost on failure. The
    /// elements `p[i]` stands for are `p[0]` itself (in a loop, `buf[0] = realloc(buf[0],
    /// n)` leaves its block in `buf[...]` too), not another holder.
    fn kept_elsewhere(&self, target: PlaceId, previous: &[SiteId], state: &State) -> bool {
        let same_element = self.any_element.get(target.0 as usize).copied().flatten();
        !previous.is_empty()
            && previous.iter().all(|site| {
                state.points.iter().any(|(place, targets)| {
                    *place != target
                        && Some(*place) != same_element
                        && targets.contains(&Target::Site(*site))
                })
            })
    }

    fn assign(
        &self,
        target: PlaceId,
        value: Value,
        span: crate::diagnostic::Span,
        state: &mut State,
        recorder: &mut Recorder,
    ) {
        let targets: Option<Targets> = match value {
            Value::Call(call) => {
                self.site_of_call[call.0 as usize].map(|(site, _)| Targets::one(Target::Site(site)))
            }
            Value::Place(source) => state.points.get(&source).cloned(),
            Value::Null => Some(Targets::one(Target::Null)),
            Value::Other => None,
        };
        if let Value::Call(call) = value {
            let reallocates = self.site_of_call[call.0 as usize]
                .and_then(|(site, _)| self.graph_sites[site.0 as usize].reallocates);
            // `p = realloc(p, n)` while `p` can only be NULL is a first allocation: a
            // failure loses nothing.
            let only_null = state
                .points
                .get(&target)
                .is_some_and(|targets| targets.iter().all(|t| *t == Target::Null));
            let previous = state.sites_of(target);
            let kept_elsewhere = self.kept_elsewhere(target, &previous, state);
            if reallocates == Some(target) && !only_null && !kept_elsewhere {
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
        // `tmp = realloc(p, n)` then `p = tmp` before `tmp` is checked: the same overwrite
        // in two statements.
        if let (Value::Place(source), Some(targets)) = (value, &targets) {
            let reallocated = match targets.iter().as_slice() {
                [Target::Site(site)] => Some(*site),
                _ => None,
            };
            let overwrite = reallocated.and_then(|site| {
                let allocation = &self.graph_sites[site.0 as usize];
                let unchecked = state.sites[site.0 as usize].contains(SiteStates::UNCHECKED);
                match allocation.origin {
                    SiteOrigin::Call(call)
                        if allocation.reallocates == Some(target)
                            && unchecked
                            && source != target =>
                    {
                        Some(call)
                    }
                    _ => None,
                }
            });
            if let Some(call) = overwrite {
                let previous: Vec<SiteId> = state
                    .sites_of(target)
                    .into_iter()
                    .filter(|site| Some(*site) != reallocated)
                    .collect();
                if !self.kept_elsewhere(target, &previous, state) {
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
        }
        let place = self.function.place(target);
        let outlives =
            !place.path.is_empty() || place.root == "self" || self.function.is_global(&place.root);
        if outlives {
            if let Some(targets) = &targets {
                for target_site in targets {
                    if let Target::Site(site) = target_site {
                        let states = state.sites[site.0 as usize];
                        let block = recorder.block;
                        Self::record(recorder, |graph| {
                            graph.escapes.push(EscapeEvent {
                                site: *site,
                                span,
                                how: EscapeHow::Stored(target),
                                states,
                                block,
                            })
                        });
                    }
                }
            }
        }
        // A constant element is also one of the elements `a[i]` stands for; an element
        // `a[i]` may be any constant one stored into so far (the others read `a[i]`).
        if let Some(targets) = &targets {
            let also: Vec<PlaceId> = match self.any_element[target.0 as usize] {
                Some(any) => vec![any],
                None => self
                    .elements
                    .get(&target)
                    .into_iter()
                    .flatten()
                    .copied()
                    .filter(|element| state.points.contains_key(element))
                    .collect(),
            };
            for other in also {
                state
                    .points
                    .entry(other)
                    .or_default()
                    .extend(targets.iter().copied());
            }
        }
        if place.is_strong() {
            self.record_overwrite(target, span, state, recorder);
            self.forget(target, state);
            // `last = this` in a list walk: a copy of a partial place is partial too.
            if let Value::Place(source) = value {
                if state.partial.contains(&source) {
                    state.partial.insert(target);
                }
            }
            match targets {
                Some(targets) => {
                    state.points.insert(target, targets);
                }
                // Holds nothing tracked now, not whatever `a[...]` holds.
                None if self.any_element[target.0 as usize].is_some() => {
                    state.points.insert(target, Targets::default());
                }
                None => {}
            }
        } else if let Some(targets) = targets {
            state
                .points
                .entry(target)
                .or_default()
                .extend(targets.iter().copied());
        }
    }

    /// A strong store into `target`: each block it held may lose its last pointer.
    fn record_overwrite(
        &self,
        target: PlaceId,
        span: Span,
        state: &State,
        recorder: &mut Recorder,
    ) {
        if recorder.graph.is_none() {
            return;
        }
        let only_target = !state.partial.contains(&target)
            && state
                .points
                .get(&target)
                .is_some_and(|t| t.iter().filter(|t| **t != Target::Null).count() == 1);
        let block = recorder.block;
        for site in state.sites_of(target) {
            let held_elsewhere = state
                .points
                .iter()
                .any(|(place, targets)| *place != target && targets.contains(&Target::Site(site)));
            let states = state.sites[site.0 as usize];
            Self::record(recorder, |graph| {
                graph.overwrites.push(OverwriteEvent {
                    site,
                    place: target,
                    span,
                    states,
                    held_elsewhere,
                    only_target,
                    block,
                })
            });
        }
    }

    /// The place (and every place inside it) no longer holds a known block.
    fn forget(&self, place: PlaceId, state: &mut State) {
        state.points.remove(&place);
        if !state.partial.is_empty() {
            let outer = self.function.place(place);
            state.partial.retain(|partial| {
                *partial != place && !outer.strictly_contains(self.function.place(*partial))
            });
        }
        if !state.failed.is_empty() {
            let outer = self.function.place(place);
            state.failed.retain(|(failed, _)| {
                *failed != place && !outer.strictly_contains(self.function.place(*failed))
            });
        }
        if state.flags.remove(&place).is_some() {
            for born in state.born.values_mut() {
                born.remove(&place);
            }
        }
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
        // A test of a pointer narrows its block instead; flags are the booleans (and
        // parameters) that choose between allocators.
        let holds_allocation = state.points.get(&place).is_some_and(|targets| {
            targets.iter().any(|target| match target {
                Target::Site(site) => self.graph_sites[site.0 as usize].call().is_some(),
                Target::Null => true,
            })
        });
        if !holds_allocation {
            state.flags.insert(place, non_null);
            // `if owns: free(p)`: on the path where `owns` is false, a block allocated
            // only where it was true does not exist, so it can neither leak nor be freed.
            let unborn: Vec<SiteId> = state
                .born
                .keys()
                .copied()
                .filter(|site| state.born_elsewhere(*site))
                .collect();
            for site in unborn {
                state.sites[site.0 as usize] = SiteStates::default();
            }
        }
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
            state.failed.retain(|(failed, _)| *failed != place);
            let Some(targets) = state.points.get_mut(&place) else {
                return true;
            };
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
                let before = state.sites[site.0 as usize];
                let narrowed = before.assume_null();
                if narrowed.is_empty() {
                    return false;
                }
                state.sites[site.0 as usize] = narrowed;
                if before.contains(SiteStates::UNCHECKED) {
                    state.failed.insert((place, site));
                }
            }
        } else {
            // `p = malloc(n) if small else PyMem_Malloc(n)`, then `if p == NULL`: whichever
            // block `p` holds on this path is NULL. A block no other place holds can be
            // nowhere else, so it is NULL (or was never made) here too.
            let tested = state.points.get(&place).cloned().unwrap_or_default();
            for site in sites {
                // An alias holding exactly what `p` holds (`p = tmp`) holds the same block.
                let held_elsewhere = state.points.iter().any(|(other, targets)| {
                    *other != place && targets.contains(&Target::Site(site)) && *targets != tested
                });
                let before = state.sites[site.0 as usize];
                let narrowed = before.assume_null();
                if narrowed.is_empty() {
                    // A block known not to be NULL is not what `p` holds on this path.
                    if let Some(targets) = state.points.get_mut(&place) {
                        targets.remove(&Target::Site(site));
                        if targets.is_empty() {
                            return false;
                        }
                    }
                    continue;
                }
                if held_elsewhere {
                    continue;
                }
                state.sites[site.0 as usize] = narrowed;
                if before.contains(SiteStates::UNCHECKED) {
                    state.failed.insert((place, site));
                }
            }
        }
        true
    }
}

/// Records how a basic block that reaches the exit leaves, with the states there.
fn record_leave(function: &Function, block: BlockId, state: &State, recorder: &mut Recorder) {
    let Some(graph) = recorder.graph.as_deref_mut() else {
        return;
    };
    let how = match function.block(block).stmts.last() {
        Some(Stmt::Return { span, .. }) => LeaveHow::Returns(*span),
        _ => function
            .raises
            .iter()
            .find(|(raised, _)| *raised == block)
            .map_or(LeaveHow::Other, |(_, span)| LeaveHow::Raises(*span)),
    };
    graph.leaves.push(LeaveEvent {
        block,
        how,
        sites: state.sites.clone(),
    });
}

/// The blocks that call an allocator, with the calls.
fn blocks_of_calls(
    function: &Function,
    site_of_call: &[Option<(SiteId, bool)>],
) -> Vec<(BlockId, Vec<CallId>)> {
    let mut found = Vec::new();
    for (index, block) in function.blocks.iter().enumerate() {
        let calls: Vec<CallId> = block
            .stmts
            .iter()
            .filter_map(|stmt| match stmt {
                Stmt::Call(call) if site_of_call[call.0 as usize].is_some() => Some(*call),
                _ => None,
            })
            .collect();
        if !calls.is_empty() {
            found.push((BlockId(index as u32), calls));
        }
    }
    found
}

/// Whether control can come back to a block after leaving it.
fn in_a_cycle(function: &Function, start: BlockId) -> bool {
    let mut seen = vec![false; function.blocks.len()];
    let mut pending: Vec<BlockId> = function.block(start).succs.clone();
    while let Some(block) = pending.pop() {
        if block == start {
            return true;
        }
        if std::mem::replace(&mut seen[block.0 as usize], true) {
            continue;
        }
        pending.extend(function.block(block).succs.iter().copied());
    }
    false
}
