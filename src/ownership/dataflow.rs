//! The ownership analysis behind [`OwnershipGraph`], run by the [`engine`]: what each
//! place points to and what state each block may be in, at every point of a function.
//!
//! A block's state is a set of possibilities (one bit each), so a join is a union and a
//! NULL check narrows: `if p == NULL: raise` leaves only "checked, not NULL" on the
//! fall-through edge. A path on which a check contradicts what is known is dropped.
//!
//! States scale with what they hold, not with the function: the states of the allocation
//! sites and what each place points to are [`ChunkedVec`]s indexed by site and by place
//! (copies share untouched chunks), and what lies inside a place is precomputed once, so
//! no step scans every place.

use std::cell::{Cell, OnceCell, RefCell};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::rc::Rc;

use crate::diagnostic::Span;
use crate::ir::capsules::capsule_function;
use crate::ir::{
    BlockId, CallId, Callee, Function, Place, PlaceId, Projection, Stmt, Terminator, Value,
};
use crate::ownership::chunked::{ChunkedVec, JoinedChunks};
use crate::ownership::conditions::{self, Test};
use crate::ownership::engine::{self, JoinSemiLattice};
use crate::ownership::families::{FamilyId, FamilyTable, Role, CPP};
use crate::ownership::summary::ReleasedParameter;
use crate::ownership::{
    AllocationSite, CheckEvent, Context, EscapeEvent, EscapeHow, ExitState, HeldAtAllocation,
    LeaveEvent, LeaveHow, OverwriteEvent, OwnershipGraph, ReallocOverwrite, ReleaseEvent, SiteId,
    SiteOrigin, UnwindEvent, UseEvent, UseHow,
};

/// C functions that read or fill a block they are given and keep no pointer to it:
/// passing a block to one hands nothing off.
pub(crate) const BORROWERS: &[&str] = &[
    "memcpy",
    "memmove",
    "memset",
    "memcmp",
    "strcpy",
    "strncpy",
    "strcat",
    "strncat",
    "strlen",
    "strcmp",
    "strncmp",
    "sprintf",
    "snprintf",
    "printf",
    "fprintf",
    "fread",
    "fwrite",
    "fgets",
    "qsort",
    "PyBytes_FromStringAndSize",
    "PyBytes_FromString",
    "PyByteArray_FromStringAndSize",
    "PyUnicode_FromString",
    "PyUnicode_FromStringAndSize",
    "PyUnicode_DecodeUTF8",
    "PyUnicode_DecodeLatin1",
    "PyUnicode_DecodeASCII",
];

/// C-API functions that take a pointer as a value and accept NULL: passing an unchecked
/// block to one reads nothing through it.
/// The capsule functions that do are in [`crate::ir::capsules`].
const NULL_TOLERANT: &[&str] = &[
    "PyLong_FromVoidPtr",
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

    /// The states of a block that is allocated and not yet released or handed off.
    pub const LIVE: SiteStates = SiteStates(SiteStates::UNCHECKED.0 | SiteStates::NON_NULL.0);

    /// Whether the block may be allocated (checked or not) on some path.
    pub fn may_be_allocated(self) -> bool {
        self.0 & SiteStates::LIVE.0 != 0
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

impl FromIterator<Target> for Targets {
    fn from_iter<I: IntoIterator<Item = Target>>(targets: I) -> Self {
        let mut collected = Targets::default();
        collected.extend(targets);
        collected
    }
}

impl<'t> IntoIterator for &'t Targets {
    type Item = &'t Target;
    type IntoIter = std::slice::Iter<'t, Target>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct State {
    /// By place; `None` where the place holds nothing the analysis tracks.
    points: ChunkedVec<Option<Targets>>,
    /// By site; empty where the block does not exist on any path here.
    sites: ChunkedVec<SiteStates>,
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
    /// The places that may hold a block after it was released on a path here, with the
    /// block: a property of the place on each path, not of the block. A path that frees
    /// the block and sets the place to NULL leaves the place NULL, so where it joins a
    /// path on which the block lives, the place holds a live block or NULL, never a
    /// dangling one (while the block's own states say it may be freed or not).
    /// By place, the released blocks it may hold (copies share untouched chunks).
    dangling: ChunkedVec<Targets>,
    /// Blocks some path released through a place that may have held another block: freed
    /// there, or the other one was (see [`ExitState::freed_uncertainly`]).
    /// By site.
    uncertain: ChunkedVec<bool>,
    /// Wherever the place holds the block on this path, the block is not NULL (a check
    /// or a use of it through this place, or a copy of a checked place). Per place, so
    /// that a join with a path on which the block is fresh but held elsewhere (a loop's
    /// reallocation while `ret` still holds last turn's block) keeps it.
    /// By place, the blocks checked through it (copies share untouched chunks). A place
    /// is only ever marked checked for a block it holds, so every entry of a site lies in
    /// one of the site's possible holders ([`Holders`]), which is where forgetting a
    /// site looks.
    checked: ChunkedVec<Targets>,
    /// Error flags and status codes (`failed = True` on the NULL path, `rc = 0` on the
    /// other): for a local assigned constants on every path here, by value, what holds
    /// on every path where it holds that value. A value absent from the map is held on no
    /// path (anything is implied). A test of the local (`if failed: raise`, `if rc ==
    /// 0:`) then applies it. Likewise for a test of a steady local that the function
    /// asks again (`if c:` ... `if not c:`), by its answer (see [`Subject::Test`]).
    /// Shared between copies until one of them writes (most statements touch no flag):
    /// a copy costs a pointer, and a join of two states still sharing it skips it.
    implied: Rc<ImpliedMap>,
}

/// What each followed subject's values imply (see [`State::implied`]).
type ImpliedMap = BTreeMap<Subject, BTreeMap<i64, Implied>>;

/// What a correlated condition is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Subject {
    /// A local assigned constants: by the value it holds.
    Value(PlaceId),
    /// A question about a steady local a test answered (`c == 0` for `if c:`): by the
    /// answer, 1 for yes and 0 for no. Where one answer is held on every path here, the
    /// state is itself what it implies, so on each edge into a join point what it
    /// implies is taken from the state again ([`Ownership::settle`]): the branch's
    /// releases (`if c: free(p)`) are known by the next test of `c`.
    Test(Test),
}

impl Subject {
    fn place(self) -> PlaceId {
        match self {
            Subject::Value(place) => place,
            Subject::Test(test) => test.place,
        }
    }
}

/// At most this many questions about steady locals are followed at once; past it the
/// one answered longest ago is dropped (its next test starts it afresh), so a function
/// asking many questions again and again pays for a few at a time.
const MAX_TESTS_FOLLOWED: usize = 8;

/// What a flag's value implies: places checked, places whose blocks are NULL, places
/// that hold no released block, places that hold only released ones (`free(p); done
/// = True` ... `if not done: free(p)`), and the blocks that may exist at all.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Implied {
    checked: PlaceSet,
    null: PlaceSet,
    live: PlaceSet,
    freed: PlaceSet,
    /// The blocks' states where the flag took this value, read only for whether a block
    /// may be live there (allocated, not yet freed or handed off): a block becomes live
    /// again only by an allocation, which marks it live under every value, so a block not
    /// live here is live on no path where the flag holds this value (`owned = False`
    /// before `if c: b = malloc(n)` ... `owned = True`; `if b != NULL: owned = True`). A
    /// copy of the state's own vector, so it shares its chunks.
    existing: ChunkedVec<SiteStates>,
    /// For a test's answer, the block whose statement last gave it (the latest on any
    /// path): which followed question was answered longest ago. 0 for a constant.
    answered_at: u32,
    /// Which blocks may exist is not known (`existing` is empty): a question just asked,
    /// before the next join point takes what its answer implies from the state. The top
    /// of `existing`, so that asking it is monotone.
    anything_exists: bool,
}

/// A sorted set of places in one vector: what a flag implies is copied with the states
/// and dropped with them, and a `BTreeSet` of a few hundred places (every place holding
/// a live block) cost a tree of nodes to copy and to free each time.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct PlaceSet(Vec<PlaceId>);

impl PlaceSet {
    fn contains(&self, place: &PlaceId) -> bool {
        self.0.binary_search(place).is_ok()
    }

    /// Adds a place; whether it was new.
    fn insert(&mut self, place: PlaceId) -> bool {
        match self.0.binary_search(&place) {
            Ok(_) => false,
            Err(at) => {
                self.0.insert(at, place);
                true
            }
        }
    }

    /// Removes a place; whether it was there.
    fn remove(&mut self, place: &PlaceId) -> bool {
        match self.0.binary_search(place) {
            Ok(at) => {
                self.0.remove(at);
                true
            }
            Err(_) => false,
        }
    }

    /// Keeps the places `other` holds too (both sorted: one merge).
    fn intersect(&mut self, other: &PlaceSet) {
        if self.0 == other.0 {
            return;
        }
        let mut theirs = other.0.iter().peekable();
        self.0.retain(|place| {
            while theirs.next_if(|their| *their < place).is_some() {}
            theirs.peek() == Some(&place)
        });
    }

    fn iter(&self) -> std::slice::Iter<'_, PlaceId> {
        self.0.iter()
    }
}

impl FromIterator<PlaceId> for PlaceSet {
    fn from_iter<I: IntoIterator<Item = PlaceId>>(places: I) -> Self {
        let mut places: Vec<PlaceId> = places.into_iter().collect();
        places.sort_unstable();
        places.dedup();
        PlaceSet(places)
    }
}

impl Implied {
    fn intersect(&mut self, other: &Implied) {
        self.checked.intersect(&other.checked);
        self.null.intersect(&other.null);
        self.live.intersect(&other.live);
        self.freed.intersect(&other.freed);
        // Absent where it is absent on both sides.
        if self.anything_exists || other.anything_exists {
            self.anything_exists = true;
            self.existing = ChunkedVec::default();
        } else {
            self.existing.join_with(&other.existing, join_site_states);
        }
        self.answered_at = self.answered_at.max(other.answered_at);
    }
}

impl JoinSemiLattice for State {
    fn join(&mut self, other: &State) -> bool {
        let mut changed = false;
        // A flag known on both sides: by value, what both imply (a value one side never
        // holds implies anything there); known on one side only, nothing.
        if !Rc::ptr_eq(&self.implied, &other.implied)
            && (!self.implied.is_empty() || !other.implied.is_empty())
        {
            let mut joined = ImpliedMap::new();
            for (flag, mine) in self.implied.iter() {
                let Some(theirs) = other.implied.get(flag) else {
                    continue;
                };
                let mut values = mine.clone();
                for (value, implied) in theirs {
                    match values.get_mut(value) {
                        Some(known) => known.intersect(implied),
                        None => {
                            values.insert(*value, implied.clone());
                        }
                    }
                }
                joined.insert(*flag, values);
            }
            if joined != *self.implied {
                // Theirs held all of it: share theirs, so that later joins with its
                // descendants skip the comparison.
                self.implied = if joined == *other.implied {
                    Rc::clone(&other.implied)
                } else {
                    Rc::new(joined)
                };
                changed = true;
            } else if self.implied.len() == other.implied.len() && *self.implied == *other.implied {
                self.implied = Rc::clone(&other.implied);
            }
        }
        // Checked on every side that holds it there (before the places join).
        // Per place: a block stays checked when each side checked it or does not hold it
        // there.
        let points = &self.points;
        changed |= self
            .checked
            .join_indexed(&other.checked, |place, mine, theirs| {
                let holds = |points: &ChunkedVec<Option<Targets>>, target: &Target| {
                    points
                        .get(place)
                        .and_then(Option::as_ref)
                        .is_some_and(|targets| targets.contains(target))
                };
                let mut joined = Targets::default();
                for target in mine.iter().chain(theirs.iter()) {
                    let agrees_mine = mine.contains(target) || !holds(points, target);
                    let agrees_theirs = theirs.contains(target) || !holds(&other.points, target);
                    if agrees_mine && agrees_theirs {
                        joined.insert(*target);
                    }
                }
                if joined == *mine {
                    return false;
                }
                *mine = joined;
                true
            });
        for place in self.points.one_sided(&other.points) {
            changed |= self.partial.insert(PlaceId(place as u32));
        }
        for place in &other.partial {
            changed |= self.partial.insert(*place);
        }
        changed |= self.points.join_with(&other.points, join_targets);
        // A flag holds after the join when it held the same way on both sides; a block's
        // birth flags when it was born the same way on both (or on one side only).
        let flags = self.flags.len();
        self.flags
            .retain(|place, value| other.flags.get(place) == Some(value));
        changed |= flags != self.flags.len();
        if !self.born.is_empty() || !other.born.is_empty() {
            // Changed where an entry goes or one differing comes (no copy to compare).
            let mut narrowed = false;
            self.born.retain(|site, mine| {
                if other.site(*site).is_empty() {
                    return true;
                }
                let theirs = other.born.get(site);
                let before = mine.len();
                mine.retain(|place, value| {
                    theirs.is_some_and(|born| born.get(place) == Some(value))
                });
                narrowed |= mine.len() != before || mine.is_empty();
                !mine.is_empty()
            });
            changed |= narrowed;
            for (site, theirs) in &other.born {
                if self.site(*site).is_empty() && self.born.get(site) != Some(theirs) {
                    self.born.insert(*site, theirs.clone());
                    changed = true;
                }
            }
        }
        for failed in &other.failed {
            changed |= self.failed.insert(*failed);
        }
        changed |= self.dangling.join_with(&other.dangling, |mine, theirs| {
            let mut grew = false;
            for site in theirs {
                grew |= mine.insert(*site);
            }
            grew
        });
        changed |= self.uncertain.join_with(&other.uncertain, |mine, theirs| {
            let grew = *theirs && !*mine;
            *mine |= *theirs;
            grew
        });
        changed |= self.sites.join_with(&other.sites, join_site_states);
        changed
    }
}

/// Joins what one place may hold; whether it grew. "Holds nothing tracked" (`None`) is
/// below "holds no target yet".
fn join_targets(mine: &mut Option<Targets>, theirs: &Option<Targets>) -> bool {
    let Some(theirs) = theirs else { return false };
    let mut grew = mine.is_none();
    let mine = mine.get_or_insert_with(Targets::default);
    for target in theirs {
        grew |= mine.insert(*target);
    }
    grew
}

fn join_site_states(mine: &mut SiteStates, theirs: &SiteStates) -> bool {
    let joined = mine.union(*theirs);
    std::mem::replace(mine, joined) != joined
}

impl State {
    fn site(&self, site: SiteId) -> SiteStates {
        self.sites.value(site.0 as usize)
    }

    fn site_mut(&mut self, site: SiteId) -> &mut SiteStates {
        self.sites.get_mut(site.0 as usize)
    }

    fn targets(&self, place: PlaceId) -> Option<&Targets> {
        self.points.get(place.0 as usize).and_then(Option::as_ref)
    }

    fn holds(&self, place: PlaceId) -> bool {
        self.targets(place).is_some()
    }

    fn targets_mut(&mut self, place: PlaceId) -> &mut Targets {
        self.points
            .get_mut(place.0 as usize)
            .get_or_insert_with(Targets::default)
    }

    fn set_targets(&mut self, place: PlaceId, targets: Option<Targets>) {
        self.points.set(place.0 as usize, targets);
    }

    /// Whether a block cannot be here: it was allocated under a test this path took
    /// the other way (or such a test already emptied its states, and its birth flags went
    /// with them).
    fn born_elsewhere(&self, site: SiteId) -> bool {
        self.site(site).is_empty()
            || self.born.get(&site).is_some_and(|born| {
                born.iter()
                    .any(|(place, value)| self.flags.get(place).is_some_and(|now| now != value))
            })
    }

    /// Whether `place` may hold `site` after the block was released, on some path here.
    fn dangles(&self, place: PlaceId, site: SiteId) -> bool {
        self.dangling
            .get(place.0 as usize)
            .is_some_and(|sites| sites.contains(&Target::Site(site)))
    }

    fn start_dangling(&mut self, place: PlaceId, site: SiteId) {
        self.dangling
            .get_mut(place.0 as usize)
            .insert(Target::Site(site));
    }

    /// The block's states as seen through `place`: freed only where some path released
    /// it while the place held it (and has not given the place another value since).
    fn states_through(&self, place: PlaceId, site: SiteId) -> SiteStates {
        let states = self.site(site);
        if self.dangles(place, site) {
            states
        } else {
            states.without(SiteStates::FREED)
        }
    }

    /// The place holds a new value: whatever it held dangling is gone.
    fn stop_dangling(&mut self, place: PlaceId) {
        if self
            .dangling
            .get(place.0 as usize)
            .is_none_or(|sites| sites.is_empty())
        {
            return;
        }
        self.dangling.set(place.0 as usize, Targets::default());
    }

    /// `target` now holds what `source` holds: dangling where `source` dangles.
    fn copy_dangling(&mut self, target: PlaceId, source: PlaceId) {
        if target == source {
            return;
        }
        let Some(copied) = self
            .dangling
            .get(source.0 as usize)
            .filter(|sites| !sites.is_empty())
            .cloned()
        else {
            return;
        };
        let sites = self.dangling.get_mut(target.0 as usize);
        for site in &copied {
            sites.insert(*site);
        }
    }

    /// Whether the block was checked through `place` on every path here where the place
    /// holds it.
    fn is_checked(&self, place: PlaceId, site: SiteId) -> bool {
        self.checked
            .get(place.0 as usize)
            .is_some_and(|sites| sites.contains(&Target::Site(site)))
    }

    fn mark_checked(&mut self, place: PlaceId, site: SiteId) {
        if !self.is_checked(place, site) {
            self.checked
                .get_mut(place.0 as usize)
                .insert(Target::Site(site));
        }
    }

    fn unmark_checked(&mut self, place: PlaceId, site: SiteId) {
        if self.is_checked(place, site) {
            self.checked
                .get_mut(place.0 as usize)
                .remove(&Target::Site(site));
        }
    }

    /// The place holds a new value: no block is checked through it any more.
    fn unmark_place_checked(&mut self, place: PlaceId) {
        if self
            .checked
            .get(place.0 as usize)
            .is_some_and(|sites| !sites.is_empty())
        {
            self.checked.set(place.0 as usize, Targets::default());
        }
    }

    fn sites_of(&self, place: PlaceId) -> Vec<SiteId> {
        self.targets(place)
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
    /// The basic block being run.
    block: BlockId,
}

/// The argument a helper reallocates and returns (`t = grow(buf, n)`: see
/// [`super::summary::ReturnedBlock::reallocates`]), with the block's family: a call of
/// it is a `realloc` of that argument.
fn helper_reallocation(
    summary: Option<&super::summary::Summary>,
    call: &crate::ir::Call,
) -> Option<(FamilyId, PlaceId)> {
    let returned = summary?.returns.as_ref()?;
    let param = returned.reallocates?;
    // `self` is a method's first parameter, not an argument.
    let index = match call.callee {
        Callee::Method(_) => param.checked_sub(1)?,
        _ => param,
    };
    match call.args.get(index)? {
        Value::Place(place) => Some((returned.family, *place)),
        _ => None,
    }
}

pub(super) fn run<'a>(graph: &mut OwnershipGraph<'a>, context: Context<'_>) {
    let function = graph.function;
    let families = graph.families;
    let classes: Vec<String> = function.class.iter().cloned().collect();
    let classify =
        |callee: &Callee| families.classify(callee, context.resolution.unbound_names_resolve);
    graph.releases_capsule_pointer =
        super::callbacks::capsule_pointer_release(function, &classify, &context);
    graph.callback_releases = super::callbacks::callback_releases(function, &classify, &context);
    // Allocation sites: one per call to an allocator, a reallocator, or a helper that
    // returns a fresh block.
    let mut site_of_call = vec![None; function.calls.len()];
    // Calls whose block goes to the caller's `&place` only: their value is not it.
    let mut out_only = vec![false; function.calls.len()];
    let mut releases_something = false;
    graph.raising_callees = vec![false; function.calls.len()];
    for (index, call) in function.calls.iter().enumerate() {
        let summary = context.summary_of(&call.callee, &classes);
        graph.raising_callees[index] = summary.is_some_and(|s| s.raises);
        releases_something |= summary.is_some_and(|s| !s.releases.is_empty());
        let mut out_place = None;
        let (family, reallocates, never_null) = match classify(&call.callee) {
            Some((_, Role::Release)) => {
                releases_something = true;
                continue;
            }
            // `posix_memalign(&p, alignment, size)`: `p` receives the block; the call's
            // value is a status, not it.
            Some((family, Role::AllocateThrough)) => match call.args.first() {
                Some(Value::Address(place)) => {
                    out_only[index] = true;
                    out_place = Some(*place);
                    (family, None, false)
                }
                _ => continue,
            },
            Some((family, role)) => {
                let reallocates = match (role, call.args.first()) {
                    (Role::Reallocate, Some(Value::Place(place))) => Some(*place),
                    _ => None,
                };
                (family, reallocates, families.family(family).never_null)
            }
            None => match summary.and_then(|s| s.returns.as_ref()) {
                Some(returned) => {
                    // A reallocating helper returns NULL where its `realloc` failed, also
                    // when it checked the result before returning it.
                    let resized = helper_reallocation(summary, call).map(|(_, place)| place);
                    let never_null = resized.is_none() && !returned.may_be_null;
                    (returned.family, resized, never_null)
                }
                None => match summary.and_then(|s| s.out_argument(call)) {
                    Some((place, out)) => {
                        out_only[index] = true;
                        out_place = Some(place);
                        (out.family, None, !out.may_be_null)
                    }
                    None => continue,
                },
            },
        };
        site_of_call[index] = Some((SiteId(graph.sites.len() as u32), never_null));
        graph.sites.push(AllocationSite {
            origin: SiteOrigin::Call(CallId(index as u32)),
            family: Some(family),
            callee: call.callee.display_name().to_string(),
            span: Some(call.span),
            reallocates,
            out_place,
        });
    }
    // `t = table_new(n)` whose `t.data` the helper filled with a fresh block: the local's
    // field holds that block (its family for CY002; its NULL check and its leak are the
    // helper's, so it counts as a block the local's field held, not one allocated here).
    let mut field_sites: HashMap<CallId, Vec<(PlaceId, SiteId)>> = HashMap::new();
    for stmt in function.blocks.iter().flat_map(|block| &block.stmts) {
        let Stmt::Assign {
            target,
            value: Value::Call(call),
            ..
        } = stmt
        else {
            continue;
        };
        let callee = &function.call(*call).callee;
        if classify(callee).is_some() {
            continue;
        }
        let Some(returned) = context
            .summary_of(callee, &classes)
            .and_then(|summary| summary.returns.as_ref())
        else {
            continue;
        };
        let holder = function.place(*target);
        if holder.root == "self" || function.params.contains(&holder.root) {
            continue;
        }
        for (name, family) in &returned.fields {
            let mut field = holder.clone();
            field.path.push(Projection::Field(name.clone()));
            let Some(place) = function.place_id(&field) else {
                continue;
            };
            field_sites
                .entry(*call)
                .or_default()
                .push((place, SiteId(graph.sites.len() as u32)));
            graph.sites.push(AllocationSite {
                origin: SiteOrigin::Incoming(place),
                family: Some(*family),
                callee: callee.display_name().to_string(),
                span: Some(function.call(*call).span),
                reallocates: None,
                out_place: None,
            });
        }
    }
    // An allocation in a loop makes a new block each time round while places may still
    // hold the one from the time before (`prev = cur`): a second site stands for those
    // older blocks, so a check of the old one says nothing of the new.
    let mut older = vec![None; graph.sites.len()];
    let shape = engine::Shape::of(function);
    let in_cycles = engine::blocks_in_cycles(function, &shape);
    for (block, allocates) in blocks_of_calls(function, &site_of_call) {
        if !in_cycles[block.0 as usize] {
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
                // `if self.cells == NULL: raise`: the summary says whether the method
                // returns only with the field checked.
                Stmt::Assume {
                    place,
                    against_null: true,
                    ..
                } if {
                    let place = function.place(*place);
                    matches!(place.path.as_slice(), [Projection::Field(_)])
                        && function.params.contains(&place.root)
                } =>
                {
                    true
                }
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
    // `free(pp[0])` of a `char** pp` parameter: the block the caller's `&b` held, which
    // the summary says the function releases (only such a slot: a `p[0]` read or written
    // elsewhere is a value, not a block of the caller's).
    let released_slots: std::collections::HashSet<PlaceId> = function
        .calls
        .iter()
        .filter(|call| matches!(classify(&call.callee), Some((_, Role::Release))))
        .filter_map(|call| match call.args.first() {
            Some(Value::Place(place)) => Some(*place),
            _ => None,
        })
        .filter(|place| {
            let place = function.place(*place);
            matches!(place.path.as_slice(), [Projection::Element(0)])
                && function.params.contains(&place.root)
        })
        .collect();
    // The blocks parameters and their fields hold on entry (`self.data` for a method).
    let mut entry = State::default();
    for (index, place) in function.places.iter().enumerate() {
        // `self.ctx.buf`: a field of a struct-valued attribute is followed too.
        let is_parameter_field = released_slots.contains(&PlaceId(index as u32))
            || function.params.contains(&place.root)
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
        let attribute = place
            .self_attribute_path()
            .or_else(|| super::classes::element_attribute(place))
            .filter(|_| function.class.is_some());
        let several_families = attribute
            .as_ref()
            .is_some_and(|attribute| context.several_families.contains(attribute));
        let origin = attribute
            .and_then(|attribute| context.attributes.get(&attribute))
            .or_else(|| {
                super::buffers::buffer_field(function, place)
                    .and_then(|field| context.buffer_fields.get(field))
            });
        let site = SiteId(graph.sites.len() as u32);
        entry.set_targets(place_id, Some(Targets::one(Target::Site(site))));
        *entry.site_mut(site) = SiteStates::NON_NULL.union(SiteStates::NULL);
        graph.sites.push(AllocationSite {
            origin: SiteOrigin::Incoming(place_id),
            family: origin.filter(|_| !several_families).map(|o| o.family),
            callee: origin.map_or_else(String::new, |o| o.callee.clone()),
            span: origin.map(|o| o.span),
            reallocates: None,
            out_place: None,
        });
    }
    // `safe_realloc(&buf, n)`: where the helper reallocates the block the place holds,
    // taking the address hands the place to that call, which releases its block.
    let mut reallocated_through = std::collections::HashSet::new();
    let mut filled_through = std::collections::HashSet::new();
    let mut reallocating_helpers = std::collections::HashSet::new();
    for (index, block) in function.blocks.iter().enumerate() {
        for call_id in block.calls() {
            let call = function.call(call_id);
            if classify(&call.callee).is_some() {
                continue;
            }
            let summary = context.summary_of(&call.callee, &classes);
            // `release(&b)` with a helper that frees `pp[0]`: the call releases `b`'s
            // block, as a reallocating one does.
            for release in summary.into_iter().flat_map(|s| &s.releases) {
                let index_of = |param: usize| match call.callee {
                    Callee::Method(_) => param.checked_sub(1),
                    _ => Some(param),
                };
                if let Some(Value::Address(place)) = index_of(release.param)
                    .filter(|_| release.slot)
                    .and_then(|i| call.args.get(i))
                {
                    reallocated_through.insert((BlockId(index as u32), *place));
                }
            }
            let out = summary.and_then(|summary| summary.out_argument(call));
            match out {
                Some((place, out)) if out.reallocates => {
                    reallocated_through.insert((BlockId(index as u32), place));
                    reallocating_helpers.insert(call_id);
                }
                Some((place, out)) if out.untouched_when_raising => {
                    filled_through.insert((BlockId(index as u32), place));
                }
                _ => {}
            }
        }
    }
    let (lineages, lineage_of) = find_lineages(&mut graph.sites, &reallocating_helpers);
    graph.lineage = lineages
        .iter()
        .flat_map(|lineage| lineage.members.iter().map(|member| (*member, lineage.site)))
        .collect();
    let statuses = status_places(function, &out_only, &site_of_call, |callee| {
        matches!(classify(callee), Some((_, Role::AllocateThrough)))
    });
    let steady = conditions::steady_places(function);
    let analysis = Ownership {
        function,
        families,
        context,
        reallocated_through,
        filled_through,
        classes,
        graph_sites: graph.sites.clone(),
        site_of_call,
        statuses,
        out_only,
        field_sites,
        older,
        any_element: Vec::new(),
        has_elements: false,
        elements: BTreeMap::new(),
        inside: places_inside(function),
        holders: Holders::default(),
        lineages,
        lineage_of,
        too_wide: Cell::new(None),
        past_budget: RefCell::new(Vec::new()),
        correlated: conditions::correlated_tests(function, &steady, &in_cycles),
        steady,
        tested: tested_places(function),
        in_cycles,
        loop_copies: OnceCell::new(),
        passes_through: RefCell::new(HashMap::new()),
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
    analysis.has_elements = !analysis.elements.is_empty();
    analysis.holders = possible_holders(
        function,
        &graph.sites,
        &analysis.site_of_call,
        &analysis.older,
        &analysis.any_element,
    );
    for lineage in &mut analysis.lineages {
        analysis.holders.share(lineage.site, &lineage.members);
        lineage.holders = analysis.holders.of(lineage.site).collect();
    }
    let width = graph.sites.len() + function.places.len();
    let budget = engine::Budget::default();
    // Only the class model reads each way out: methods, and functions that fill in an
    // instance.
    let keep_exits = function.class.is_some() || !function.instances.is_empty();
    let mut exit = ExitJoin::default();
    let mut returned = ExitJoin::default();
    let mut exits = Vec::new();
    let mut leaves = Vec::new();
    let mut unwinds = Vec::new();
    let assumed = assumed_blocks(function, &graph.sites);
    // The `raise` that ends each block (the first listed), looked up per way out.
    let mut raised_in: HashMap<BlockId, Span> = HashMap::new();
    for (block, span) in &function.raises {
        raised_in.entry(*block).or_insert(*span);
    }
    let ran = engine::run(
        function,
        shape,
        &analysis,
        entry,
        width,
        budget,
        graph,
        |from, target, state| {
            if let Some(unwind) = unwind_event(function, from, target, state, &assumed) {
                unwinds.push(unwind);
            }
            let is_exit = target == function.return_exit || target == function.unwind_exit;
            if !is_exit {
                return;
            }
            let how = leave_how(function, from, target, &raised_in);
            // One copy for the leave event and the class model's way out.
            let copy = std::rc::Rc::new(ExitState::of(state));
            leaves.push(LeaveEvent {
                block: from,
                how,
                returns: target == function.return_exit,
                state: std::rc::Rc::clone(&copy),
            });
            // How the function ends: by a return or a raise, not where a call that may also
            // return raised (a `__dealloc__` is not blamed for the path where the `close()`
            // before its `free` raised).
            if matches!(how, LeaveHow::Unwinds { .. }) {
                return;
            }
            if target == function.return_exit {
                join_into(&mut returned, state);
            }
            join_into(&mut exit, state);
            if keep_exits {
                exits.push(copy);
            }
        },
    );
    if let Err(engine::TooLarge(reason)) = ran {
        graph.drop_events();
        graph.too_large = Some(reason);
        return;
    }
    let mut past_budget = analysis.past_budget.take();
    past_budget.sort_unstable();
    past_budget.dedup();
    graph.past_budget = past_budget;
    graph.exits = exits;
    graph.leaves = leaves;
    graph.unwinds = unwinds;
    graph.returning = returned.state;
    graph.exit = exit.state;
    graph.index_sites();
}

/// By place, whether a statement tests its value: an `Assume` or a `Compare` of it,
/// which is what applies what its constants imply.
fn tested_places(function: &Function) -> Vec<bool> {
    let mut tested = vec![false; function.places.len()];
    for stmt in function.blocks.iter().flat_map(|block| &block.stmts) {
        if let Stmt::Assume { place, .. } | Stmt::Compare { place, .. } = stmt {
            tested[place.0 as usize] = true;
        }
    }
    tested
}

impl ExitState {
    fn of(state: &State) -> ExitState {
        ExitState {
            points: state.points.clone(),
            sites: state.sites.clone(),
            uncertain: state.uncertain.clone(),
            dangling: state.dangling.clone(),
        }
    }
}

/// For each site, whether it is only assumed to be a block: what a parameter other than
/// `self` (or a field of one) holds on entry when nothing says it is a block of some
/// family. A Python parameter (`reader`, `object reader`) gets one like every parameter,
/// but its methods are Python methods; a C-typed one is told apart by the call's
/// `c_level`. `self.obj` stays a block: nothing here knows an attribute's declared type.
fn assumed_blocks(function: &Function, sites: &[AllocationSite]) -> Vec<bool> {
    sites
        .iter()
        .map(|site| match site.origin {
            SiteOrigin::Incoming(place) => {
                let root = &function.place(place).root;
                site.family.is_none()
                    && site.span.is_none()
                    && root != "self"
                    && function.params.contains(root)
            }
            SiteOrigin::Call(_) => false,
        })
        .collect()
}

/// The edge from `from` to `target` as a call's unwind edge, with the blocks still
/// allocated and never freed along it; `None` for any other edge, or when no block is.
/// `assumed` is [`assumed_blocks`]: a receiver that holds only those is no C++ object.
fn unwind_event(
    function: &Function,
    from: BlockId,
    target: BlockId,
    state: &State,
    assumed: &[bool],
) -> Option<UnwindEvent> {
    let crate::ir::Terminator::Call {
        call,
        return_to,
        unwind,
    } = function.block(from).terminator
    else {
        return None;
    };
    if unwind != target || return_to == Some(target) {
        return None;
    }
    let receiver_holds_a_block = function
        .call(call)
        .receiver
        .and_then(|place| state.points.get(place.0 as usize))
        .is_some_and(|targets| {
            targets.as_ref().is_some_and(|targets| {
                targets.iter().any(|target| match target {
                    Target::Site(site) => !assumed.get(site.0 as usize).copied().unwrap_or(false),
                    _ => false,
                })
            })
        });
    let event = UnwindEvent {
        call,
        block: from,
        target,
        states: state.sites.clone(),
        receiver_holds_a_block,
    };
    let any = event.sites().next().is_some();
    any.then_some(event)
}

/// How the edge from `from` to an exit leaves the function.
fn leave_how(
    function: &Function,
    from: BlockId,
    target: BlockId,
    raised_in: &HashMap<BlockId, Span>,
) -> LeaveHow {
    let block = function.block(from);
    if let crate::ir::Terminator::Call { call, .. } = block.terminator {
        if block.terminator.unwinds_to(target) {
            let span = function.call(call).span;
            return LeaveHow::Unwinds { call, span };
        }
    }
    match block.stmts.last() {
        Some(Stmt::Return { span, .. }) => LeaveHow::Returns(*span),
        _ => raised_in
            .get(&from)
            .map_or(LeaveHow::Other, |span| LeaveHow::Raises(*span)),
    }
}

/// What holds over several ways out, with the chunks already joined into it.
#[derive(Default)]
struct ExitJoin {
    state: Option<ExitState>,
    points: JoinedChunks<Option<Targets>>,
    sites: JoinedChunks<SiteStates>,
}

/// Joins what holds on one way out into what holds over several: what places hold and
/// the blocks' states (the rest of the state serves no block after the exit). Each way
/// out costs the chunks it does not share with those joined before.
fn join_into(joined: &mut ExitJoin, state: &State) {
    let Some(exit) = &mut joined.state else {
        joined.state = Some(ExitState::of(state));
        joined.points.remember_all(&state.points);
        joined.sites.remember_all(&state.sites);
        return;
    };
    exit.points
        .join_unseen(&state.points, &mut joined.points, join_targets);
    exit.sites
        .join_unseen(&state.sites, &mut joined.sites, join_site_states);
}

struct Ownership<'a, 'c> {
    function: &'a Function,
    families: &'a FamilyTable,
    context: Context<'c>,
    /// The places whose address a call in the block hands to a helper that reallocates
    /// their block (`safe_realloc(&buf, n)`) or frees it (`release(&buf)`, a helper that
    /// frees `pp[0]`): the call releases what they hold.
    reallocated_through: std::collections::HashSet<(BlockId, PlaceId)>,
    /// The places whose address a call in the block hands to a helper that stores a new
    /// block there where it returns, and writes nothing there where it raises
    /// (`load(n, &b)`): along the call's unwind edge they hold what they held before.
    filled_through: std::collections::HashSet<(BlockId, PlaceId)>,
    /// The method's class and its bases, for `self.helper()` summaries.
    classes: Vec<String>,
    graph_sites: Vec<AllocationSite>,
    /// The site each call creates, and whether it is never NULL.
    site_of_call: Vec<Option<(SiteId, bool)>>,
    /// By call: the helper stores its block through a `&place` argument and returns
    /// something else (`tmp = allocate(n, &c)` gives `c` the block, not `tmp`).
    out_only: Vec<bool>,
    /// The locals (assigned once) holding the status a [`Role::AllocateThrough`] call
    /// returned (`rc = posix_memalign(&p, a, n)`, or the place lowering names after the
    /// call in `if posix_memalign(&p, a, n) != 0:`), with the place it stored through and
    /// the block's site: a test of the status is that block's NULL check.
    statuses: HashMap<PlaceId, Status>,
    /// For `t = table_new(n)`, the blocks the helper leaves in the fields of the one it
    /// returns, by the place of the field here (`t.data`).
    field_sites: HashMap<CallId, Vec<(PlaceId, SiteId)>>,
    /// For an allocation in a loop, the site of the blocks it made on earlier turns.
    older: Vec<Option<SiteId>>,
    /// For a constant element `a[k]`, the place `a[...]`.
    any_element: Vec<Option<PlaceId>>,
    /// Whether any place is a constant element.
    has_elements: bool,
    /// For `a[...]`, the constant elements `a[k]` of the function.
    elements: BTreeMap<PlaceId, Vec<PlaceId>>,
    /// For each place, the places strictly inside it (`s.buf` for `s`).
    inside: Vec<Vec<PlaceId>>,
    /// For each site, the places that may ever hold its block (a superset, found once
    /// from the assignments): a release visits these, never every place.
    holders: Holders,
    /// The long lineages of reallocations (see [`Lineage`]).
    lineages: Vec<Lineage>,
    /// By site, the lineage it belongs to (an index into `lineages`).
    lineage_of: Vec<Option<u32>>,
    /// A place a statement touched while it might hold more than
    /// [`MAX_BLOCKS_PER_PLACE`] blocks: the function is past the size budget.
    too_wide: Cell<Option<PlaceId>>,
    /// The blocks that existed where a question was dropped for [`MAX_TESTS_FOLLOWED`]:
    /// where paths that the dropped question told apart join, their releases no longer
    /// cancel out (see [`OwnershipGraph::past_budget`]).
    past_budget: RefCell<Vec<SiteId>>,
    /// By block, whether it lies on a cycle of the graph.
    in_cycles: Vec<bool>,
    /// Built the first time a release through a place that may hold several blocks asks
    /// (see [`Ownership::released_with`]): most functions never do.
    loop_copies: OnceCell<LoopCopies>,
    /// By place, whether it is a steady local (`Function::steady`).
    steady: Vec<bool>,
    /// By place, whether a statement tests its value (`Assume`, `Compare`): what the
    /// constants it is assigned imply is followed for those only.
    tested: Vec<bool>,
    /// The tests of steady locals the function asks more than once, sorted (see
    /// [`conditions::correlated_tests`]).
    correlated: Vec<Test>,
    /// By (release block, copy block): whether every path from the copy to a way out
    /// passes through the release.
    passes_through: RefCell<HashMap<(BlockId, BlockId), bool>>,
}

/// The copies of one place into another (`a = b`) by their target, with the block of
/// each, for the targets copied into on a cycle (most functions have none).
struct LoopCopies {
    copies: HashMap<PlaceId, Vec<(BlockId, PlaceId)>>,
}

impl LoopCopies {
    fn of(function: &Function, in_cycles: &[bool]) -> LoopCopies {
        let mut copies: HashMap<PlaceId, Vec<(BlockId, PlaceId)>> = HashMap::new();
        for (index, block) in function.blocks.iter().enumerate() {
            for stmt in &block.stmts {
                if let Stmt::Assign {
                    target,
                    value: Value::Place(source),
                    ..
                } = stmt
                {
                    copies
                        .entry(*target)
                        .or_default()
                        .push((BlockId(index as u32), *source));
                }
            }
        }
        copies.retain(|_, copies| copies.iter().any(|(block, _)| in_cycles[block.0 as usize]));
        LoopCopies { copies }
    }
}

/// See [`Ownership::statuses`].
struct Status {
    /// Where the call stored its block (`p` for `&p`).
    out_place: PlaceId,
    site: SiteId,
    /// The call.
    span: crate::diagnostic::Span,
}

/// The locals holding what a status allocator's call returned (`is_status_allocator`),
/// each assigned nowhere else in the function: a test of one tells whether the call
/// stored its block.
fn status_places(
    function: &Function,
    out_only: &[bool],
    site_of_call: &[Option<(SiteId, bool)>],
    is_status_allocator: impl Fn(&Callee) -> bool,
) -> HashMap<PlaceId, Status> {
    let mut assignments: HashMap<PlaceId, usize> = HashMap::new();
    let mut statuses = HashMap::new();
    for stmt in function.blocks.iter().flat_map(|block| &block.stmts) {
        let Stmt::Assign { target, value, .. } = stmt else {
            continue;
        };
        *assignments.entry(*target).or_default() += 1;
        let Value::Call(call) = value else { continue };
        let index = call.0 as usize;
        let called = function.call(*call);
        let (Some((site, _)), true, Some(Value::Address(out_place))) =
            (site_of_call[index], out_only[index], called.args.first())
        else {
            continue;
        };
        if function.place(*target).path.is_empty() && is_status_allocator(&called.callee) {
            statuses.insert(
                *target,
                Status {
                    out_place: *out_place,
                    site,
                    span: called.span,
                },
            );
        }
    }
    statuses.retain(|place, _| assignments.get(place) == Some(&1));
    statuses
}

/// How many blocks of one lineage of reallocations one place may hold where paths join
/// before the older ones are folded into the lineage's own block.
pub const LINEAGE_WIDTH: usize = 16;

/// The reallocations of one place by one family (`p = realloc(p, n)`, `tmp = realloc(p,
/// n)` then `p = tmp`, `safe_realloc(&p, n)`), when there are more than
/// [`LINEAGE_WIDTH`] of them. Each resizes the one heap object the place holds, whose
/// address may change: after N optional reallocations the place holds one of N + 1
/// blocks, but they are one object's successive addresses, not independent blocks. Each
/// reallocation keeps its own site (its NULL result, its report, its position), and
/// where paths join and a place holds more than [`LINEAGE_WIDTH`] of them, they are all
/// folded into `site`, which stands for "an earlier address of the lineage": what they
/// may be is joined there, and every place that held, checked or dangled to one of them
/// does so to `site`. So a place holds at most a few blocks of the lineage, however many
/// reallocations there are, and each release, overwrite and report lists a few.
struct Lineage {
    /// The lineage's block: a copy of its first reallocation's site, which names it.
    site: SiteId,
    /// The sites of the reallocations (and of their earlier loop turns), in order.
    members: Vec<SiteId>,
    /// The places that may hold any of them.
    holders: Vec<PlaceId>,
}

/// The lineages of reallocations with more than [`LINEAGE_WIDTH`] sites; a new site is
/// added for each. `reallocating_helpers` are the calls of out-parameter reallocators.
fn find_lineages(
    sites: &mut Vec<AllocationSite>,
    reallocating_helpers: &std::collections::HashSet<CallId>,
) -> (Vec<Lineage>, Vec<Option<u32>>) {
    let mut groups: BTreeMap<(PlaceId, Option<FamilyId>), Vec<SiteId>> = BTreeMap::new();
    for (index, site) in sites.iter().enumerate() {
        let resized = site.reallocates.or_else(|| {
            site.out_place.filter(|_| {
                site.call()
                    .is_some_and(|c| reallocating_helpers.contains(&c))
            })
        });
        if let Some(place) = resized {
            groups
                .entry((place, site.family))
                .or_default()
                .push(SiteId(index as u32));
        }
    }
    let mut lineages = Vec::new();
    for members in groups.into_values() {
        if members.len() <= LINEAGE_WIDTH {
            continue;
        }
        let site = SiteId(sites.len() as u32);
        sites.push(sites[members[0].0 as usize].clone());
        lineages.push(Lineage {
            site,
            members,
            holders: Vec::new(),
        });
    }
    let mut lineage_of = vec![None; sites.len()];
    for (index, lineage) in lineages.iter().enumerate() {
        for member in &lineage.members {
            lineage_of[member.0 as usize] = Some(index as u32);
        }
    }
    (lineages, lineage_of)
}

/// The most blocks one place may hold at a statement that touches it. Past it (after N
/// optional `p = malloc(n)` `p` may hold any of N independent blocks, and each release,
/// overwrite and report lists them all: quadratic in time, memory and output) the
/// function is named as too large to analyze and skipped. Reallocations of one place are
/// not independent blocks: a long [`Lineage`] keeps what the place holds small.
pub const MAX_BLOCKS_PER_PLACE: usize = 256;

impl<'a> engine::Analysis for Ownership<'a, '_> {
    type Domain = State;
    type Observer = OwnershipGraph<'a>;

    fn transfer_statement(
        &self,
        block: BlockId,
        stmt: &Stmt,
        state: &mut State,
        observer: Option<&mut OwnershipGraph<'a>>,
    ) -> bool {
        if !self.within_budget(touched_places(self.function, stmt), state) {
            return false;
        }
        let mut recorder = Recorder {
            graph: observer,
            block,
        };
        self.transfer(stmt, state, &mut recorder)
    }

    fn transfer_call(
        &self,
        block: BlockId,
        call: CallId,
        state: &mut State,
        observer: Option<&mut OwnershipGraph<'a>>,
    ) -> bool {
        let arguments = self
            .function
            .call(call)
            .args
            .iter()
            .filter_map(|arg| match arg {
                Value::Place(place) | Value::Address(place) => Some(*place),
                _ => None,
            });
        if !self.within_budget(arguments, state) {
            return false;
        }
        let mut recorder = Recorder {
            graph: observer,
            block,
        };
        self.materialize_arguments(call, state);
        self.call(call, state, &mut recorder)
    }

    /// Where a place holds more than [`LINEAGE_WIDTH`] blocks of one lineage, the blocks
    /// of the lineage its holders hold are folded into the lineage's own.
    fn settle(&self, state: &mut State) {
        for lineage in &self.lineages {
            let held: Vec<Vec<SiteId>> = lineage
                .holders
                .iter()
                .map(|holder| self.lineage_blocks_in(*holder, lineage.site, state))
                .collect();
            if held.iter().all(|blocks| blocks.len() <= LINEAGE_WIDTH) {
                continue;
            }
            let mut folding: Vec<SiteId> = held.into_iter().flatten().collect();
            folding.sort_unstable();
            folding.dedup();
            self.fold(lineage, &folding, state);
        }
        // A question answered one way on every path here: what the answer implies is
        // what holds now.
        if !self.correlated.is_empty() && !state.implied.is_empty() {
            let answered: Vec<(Subject, i64, u32)> = state
                .implied
                .iter()
                .filter_map(|(subject, values)| match (subject, values.len()) {
                    (Subject::Test(_), 1) => values
                        .iter()
                        .next()
                        .map(|(answer, implied)| (*subject, *answer, implied.answered_at)),
                    _ => None,
                })
                .collect();
            for (subject, answer, answered_at) in answered {
                let implied = Implied {
                    answered_at,
                    ..self.implied_now(state)
                };
                // Unchanged (a loop's edge bringing back what it took): kept shared.
                if state.implied[&subject].get(&answer) == Some(&implied) {
                    continue;
                }
                Rc::make_mut(&mut state.implied)
                    .insert(subject, BTreeMap::from([(answer, implied)]));
            }
        }
    }

    fn over_budget(&self) -> Option<String> {
        let place = self.too_wide.get()?;
        Some(format!(
            "is too large to analyze (`{}` may hold any of more than {MAX_BLOCKS_PER_PLACE} \
             blocks)",
            self.function.place(place)
        ))
    }
}

impl Ownership<'_, '_> {
    /// Whether `target` is one of the reallocations of the lineage whose block is
    /// `lineage` (not that block itself).
    fn in_lineage(&self, target: &Target, lineage: SiteId) -> bool {
        let Target::Site(site) = target else {
            return false;
        };
        self.lineage_of
            .get(site.0 as usize)
            .copied()
            .flatten()
            .is_some_and(|index| self.lineages[index as usize].site == lineage)
    }

    /// The blocks of a lineage the place holds (not the lineage's own block), sorted.
    fn lineage_blocks_in(&self, place: PlaceId, lineage: SiteId, state: &State) -> Vec<SiteId> {
        state
            .targets(place)
            .into_iter()
            .flatten()
            .filter(|target| self.in_lineage(target, lineage))
            .filter_map(|target| match target {
                Target::Site(site) => Some(*site),
                Target::Null => None,
            })
            .collect()
    }

    /// Before a reallocation of a long lineage releases what `place` holds: the blocks of
    /// the lineage it holds are folded into the lineage's own, so the release (and the
    /// hand-off CY007 reads from it) is the lineage's, and the old addresses do not stay
    /// behind as blocks of their own, one per reallocation.
    fn fold_before_reallocation(&self, call: CallId, place: PlaceId, state: &mut State) {
        let Some((site, _)) = self.site_of_call[call.0 as usize] else {
            return;
        };
        let Some(index) = self.lineage_of.get(site.0 as usize).copied().flatten() else {
            return;
        };
        let lineage = &self.lineages[index as usize];
        let folding = self.lineage_blocks_in(place, lineage.site, state);
        if !folding.is_empty() {
            self.fold(lineage, &folding, state);
        }
    }

    /// Folds the blocks `folding` (sorted) of the lineage into the lineage's own: their
    /// states and uncertain releases are joined there, and each place that held, dangled
    /// to or was checked for one of them now does so for the lineage's block (checked
    /// only where every block of the lineage it held was).
    fn fold(&self, lineage: &Lineage, folding: &[SiteId], state: &mut State) {
        let folded = Target::Site(lineage.site);
        let member = |target: &Target| match target {
            Target::Site(site) => folding.binary_search(site).is_ok(),
            Target::Null => false,
        };
        let mut states = state.site(lineage.site);
        let mut uncertain = state.uncertain.value(lineage.site.0 as usize);
        for site in folding {
            let index = site.0 as usize;
            let before = state.sites.value(index);
            if !before.is_empty() {
                states = states.union(before);
                *state.site_mut(*site) = SiteStates::default();
            }
            if state.uncertain.value(index) {
                uncertain = true;
                state.uncertain.set(index, false);
            }
        }
        *state.site_mut(lineage.site) = states;
        if uncertain {
            state.uncertain.set(lineage.site.0 as usize, true);
        }
        if state.born.keys().any(|site| member(&Target::Site(*site))) {
            state.born.retain(|site, _| !member(&Target::Site(*site)));
        }
        if state
            .failed
            .iter()
            .any(|(_, site)| member(&Target::Site(*site)))
        {
            state.failed = std::mem::take(&mut state.failed)
                .into_iter()
                .map(|(place, site)| {
                    let site = if member(&Target::Site(site)) {
                        lineage.site
                    } else {
                        site
                    };
                    (place, site)
                })
                .collect();
        }
        let replace = |targets: &Targets| -> Option<Targets> {
            if !targets.iter().any(member) {
                return None;
            }
            let mut replaced: Targets = targets.iter().filter(|t| !member(t)).copied().collect();
            replaced.insert(folded);
            Some(replaced)
        };
        for &holder in &lineage.holders {
            let place = holder.0 as usize;
            if let Some(targets) = state.targets(holder) {
                if let Some(replaced) = replace(targets) {
                    let checked = targets
                        .iter()
                        .filter(|target| member(target) || **target == folded)
                        .all(|target| match target {
                            Target::Site(site) => state.is_checked(holder, *site),
                            Target::Null => true,
                        });
                    state.set_targets(holder, Some(replaced));
                    let marks = state.checked.get(place).cloned().unwrap_or_default();
                    let mut kept: Targets = marks
                        .iter()
                        .filter(|t| !member(t) && **t != folded)
                        .copied()
                        .collect();
                    if checked {
                        kept.insert(folded);
                    }
                    if kept != marks {
                        state.checked.set(place, kept);
                    }
                }
            }
            if let Some(replaced) = state.dangling.get(place).and_then(replace) {
                state.dangling.set(place, replaced);
            }
        }
    }

    /// Whether every place the statement touches holds at most [`MAX_BLOCKS_PER_PLACE`]
    /// blocks; if not, the budget is passed and the path ends here.
    fn within_budget(&self, places: impl IntoIterator<Item = PlaceId>, state: &State) -> bool {
        for place in places {
            if state.targets(place).map_or(0, Targets::len) > MAX_BLOCKS_PER_PLACE {
                self.too_wide.set(Some(place));
                return false;
            }
        }
        true
    }
}

/// The places a statement reads or writes (a call's arguments are its own).
fn touched_places(function: &Function, stmt: &Stmt) -> Vec<PlaceId> {
    let value_place = |value: &Value| match value {
        Value::Place(place) | Value::Address(place) => Some(*place),
        _ => None,
    };
    match stmt {
        Stmt::Assign { target, value, .. } => {
            std::iter::once(*target).chain(value_place(value)).collect()
        }
        Stmt::Use { place, .. }
        | Stmt::Assume { place, .. }
        | Stmt::Examined { place }
        | Stmt::Escape { place, .. }
        | Stmt::Delete { place, .. } => vec![*place],
        Stmt::Return { value, .. } => value_place(value).into_iter().collect(),
        Stmt::Call(call) => function
            .call(*call)
            .args
            .iter()
            .filter_map(value_place)
            .collect(),
        _ => Vec::new(),
    }
}

/// For each place, the places strictly inside it: one pass over the places by their
/// prefixes, so forgetting a place never scans them all.
fn places_inside(function: &Function) -> Vec<Vec<PlaceId>> {
    let mut by_prefix: std::collections::HashMap<(&str, &[Projection]), Vec<PlaceId>> =
        std::collections::HashMap::new();
    for (index, place) in function.places.iter().enumerate() {
        for length in 0..place.path.len() {
            by_prefix
                .entry((place.root.as_str(), &place.path[..length]))
                .or_default()
                .push(PlaceId(index as u32));
        }
    }
    function
        .places
        .iter()
        .map(|place| {
            by_prefix
                .get(&(place.root.as_str(), place.path.as_slice()))
                .cloned()
                .unwrap_or_default()
        })
        .collect()
}

impl Ownership<'_, '_> {
    /// What holds of the pointer places on this path: those whose every block is checked
    /// through it (or no longer unchecked) and was not shown NULL; those whose every block
    /// a test showed NULL.
    fn implied_now(&self, state: &State) -> Implied {
        let mut implied = Implied {
            checked: PlaceSet::default(),
            null: PlaceSet::default(),
            live: PlaceSet::default(),
            freed: PlaceSet::default(),
            existing: state.sites.clone(),
            answered_at: 0,
            anything_exists: false,
        };
        // Only the places holding something: a large function has thousands that hold
        // nothing tracked.
        for (index, targets) in state.points.iter() {
            let Some(targets) = targets else { continue };
            let place = PlaceId(index as u32);
            let sites = || {
                targets.iter().filter_map(|target| match target {
                    Target::Site(site) => Some(*site),
                    Target::Null => None,
                })
            };
            if sites().next().is_none() {
                continue;
            }
            let checked = sites().all(|site| {
                (state.is_checked(place, site) || !state.site(site).contains(SiteStates::UNCHECKED))
                    && !state.failed.contains(&(place, site))
            });
            let null = sites().all(|site| {
                state.failed.contains(&(place, site)) && state.site(site) == SiteStates::NULL
            });
            if checked {
                implied.checked.insert(place);
            } else if null {
                implied.null.insert(place);
            }
            if sites().all(|site| !state.dangles(place, site)) {
                implied.live.insert(place);
            } else if sites().all(|site| {
                state.dangles(place, site)
                    && state
                        .site(site)
                        .without(SiteStates::FREED)
                        .without(SiteStates::NULL)
                        .is_empty()
            }) {
                implied.freed.insert(place);
            }
        }
        implied
    }

    /// Along an edge where a flag's value satisfies `holds` (`if failed:` not taken,
    /// `rc == 0`): the places checked on every path where it has such a value are
    /// checked here, and the flag keeps only those values.
    /// False when the flag holds no such value on any path here: the edge is not taken.
    fn apply_implied(&self, flag: Subject, holds: impl Fn(i64) -> bool, state: &mut State) -> bool {
        let Some(values) = state.implied.get(&flag) else {
            return true;
        };
        if values.keys().any(|value| !holds(*value)) {
            Rc::make_mut(&mut state.implied)
                .get_mut(&flag)
                .expect("the flag is followed")
                .retain(|value, _| holds(*value));
        }
        // Read from a copy of the pointer: nothing below writes what flags imply, so
        // the map is not copied.
        let map = Rc::clone(&state.implied);
        let mut sets = map[&flag].values();
        let Some(first) = sets.next() else {
            return false;
        };
        let intersected;
        let implied = match sets.next() {
            None => first,
            Some(second) => {
                let mut all = first.clone();
                all.intersect(second);
                for other in sets {
                    all.intersect(other);
                }
                intersected = all;
                &intersected
            }
        };
        for &place in implied.checked.iter() {
            for site in state.sites_of(place) {
                state.mark_checked(place, site);
                state.failed.remove(&(place, site));
            }
        }
        // `if failed: raise`: on the raising edge the block is NULL, nothing to free. A
        // block that cannot be NULL here contradicts the flag's value: on this edge it
        // does not exist (an empty state), which keeps the narrowing monotone.
        for &place in implied.null.iter() {
            for site in state.sites_of(place) {
                *state.site_mut(site) = if state.site(site).contains(SiteStates::NULL) {
                    SiteStates::NULL
                } else {
                    SiteStates::default()
                };
            }
        }
        // `if not done: free(p)` where `done = True` followed every release: the place
        // does not dangle here; where it did, its blocks are the released ones.
        for &place in implied.live.iter() {
            state.stop_dangling(place);
        }
        // A block that is not released here contradicts the flag's value as a block that
        // cannot be NULL does above: on this edge it does not exist. Keeping it whole
        // instead would make the narrowing not monotone (a larger state, one that may
        // also be released, would be narrowed to less than a smaller one kept whole).
        for &place in implied.freed.iter() {
            for site in state.sites_of(place) {
                let released = state.site(site).without(SiteStates::UNCHECKED);
                *state.site_mut(site) = released
                    .without(SiteStates::NON_NULL)
                    .without(SiteStates::ESCAPED);
            }
        }
        // `if owned: free(b)` where `owned = True` followed the allocation and the paths
        // that never allocated (or whose allocation failed) kept `owned = False`: on the
        // edge where the flag is false, the block is not live, so it can neither leak nor
        // be freed there. What it may be besides (NULL, freed on an earlier loop turn)
        // stays; a block left with nothing does not exist here, and its birth flags go
        // with it (they are kept only where a block exists).
        if implied.anything_exists {
            return true;
        }
        let dead: Vec<(SiteId, SiteStates)> = state
            .sites
            .iter_where(|states| states.may_be_allocated())
            .filter(|(index, _)| !implied.existing.value(*index).may_be_allocated())
            .map(|(index, states)| (SiteId(index as u32), states.without(SiteStates::LIVE)))
            .collect();
        for (site, states) in dead {
            *state.site_mut(site) = states;
            if states.is_empty() {
                state.born.remove(&site);
            }
        }
        true
    }

    /// Along the edge of a test of a steady local the function asks again (see
    /// [`conditions::correlated_tests`]): where the question was answered before, only
    /// the paths that answered it the same way go on, with what that answer implied;
    /// else the question is followed from here. False when no path here answered it this
    /// way: the edge is not taken. (A local also followed by the constants it was
    /// assigned is followed both ways.)
    fn correlate(&self, block: BlockId, stmt: &Stmt, state: &mut State) -> bool {
        if self.correlated.is_empty() {
            return true;
        }
        let Some((test, holds)) = conditions::answered(stmt) else {
            return true;
        };
        // The other questions about the local this answer settles (`mode == 1` answers
        // `mode == 2` no), as though they were asked here too.
        let first = self
            .correlated
            .partition_point(|asked| asked.place < test.place);
        let answers = std::iter::once((test, Some(holds))).chain(
            self.correlated[first..]
                .iter()
                .take_while(|asked| asked.place == test.place)
                .map(|asked| (*asked, test.implies(holds, *asked))),
        );
        // The implied questions come from `correlated`; only the test itself may not be
        // followed.
        let followed = self.correlated.binary_search(&test).is_ok();
        for (asked, holds) in answers {
            let Some(holds) = holds else { continue };
            if (followed || asked != test) && !self.answer(block, asked, holds, state) {
                return false;
            }
        }
        true
    }

    /// [`Ownership::correlate`] for one question and its answer.
    fn answer(&self, block: BlockId, test: Test, holds: bool, state: &mut State) -> bool {
        let subject = Subject::Test(test);
        let answer = i64::from(holds);
        if state.implied.contains_key(&subject) {
            if !self.apply_implied(subject, |held| held == answer, state) {
                return false;
            }
        } else {
            let followed = state
                .implied
                .keys()
                .filter(|subject| matches!(subject, Subject::Test(_)))
                .count();
            if followed >= MAX_TESTS_FOLLOWED {
                let oldest = state
                    .implied
                    .iter()
                    .filter(|(subject, _)| matches!(subject, Subject::Test(_)))
                    .min_by_key(|(_, values)| {
                        values.values().map(|implied| implied.answered_at).max()
                    })
                    .map(|(subject, _)| *subject);
                if let Some(oldest) = oldest {
                    Rc::make_mut(&mut state.implied).remove(&oldest);
                    self.past_budget
                        .borrow_mut()
                        .extend(state.sites.iter().map(|(index, _)| SiteId(index as u32)));
                }
            }
            // Nothing known yet: the next join point takes what the answer implies from
            // the state.
            let implied = Implied {
                checked: PlaceSet::default(),
                null: PlaceSet::default(),
                live: PlaceSet::default(),
                freed: PlaceSet::default(),
                existing: ChunkedVec::default(),
                answered_at: 0,
                anything_exists: true,
            };
            Rc::make_mut(&mut state.implied).insert(subject, BTreeMap::from([(answer, implied)]));
        }
        let stale = state
            .implied
            .get(&subject)
            .and_then(|values| values.get(&answer))
            .is_some_and(|implied| implied.answered_at != block.0);
        if stale {
            if let Some(implied) = Rc::make_mut(&mut state.implied)
                .get_mut(&subject)
                .and_then(|values| values.get_mut(&answer))
            {
                implied.answered_at = block.0;
            }
        }
        true
    }

    /// The place's value changed: what its constants and the answers of its tests
    /// implied (and those of the places inside it) no longer hold.
    fn forget_subjects(place: PlaceId, inside: &[PlaceId], state: &mut State) {
        let forgotten = |subject: &Subject| {
            let of = subject.place();
            of == place || inside.contains(&of)
        };
        if !state.implied.keys().any(forgotten) {
            return;
        }
        Rc::make_mut(&mut state.implied).retain(|subject, _| !forgotten(subject));
    }

    /// A block allocated on this path: whatever value a flag holds, it may be live there.
    fn allocated_under_every_flag(site: SiteId, state: &mut State) {
        Self::under_every_flag(site, state, |existing| {
            (!existing.may_be_allocated()).then(|| existing.union(SiteStates::UNCHECKED))
        });
    }

    /// A block a test showed NULL on every path here (the allocation failed), or that a
    /// NULL test showed does not exist here: whatever value a flag holds, it is not live
    /// there (`if b != NULL: owned = True` ... `if owned: free(b)`, where the path that
    /// left `owned` false is the NULL one).
    fn failed_under_every_flag(site: SiteId, state: &mut State) {
        Self::under_every_flag(site, state, |existing| {
            existing
                .may_be_allocated()
                .then(|| existing.without(SiteStates::LIVE))
        });
    }

    /// Rewrites what every value of every flag implies of `site` where `update` says so.
    fn under_every_flag(
        site: SiteId,
        state: &mut State,
        update: impl Fn(SiteStates) -> Option<SiteStates>,
    ) {
        let updates = |implied: &Implied| {
            !implied.anything_exists && update(implied.existing.value(site.0 as usize)).is_some()
        };
        if !state
            .implied
            .values()
            .flat_map(BTreeMap::values)
            .any(updates)
        {
            return;
        }
        for values in Rc::make_mut(&mut state.implied).values_mut() {
            for implied in values
                .values_mut()
                .filter(|implied| !implied.anything_exists)
            {
                let existing = implied.existing.value(site.0 as usize);
                if let Some(updated) = update(existing) {
                    implied.existing.set(site.0 as usize, updated);
                }
            }
        }
    }

    /// A place released on this path: whatever value a flag holds, it does not imply the
    /// place is live any more.
    fn released_under_every_flag(place: PlaceId, state: &mut State) {
        if !state
            .implied
            .values()
            .flat_map(BTreeMap::values)
            .any(|implied| implied.live.contains(&place))
        {
            return;
        }
        for values in Rc::make_mut(&mut state.implied).values_mut() {
            for implied in values.values_mut() {
                implied.live.remove(&place);
            }
        }
    }

    /// A place checked on this path: whatever value a flag holds, it implies it.
    fn checked_under_every_flag(place: PlaceId, state: &mut State) {
        if state
            .implied
            .values()
            .flat_map(BTreeMap::values)
            .all(|implied| implied.checked.contains(&place) && !implied.null.contains(&place))
        {
            return;
        }
        for values in Rc::make_mut(&mut state.implied).values_mut() {
            for implied in values.values_mut() {
                implied.checked.insert(place);
                implied.null.remove(&place);
            }
        }
    }

    /// The block leaves the function's ownership here (returned, carried out in a
    /// value): recorded with the states it had.
    fn escape(
        site: SiteId,
        span: crate::diagnostic::Span,
        how: EscapeHow,
        state: &mut State,
        recorder: &mut Recorder,
    ) {
        let states = state.site(site);
        *state.site_mut(site) = SiteStates::ESCAPED;
        let block = recorder.block;
        Self::record(recorder, |graph| {
            graph.escapes.push(EscapeEvent {
                site,
                span,
                how,
                states,
                block,
            })
        });
    }

    /// `PyCapsule_New(p, name, destroy)`: the blocks its first argument may hold are the
    /// capsule's, which its destructor releases.
    fn note_capsule_handoff(&self, call: CallId, state: &State, recorder: &mut Recorder) {
        let Some(index) = self
            .function
            .release_callbacks
            .iter()
            .position(|callback| callback.holder == crate::ir::CallbackHolder::Capsule(call))
        else {
            return;
        };
        let held = match self.function.call(call).args.first() {
            Some(Value::Place(place)) => state.sites_of(*place),
            Some(Value::Call(inner)) => self.site_of_call[inner.0 as usize]
                .map(|(site, _)| site)
                .into_iter()
                .collect(),
            _ => return,
        };
        Self::record(recorder, |graph| {
            graph
                .capsule_handoffs
                .extend(held.into_iter().map(|site| (site, index)))
        });
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
            let states = state.states_through(place, site);
            let failed = state.failed.contains(&(place, site));
            Self::record(recorder, |graph| {
                graph.uses.push(UseEvent {
                    site,
                    place,
                    span,
                    how,
                    unchecked: (states.contains(SiteStates::UNCHECKED)
                        && !state.is_checked(place, site))
                        || failed,
                    states,
                    block,
                    definite,
                })
            });
        }
    }

    /// `return p` where `p` may still point to a block released on the way: the caller
    /// gets a dangling pointer. Returning a live or NULL pointer reads nothing.
    fn record_dangling_return(
        &self,
        place: PlaceId,
        span: Span,
        state: &State,
        recorder: &mut Recorder,
    ) {
        let (block, definite) = (recorder.block, !state.partial.contains(&place));
        for site in state.sites_of(place) {
            if !state.dangles(place, site) {
                continue;
            }
            let states = state.states_through(place, site);
            Self::record(recorder, |graph| {
                graph.uses.push(UseEvent {
                    site,
                    place,
                    span,
                    how: UseHow::Returned,
                    unchecked: false,
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
        let Some(targets) = state.targets(place) else {
            return;
        };
        let &[Target::Site(site)] = targets.as_slice() else {
            return;
        };
        if self.graph_sites[site.0 as usize].reallocates.is_some() {
            return;
        }
        state.mark_checked(place, site);
        Self::checked_under_every_flag(place, state);
        let states = state.site_mut(site);
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
        if state.holds(place) {
            return;
        }
        if let Some(targets) = state.targets(*any).cloned() {
            state.set_targets(place, Some(targets));
            state.copy_dangling(place, *any);
        }
    }

    fn materialize_arguments(&self, call: CallId, state: &mut State) {
        if !self.has_elements {
            return;
        }
        for arg in &self.function.call(call).args {
            if let Value::Place(place) = arg {
                self.materialize(*place, state);
            }
        }
    }

    fn transfer(&self, stmt: &Stmt, state: &mut State, recorder: &mut Recorder) -> bool {
        if self.has_elements {
            let read: Vec<PlaceId> = match stmt {
                Stmt::Use { place, .. }
                | Stmt::Assume { place, .. }
                | Stmt::Examined { place }
                | Stmt::Escape { place, .. }
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
            } => {
                let value = match value {
                    Value::Call(call) if self.out_only[call.0 as usize] => Value::Other,
                    _ => *value,
                };
                self.assign(*target, value, *span, state, recorder)
            }
            Stmt::Use { place, kind, span } => {
                Self::record_uses(*place, *span, UseHow::from(*kind), state, recorder);
                self.survived_use(*place, state);
            }
            Stmt::Assume {
                place,
                non_null,
                span,
                ..
            } => {
                // `if rc: raise MemoryError()` after `rc = posix_memalign(&p, ...)`.
                let holds = |held| (held != 0) == *non_null;
                if !self.status_test(*place, holds, Some(*span), state, recorder) {
                    return false;
                }
                // `if failed: raise`: past it the flag is 0.
                let flag = Subject::Value(*place);
                if !self.apply_implied(flag, |held| (held != 0) == *non_null, state) {
                    return false;
                }
                if !self.correlate(recorder.block, stmt, state) {
                    return false;
                }
                return self.assume(*place, *non_null, *span, state, recorder);
            }
            Stmt::Return { value, span } => {
                if let Value::Place(place) = value {
                    self.record_dangling_return(*place, *span, state, recorder);
                }
                let returned = match value {
                    Value::Place(place) => state.sites_of(*place),
                    Value::Call(call) if !self.out_only[call.0 as usize] => self.site_of_call
                        [call.0 as usize]
                        .map(|(site, _)| vec![site])
                        .unwrap_or_default(),
                    Value::Call(_) | Value::Null | Value::Address(_) | Value::Other => Vec::new(),
                };
                for site in returned {
                    Self::escape(site, *span, EscapeHow::Returned, state, recorder);
                }
            }
            Stmt::Delete { place, span } => {
                self.release(*place, Some(CPP), "del", *span, state, recorder);
            }
            Stmt::Escape { place, span } => {
                for site in state.sites_of(*place) {
                    Self::escape(site, *span, EscapeHow::Carried, state, recorder);
                }
            }
            // `count += 1`: the constant it held, and what that implied, are gone; a
            // pointer keeps its block.
            Stmt::Modified { place } => {
                Self::forget_subjects(*place, &[], state);
                state.flags.remove(place);
            }
            Stmt::Tested { .. } => {}
            Stmt::AddressTaken { place } => {
                if recorder.graph.is_some() {
                    let held: Vec<SiteId> = std::iter::once(place)
                        .chain(&self.inside[place.0 as usize])
                        .flat_map(|inner| state.sites_of(*inner))
                        .collect();
                    let block = recorder.block;
                    Self::record(recorder, |graph| {
                        graph
                            .address_taken
                            .extend(held.into_iter().map(|site| (site, block)))
                    });
                }
                // The reallocating helper releases the place's block and stores the new
                // one: until it returns, the place still holds the old one.
                // So does the filling helper that raises: a place that held NULL (`b =
                // NULL` before `try: load(n, &b)`) still does in the `except` clause.
                let keeps_null = self.filled_through.contains(&(recorder.block, *place))
                    && state
                        .targets(*place)
                        .is_some_and(|targets| targets.iter().all(|t| *t == Target::Null));
                if !self.reallocated_through.contains(&(recorder.block, *place)) && !keeps_null {
                    self.forget(*place, state);
                }
            }
            // Flags and their tests: only the class model's guards read them.
            // `failed = True`: on this path the flag holds 1, and what is checked now is
            // what that value implies.
            // A local no statement tests (a loop counter, `n = 0`): nothing would read
            // what its value implies.
            Stmt::Constant { place, value } if self.tested[place.0 as usize] => {
                let implied = self.implied_now(state);
                let values = BTreeMap::from([(*value, implied)]);
                if state.implied.get(&Subject::Value(*place)) != Some(&values) {
                    Rc::make_mut(&mut state.implied).insert(Subject::Value(*place), values);
                }
            }
            Stmt::Constant { .. } => {}
            Stmt::Compare {
                place,
                value,
                relation,
            } => {
                let holds = |held| relation.holds(held, *value);
                if !self.status_test(*place, holds, None, state, recorder) {
                    return false;
                }
                let flag = Subject::Value(*place);
                if !self.apply_implied(flag, |held| relation.holds(held, *value), state) {
                    return false;
                }
                if !self.correlate(recorder.block, stmt, state) {
                    return false;
                }
            }
            Stmt::Raise => {}
            Stmt::Examined { place } => {
                for site in state.sites_of(*place) {
                    let states = state.site_mut(site);
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
        // A C++ function may take a steady local by reference (`void get(int& out)`) and
        // change it: its tests' answers no longer hold. (The allocators of the family
        // table take their sizes by value, and Python's builtins take objects.)
        let by_value = match &call.callee {
            Callee::Unbound(name) => crate::ownership::raising::is_builtin(name),
            _ => classified.is_some(),
        };
        if !by_value && !state.implied.is_empty() {
            for arg in &call.args {
                if let Value::Place(place) = arg {
                    let asked = |subject: &Subject| matches!(subject, Subject::Test(test) if test.place == *place);
                    if self.steady[place.0 as usize] && state.implied.keys().any(asked) {
                        Rc::make_mut(&mut state.implied).retain(|subject, _| !asked(subject));
                    }
                }
            }
        }
        let callee_name = call.callee.display_name();
        // `t = grow(buf, n)` of a helper that returns `realloc(p, n)` or NULL with `p`'s
        // block untouched: a `realloc` of `buf`.
        let helper_resizes = if classified.is_none() {
            helper_reallocation(self.context.summary_of(&call.callee, &self.classes), call)
        } else {
            None
        };
        let classified =
            classified.or(helper_resizes.map(|(family, _)| (family, Role::Reallocate)));
        match classified {
            Some((family, Role::Release)) => {
                if let Some(Value::Place(place)) = call.args.first() {
                    self.release(
                        *place,
                        Some(family),
                        callee_name,
                        call.span,
                        state,
                        recorder,
                    );
                }
            }
            Some((family, Role::Reallocate)) => {
                let resized = match (helper_resizes, call.args.first()) {
                    (Some((_, place)), _) => Some(place),
                    (None, Some(Value::Place(place))) => Some(*place),
                    (None, _) => None,
                };
                if let Some(place) = &resized {
                    self.fold_before_reallocation(call_id, *place, state);
                    for site in state.sites_of(*place) {
                        if state.born_elsewhere(site) {
                            continue;
                        }
                        let (before, block) = (state.states_through(*place, site), recorder.block);
                        let definite = !state.partial.contains(place);
                        Self::record(recorder, |graph| {
                            graph.releases.push(ReleaseEvent {
                                site,
                                place: *place,
                                span: call.span,
                                callee: callee_name.to_string(),
                                family: Some(family),
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
            Some((_, Role::AllocateThrough)) => {
                if let (Some(_), Some(Value::Address(place))) =
                    (self.site_of_call[call_id.0 as usize], call.args.first())
                {
                    self.allocate(call_id, state, recorder);
                    self.assign(*place, Value::Call(call_id), call.span, state, recorder);
                }
            }
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
                        if release.clears_slot {
                            self.assign(place, Value::Null, call.span, state, recorder);
                        }
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
                // A C function that only reads or fills the block, or a function of the
                // project whose summary shows it keeps no pointer to that parameter:
                // the caller still owns what it passes. (Not a method: an override in
                // a subclass may keep it.) So does an extern declared to take a pointer
                // to const data there, unless the same call is given a function (a
                // destructor or callback: `sqlite3_result_text(ctx, p, n, free)`,
                // `run_async(on_done, ctx)`), which may free it: the C function itself
                // cannot free through a `const T*` without a cast. A library may still
                // retain a lent block (sqlite's SQLITE_STATIC binding), but then the
                // caller remains the one to free it, so its leak is still the caller's.
                let passes_function = call.function_args.iter().any(|function| match function {
                    // A name another module exports may be a constant (`stderr`): it is a
                    // destructor when it is a release function (`free`).
                    Callee::External {
                        module: Some(_), ..
                    } => matches!(
                        self.families.classify(function, false),
                        Some((_, Role::Release))
                    ),
                    _ => true,
                });
                let borrows = |index: usize| {
                    BORROWERS.contains(&callee_name)
                        || (call.const_pointee_args.contains(&index) && !passes_function)
                        || matches!(
                            call.callee,
                            Callee::ModuleFunction(_)
                                | Callee::External {
                                    module: Some(_),
                                    ..
                                }
                        ) && summary.is_some_and(|s| s.borrows.contains(&index))
                };
                // `PyCapsule_New(p, name, destroy)`: the destructor releases `p`'s block.
                if !self.function.release_callbacks.is_empty() && recorder.graph.is_some() {
                    self.note_capsule_handoff(call_id, state, recorder);
                }
                for (index, arg) in call.args.iter().enumerate() {
                    let Value::Place(place) = arg else { continue };
                    if !released[index] && borrows(index) && recorder.graph.is_some() {
                        let held = state.sites_of(*place);
                        Self::record(recorder, |graph| {
                            graph
                                .lent
                                .extend(held.into_iter().map(|site| (site, call_id)))
                        });
                    } else if !released[index] && recorder.graph.is_some() {
                        let (held, block) = (state.sites_of(*place), recorder.block);
                        Self::record(recorder, |graph| {
                            let passed = held.into_iter().map(|site| (site, call_id, block));
                            graph.passed.extend(passed)
                        });
                    }
                    let tolerated = summary
                        .is_some_and(|s| s.tolerates.contains(&parameter(index)))
                        || NULL_TOLERANT.contains(&callee_name)
                        || capsule_function(callee_name).is_some_and(|f| f.null_tolerant);
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
                    // `safe_realloc(&self.data, n)` stores its block in `self.data`, and
                    // when it reallocates, it released the block held there before.
                    let out = summary.and_then(|s| s.out_argument(call));
                    if let Some((place, out)) = out.filter(|(_, out)| out.reallocates) {
                        self.fold_before_reallocation(call_id, place, state);
                        self.release(
                            place,
                            Some(out.family),
                            callee_name,
                            call.span,
                            state,
                            recorder,
                        );
                    }
                    self.allocate(call_id, state, recorder);
                    let returns = summary.and_then(|s| s.returns.as_ref());
                    if let (Some((place, _)), None) = (out, returns) {
                        self.assign(place, Value::Call(call_id), call.span, state, recorder);
                    }
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
                // `self._require_cells()`, which returns only when `self.cells` is not
                // NULL: a check of the caller's `self.cells`.
                // Only a call that can raise: a C-level helper (`_update_memview()`, whose
                // memoryview cast of a NULL field raises with no `raise` of its own) has
                // no unwind edge here, so its NULL path would vanish instead of leaving.
                let checked_fields = summary
                    .filter(|_| !call.c_level)
                    .map_or(&[][..], |s| &s.checks_fields[..]);
                for (param, field) in checked_fields {
                    let owner = match (&call.callee, *param) {
                        (Callee::Method(_), 0) => call
                            .receiver
                            .or_else(|| self.function.place_id(&crate::ir::Place::local("self"))),
                        (Callee::Method(_), k) => match call.args.get(k - 1) {
                            Some(Value::Place(place)) => Some(*place),
                            _ => None,
                        },
                        (_, k) => match call.args.get(k) {
                            Some(Value::Place(place)) => Some(*place),
                            _ => None,
                        },
                    };
                    let Some(owner) = owner else { continue };
                    let owner = self.function.place(owner);
                    let mut path = owner.path.clone();
                    path.push(Projection::Field(field.clone()));
                    let checked = crate::ir::Place {
                        root: owner.root.clone(),
                        path,
                    };
                    if let Some(place) = self.function.place_id(&checked) {
                        if !self.assume(place, true, call.span, state, recorder) {
                            return false;
                        }
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
                // Only an allocation in a loop gets here: the scan over the places that
                // hold something is the rare case.
                let holders: Vec<usize> = state
                    .points
                    .iter()
                    .filter(|(_, targets)| targets.as_ref().is_some_and(|t| t.contains(&recent)))
                    .map(|(place, _)| place)
                    .collect();
                let moved = !holders.is_empty();
                for place in holders {
                    let targets = state.targets_mut(PlaceId(place as u32));
                    targets.remove(&recent);
                    targets.insert(older);
                }
                if moved {
                    let Target::Site(older_site) = older else {
                        unreachable!()
                    };
                    let joined = state.site(older_site).union(state.site(site));
                    *state.site_mut(older_site) = joined;
                    if !state.implied.is_empty() {
                        Self::allocated_under_every_flag(older_site, state);
                    }
                    state.born.remove(&older_site);
                    if state.uncertain.value(site.0 as usize) {
                        state.uncertain.set(site.0 as usize, false);
                        state.uncertain.set(older_site.0 as usize, true);
                    }
                    for holder in self.holders.of(site) {
                        if state.dangles(holder, site) {
                            state.start_dangling(holder, older_site);
                        }
                    }
                    state.failed = std::mem::take(&mut state.failed)
                        .into_iter()
                        .map(|(place, failed)| {
                            (place, if failed == site { older_site } else { failed })
                        })
                        .collect();
                    for holder in self.holders.of(site) {
                        if state.is_checked(holder, site) {
                            state.unmark_checked(holder, site);
                            state.mark_checked(holder, older_site);
                        }
                    }
                }
            }
            // The new block is not the one released: no place holds it yet.
            for holder in self.holders.of(site) {
                if state.dangles(holder, site) {
                    state
                        .dangling
                        .get_mut(holder.0 as usize)
                        .remove(&Target::Site(site));
                }
            }
            state.uncertain.set(site.0 as usize, false);
            for holder in self.holders.of(site) {
                state.unmark_checked(holder, site);
            }
            if state.flags.is_empty() {
                state.born.remove(&site);
            } else {
                state.born.insert(site, state.flags.clone());
            }
            *state.site_mut(site) = if never_null {
                SiteStates::NON_NULL
            } else {
                SiteStates::UNCHECKED
            };
            if !state.implied.is_empty() {
                Self::allocated_under_every_flag(site, state);
            }
        }
    }

    /// The locals that hold one block allocated here (or NULL) on every path reaching
    /// this point, with its states ([`HeldAtAllocation`]), for blocks no path here freed
    /// or handed off. Found from the blocks still owned and their possible holders, never
    /// by a scan of every place: this runs at every allocation.
    fn held_by_locals(&self, state: &State) -> Vec<(PlaceId, SiteId, SiteStates)> {
        let owned = |states: &SiteStates| {
            !states.is_empty()
                && !states.contains(SiteStates::FREED)
                && !states.contains(SiteStates::ESCAPED)
        };
        let mut held = Vec::new();
        let chunks = &self.holders.local_chunks;
        let in_chunk = |number: usize| chunks.get(number).copied().unwrap_or(false);
        for (index, states) in state.sites.iter_where_in(in_chunk, owned) {
            let site = SiteId(index as u32);
            let allocated_here = matches!(self.graph_sites[index].origin, SiteOrigin::Call(_));
            if !allocated_here || state.born_elsewhere(site) {
                continue;
            }
            for place in self.holders.of(site) {
                if !self.function.place(place).path.is_empty() || state.partial.contains(&place) {
                    continue;
                }
                let Some(targets) = state.targets(place) else {
                    continue;
                };
                let mut sites = targets.iter().filter(|t| **t != Target::Null);
                if sites.next() == Some(&Target::Site(site)) && sites.next().is_none() {
                    held.push((place, site, *states));
                }
            }
        }
        held.sort_by_key(|(place, _, _)| *place);
        held
    }

    /// The place in this function a helper's released parameter denotes, with the index
    /// of the argument it is (`None` for the receiver of `self.helper()`).
    fn argument_place(
        &self,
        call: CallId,
        release: &ReleasedParameter,
    ) -> Option<(Option<usize>, PlaceId)> {
        let call = self.function.call(call);
        if release.slot {
            // `release(&b)`: `b` holds the block the helper frees through `pp[0]`.
            let index = match &call.callee {
                Callee::Method(_) => release.param.checked_sub(1)?,
                _ => release.param,
            };
            return match call.args.get(index)? {
                Value::Address(place) => Some((None, *place)),
                _ => None,
            };
        }
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
        family: Option<FamilyId>,
        callee: &str,
        span: Span,
        state: &mut State,
        recorder: &mut Recorder,
    ) {
        let definite = !state.partial.contains(&place);
        let sites = state.sites_of(place);
        // Released through a place that holds this block only (or NULL): every place that
        // holds the block now dangles. Through one that may hold any of several blocks, or
        // an untracked pointer on some path (a list walk's `cur`), only the place itself is
        // known to: another place holding one of them may hold the one that lives on.
        let alone = sites.len() == 1 && definite;
        for site in sites {
            if state.born_elsewhere(site) {
                // Allocated only on paths that tested a flag the other way: the block
                // does not exist on this one, so nothing of it is left to free or leak.
                *state.site_mut(site) = SiteStates::default();
                state.born.remove(&site);
                continue;
            }
            // `free(NULL)` is allowed: a block that may have failed to allocate is still
            // NULL on that path (a failed realloc whose old block leaked, say).
            let block = recorder.block;
            let before = state.states_through(place, site);
            let states = state.site_mut(site);
            let maybe_null =
                states.contains(SiteStates::UNCHECKED) || states.contains(SiteStates::NULL);
            // A block known to be NULL here was never allocated on this path: the
            // call frees nothing (`if tmp == NULL: free(tmp)` after a failed realloc).
            *states = if *states == SiteStates::NULL {
                SiteStates::NULL
            } else if maybe_null {
                SiteStates::FREED.union(SiteStates::NULL)
            } else {
                SiteStates::FREED
            };
            state.start_dangling(place, site);
            if !state.implied.is_empty() {
                Self::released_under_every_flag(place, state);
            }
            if alone {
                state.uncertain.set(site.0 as usize, false);
            } else {
                state.uncertain.set(site.0 as usize, true);
            }
            if !alone && definite {
                for holder in self.released_with(place, site, recorder.block, state) {
                    state.start_dangling(holder, site);
                }
            }
            if alone {
                for holder in self.holders.of(site) {
                    if state
                        .targets(holder)
                        .is_some_and(|targets| targets.contains(&Target::Site(site)))
                    {
                        state.start_dangling(holder, site);
                        if !state.implied.is_empty() {
                            Self::released_under_every_flag(holder, state);
                        }
                    }
                }
            }
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
        // Whatever a partial place held here (a list walk's `cur`: the first node, or one
        // the analysis does not follow), this release freed it: until it is assigned
        // again, reading through it (`free(cur); cur = cur.next`) reads freed memory on
        // every path, and the place dangles for each block it may hold.
        if !definite {
            state.partial.remove(&place);
        }
    }

    /// For a release through `place`, which may hold `site` or another block here: the
    /// other places that hold `site` alone on every path, and so dangle on the paths
    /// where `place` held it. Only where `place` got the block by a copy in a loop that
    /// this release follows on every way out (`for k in range(n): a = b`, then
    /// `free(a)`): on each path that ran the loop at least once, `a` held `b`'s block
    /// here, and the other blocks it may hold come from paths that never ran it. A copy
    /// under a condition (`if in_place: out = inp`) is not followed: a later test of the
    /// same condition may keep the path that copied from freeing the other place
    /// (`if not in_place: free(inp)`), which the analysis does not correlate. Nor a place
    /// the code compares with `place` (`if b != a: free(b)`).
    fn released_with(
        &self,
        place: PlaceId,
        site: SiteId,
        release: BlockId,
        state: &State,
    ) -> Vec<PlaceId> {
        let only_this = |holder: PlaceId| {
            holder != place
                && !state.partial.contains(&holder)
                && state
                    .targets(holder)
                    .is_some_and(|targets| targets.as_slice() == [Target::Site(site)])
                && !self
                    .function
                    .place(holder)
                    .path
                    .iter()
                    .any(|step| !matches!(step, Projection::Field(_)))
                && !self.function.compares(place, holder)
        };
        let loop_copies = self
            .loop_copies
            .get_or_init(|| LoopCopies::of(self.function, &self.in_cycles));
        let Some(copies) = loop_copies.copies.get(&place) else {
            return Vec::new();
        };
        let mut holders: Vec<PlaceId> = self.holders.of(site).filter(|h| only_this(*h)).collect();
        if holders.is_empty() {
            return holders;
        }
        let mut copied = false;
        for &(block, source) in copies {
            if !self.holders.of(site).any(|holder| holder == source) {
                continue;
            }
            if !self.in_cycles[block.0 as usize] || !self.passes_through(block, release) {
                return Vec::new();
            }
            copied = true;
        }
        if !copied {
            holders.clear();
        }
        holders
    }

    /// Whether every path from the end of block `from` to a way out of the function
    /// passes through block `through`, which is not `from`. A call's unwind edge is not
    /// followed (the path where it returns goes on); a `raise` statement's is.
    fn passes_through(&self, from: BlockId, through: BlockId) -> bool {
        if from == through {
            return false;
        }
        if let Some(known) = self.passes_through.borrow().get(&(through, from)) {
            return *known;
        }
        let function = self.function;
        let mut seen = vec![false; function.blocks.len()];
        seen[through.0 as usize] = true;
        let mut pending: Vec<BlockId> = Vec::new();
        match &function.block(from).terminator {
            Terminator::Call {
                return_to: Some(to),
                ..
            } => pending.push(*to),
            terminator => pending.extend(terminator.successors()),
        }
        let mut avoided = false;
        while let Some(block) = pending.pop() {
            if std::mem::replace(&mut seen[block.0 as usize], true) {
                continue;
            }
            if block == function.return_exit || block == function.unwind_exit {
                avoided = true;
                break;
            }
            match &function.block(block).terminator {
                Terminator::Call {
                    return_to: Some(to),
                    ..
                } => pending.push(*to),
                terminator => pending.extend(terminator.successors()),
            }
        }
        self.passes_through
            .borrow_mut()
            .insert((through, from), !avoided);
        !avoided
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
            Value::Place(source) => state.targets(source).cloned(),
            Value::Null => Some(Targets::one(Target::Null)),
            Value::Address(_) | Value::Other => None,
        };
        if let Value::Call(call) = value {
            let reallocates = self.site_of_call[call.0 as usize]
                .and_then(|(site, _)| self.graph_sites[site.0 as usize].reallocates);
            // `p = realloc(p, n)` while `p` can only be NULL is a first allocation: a
            // failure loses nothing.
            let only_null = state
                .targets(target)
                .is_some_and(|targets| targets.iter().all(|t| *t == Target::Null));
            let previous = state.sites_of(target);
            // (Only a reallocation stored over the place it resizes asks whether the old
            // block is kept elsewhere.)
            if reallocates == Some(target)
                && !only_null
                && !self.kept_elsewhere(target, &previous, state)
            {
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
            let reallocated = match targets.as_slice() {
                [Target::Site(site)] => Some(*site),
                _ => None,
            };
            let overwrite = reallocated.and_then(|site| {
                let allocation = &self.graph_sites[site.0 as usize];
                let unchecked = state.site(site).contains(SiteStates::UNCHECKED);
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
                        let states = state.site(*site);
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
                    .filter(|element| state.holds(*element))
                    .collect(),
            };
            for other in also {
                state.targets_mut(other).extend(targets.iter().copied());
                if let Value::Place(source) = value {
                    state.copy_dangling(other, source);
                }
            }
        }
        // What the value dangles to, read before the place is overwritten (`p = p`).
        let dangles_to: Vec<SiteId> = match value {
            Value::Place(source) => state
                .sites_of(source)
                .into_iter()
                .filter(|site| state.dangles(source, *site))
                .collect(),
            _ => Vec::new(),
        };
        if place.is_strong() {
            // `p = realloc(p, n)`, or `p = tmp` after `tmp = realloc(p, n)`: the value is
            // what the place held, resized.
            let resized = targets.as_ref().is_some_and(|targets| {
                targets.iter().any(|held| {
                    matches!(held, Target::Site(site)
                        if self.graph_sites[site.0 as usize].reallocates == Some(target))
                })
            });
            self.record_overwrite(target, span, resized, state, recorder);
            self.forget(target, state);
            // `last = this` in a list walk: a copy of a partial place is partial too.
            if let Value::Place(source) = value {
                if state.partial.contains(&source) {
                    state.partial.insert(target);
                }
            }
            match targets {
                Some(targets) => {
                    // `ret = reallocated_ret` after its check: checked here too.
                    if let Value::Place(source) = value {
                        for target_site in targets.iter() {
                            let Target::Site(site) = target_site else {
                                continue;
                            };
                            if state.is_checked(source, *site)
                                || !state.site(*site).contains(SiteStates::UNCHECKED)
                            {
                                state.mark_checked(target, *site);
                            }
                        }
                    }
                    state.set_targets(target, Some(targets));
                    if let Value::Call(call) = value {
                        for &(field, site) in self.field_sites.get(&call).into_iter().flatten() {
                            state.set_targets(field, Some(Targets::one(Target::Site(site))));
                            *state.site_mut(site) = SiteStates::NON_NULL;
                            if !state.implied.is_empty() {
                                Self::allocated_under_every_flag(site, state);
                            }
                        }
                    }
                }
                // Holds nothing tracked now, not whatever `a[...]` holds.
                None if self.any_element[target.0 as usize].is_some() => {
                    state.set_targets(target, Some(Targets::default()));
                }
                None => {}
            }
        } else if let Some(targets) = targets {
            state.targets_mut(target).extend(targets.iter().copied());
        }
        for site in dangles_to {
            state.start_dangling(target, site);
        }
    }

    /// `old = p` before `p = realloc(p, n)`: the old block is not lost on failure. The
    /// elements `p[i]` stands for are `p[0]` itself (in a loop, `buf[0] = realloc(buf[0],
    /// n)` leaves its block in `buf[...]` too), not another holder.
    fn kept_elsewhere(&self, target: PlaceId, previous: &[SiteId], state: &State) -> bool {
        let same_element = self.any_element.get(target.0 as usize).copied().flatten();
        !previous.is_empty()
            && previous.iter().all(|site| {
                self.holders.of(*site).any(|place| {
                    place != target
                        && Some(place) != same_element
                        && state
                            .targets(place)
                            .is_some_and(|t| t.contains(&Target::Site(*site)))
                })
            })
    }

    /// A strong store into `target`: each block it held may lose its last pointer.
    fn record_overwrite(
        &self,
        target: PlaceId,
        span: Span,
        resized: bool,
        state: &State,
        recorder: &mut Recorder,
    ) {
        if recorder.graph.is_none() {
            return;
        }
        let sites = state.sites_of(target);
        if sites.is_empty() {
            return;
        }
        let partial = state.partial.contains(&target);
        let only_target = !partial
            && state
                .targets(target)
                .is_some_and(|t| t.iter().filter(|t| **t != Target::Null).count() == 1);
        let block = recorder.block;
        for site in sites {
            // Among the block's possible holders, never a scan of every place.
            let held_elsewhere = self.holders.of(site).any(|place| {
                place != target
                    && state
                        .targets(place)
                        .is_some_and(|t| t.contains(&Target::Site(site)))
            });
            let states = state.site(site);
            let freed_uncertainly = state.uncertain.value(site.0 as usize);
            Self::record(recorder, |graph| {
                graph.overwrites.push(OverwriteEvent {
                    site,
                    place: target,
                    span,
                    states,
                    held_elsewhere,
                    only_target,
                    partial,
                    resized,
                    block,
                    freed_uncertainly,
                })
            });
        }
    }

    /// The place (and every place inside it) no longer holds a known block.
    fn forget(&self, place: PlaceId, state: &mut State) {
        state.set_targets(place, None);
        state.stop_dangling(place);
        for inner in &self.inside[place.0 as usize] {
            state.stop_dangling(*inner);
        }
        if !state.partial.is_empty() {
            state.partial.remove(&place);
            for inner in &self.inside[place.0 as usize] {
                state.partial.remove(inner);
            }
        }
        if !state.failed.is_empty() {
            let outer = self.function.place(place);
            state.failed.retain(|(failed, _)| {
                *failed != place && !outer.strictly_contains(self.function.place(*failed))
            });
        }
        state.unmark_place_checked(place);
        for inner in &self.inside[place.0 as usize] {
            state.unmark_place_checked(*inner);
        }
        if !state.implied.is_empty() {
            Self::forget_subjects(place, &self.inside[place.0 as usize], state);
            let mentions = |implied: &Implied| {
                implied.checked.contains(&place)
                    || implied.null.contains(&place)
                    || implied.live.contains(&place)
                    || implied.freed.contains(&place)
            };
            let mentioned = state
                .implied
                .values()
                .flat_map(BTreeMap::values)
                .any(mentions);
            if mentioned {
                for values in Rc::make_mut(&mut state.implied).values_mut() {
                    for implied in values.values_mut() {
                        implied.checked.remove(&place);
                        implied.null.remove(&place);
                        implied.live.remove(&place);
                        implied.freed.remove(&place);
                    }
                }
            }
        }
        state.flags.remove(&place);
        // The place's old value says nothing of births any more; a block born under no
        // remaining flag is born anywhere (no entry at all).
        if !state.born.is_empty() {
            state.born.retain(|_, born| {
                born.remove(&place);
                !born.is_empty()
            });
        }
        for inner in &self.inside[place.0 as usize] {
            state.set_targets(*inner, None);
        }
    }

    /// A test of a status a [`Role::AllocateThrough`] call returned (`holds`: which
    /// values it lets through): where only 0 passes, the block it stored is not NULL;
    /// where only an error number (positive) passes, it stored nothing. False when the
    /// edge cannot be taken.
    fn status_test(
        &self,
        place: PlaceId,
        holds: impl Fn(i64) -> bool,
        span: Option<crate::diagnostic::Span>,
        state: &mut State,
        recorder: &mut Recorder,
    ) -> bool {
        let Some(status) = self.statuses.get(&place) else {
            return true;
        };
        // Only while the place still holds the block that call stored.
        if !state.sites_of(status.out_place).contains(&status.site) {
            return true;
        }
        // `EINVAL`, `ENOMEM`: small positive numbers; a test against a value past them
        // (`rc < 100`) is taken as letting them all through.
        let succeeded = holds(0);
        let failed = (1..=64).any(&holds);
        let span = span.unwrap_or(status.span);
        match (succeeded, failed) {
            (true, false) => self.assume(status.out_place, true, span, state, recorder),
            (false, true) => self.assume(status.out_place, false, span, state, recorder),
            _ => true,
        }
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
        let holds_allocation = state.targets(place).is_some_and(|targets| {
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
                // Its birth flags go with it: they are kept only where a block exists.
                *state.site_mut(site) = SiteStates::default();
                state.born.remove(&site);
            }
        }
        if non_null {
            state.failed.retain(|(failed, _)| *failed != place);
        }
        if !non_null && state.holds(place) {
            // NULL on this edge: whatever block it held, it does not point to it here.
            state.stop_dangling(place);
        }
        let Some(targets) = state.targets(place) else {
            return true;
        };
        let single_target = targets.len() == 1;
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
            // A place that can only hold NULL is not NULL on no path; one that holds
            // nothing known yet says nothing.
            let targets = state.targets_mut(place);
            let only_null = !targets.is_empty() && targets.iter().all(|t| *t == Target::Null);
            targets.remove(&Target::Null);
            if only_null {
                return false;
            }
            for &site in &sites {
                state.mark_checked(place, site);
            }
            if !sites.is_empty() {
                Self::checked_under_every_flag(place, state);
            }
            if let [site] = sites[..] {
                let narrowed = state.site(site).assume_non_null();
                if narrowed.is_empty() {
                    return false;
                }
                *state.site_mut(site) = narrowed;
            } else {
                for site in sites {
                    let states = state.site_mut(site);
                    if states.contains(SiteStates::UNCHECKED) {
                        *states = states
                            .without(SiteStates::UNCHECKED)
                            .union(SiteStates::NON_NULL);
                    }
                }
            }
        } else if single_target {
            state.unmark_place_checked(place);
            if let [site] = sites[..] {
                let before = state.site(site);
                let narrowed = before.assume_null();
                if narrowed.is_empty() {
                    return false;
                }
                *state.site_mut(site) = narrowed;
                if before.contains(SiteStates::UNCHECKED) {
                    state.failed.insert((place, site));
                }
                if !narrowed.may_be_allocated() && !state.implied.is_empty() {
                    Self::failed_under_every_flag(site, state);
                }
            }
        } else {
            // `p = malloc(n) if small else PyMem_Malloc(n)`, then `if p == NULL`: whichever
            // block `p` holds on this path is NULL. A block no other place holds can be
            // nowhere else, so it is NULL (or was never made) here too.
            let tested = state.targets(place).cloned().unwrap_or_default();
            for site in sites {
                // An alias holding exactly what `p` holds (`p = tmp`) holds the same block.
                let held_elsewhere = self.holders.of(site).any(|other| {
                    other != place
                        && state.targets(other).is_some_and(|targets| {
                            targets.contains(&Target::Site(site)) && *targets != tested
                        })
                });
                let before = state.site(site);
                let narrowed = before.assume_null();
                if narrowed.is_empty() {
                    // A block known not to be NULL is not what `p` holds on this path; held
                    // by no other place, it was not made on this path either (which keeps
                    // the test monotone: where the block may still be NULL, it is narrowed
                    // to NULL below).
                    let targets = state.targets_mut(place);
                    targets.remove(&Target::Site(site));
                    let nothing_left = targets.is_empty();
                    // Nor checked through it: the place is marked checked only for blocks
                    // it holds, which a join relies on (an entry for a block a place does
                    // not hold is kept against any side).
                    state.unmark_checked(place, site);
                    if !held_elsewhere {
                        *state.site_mut(site) = SiteStates::default();
                        state.born.remove(&site);
                        // Not live under any flag's value either, as where it may still be
                        // NULL and is narrowed to it: a flag set while it was live must
                        // not imply it is live past this edge only because it was known
                        // not to be NULL.
                        if !state.implied.is_empty() {
                            Self::failed_under_every_flag(site, state);
                        }
                    }
                    if nothing_left {
                        return false;
                    }
                    continue;
                }
                if held_elsewhere {
                    continue;
                }
                *state.site_mut(site) = narrowed;
                if before.contains(SiteStates::UNCHECKED) {
                    state.failed.insert((place, site));
                }
                if !narrowed.may_be_allocated() && !state.implied.is_empty() {
                    Self::failed_under_every_flag(site, state);
                }
            }
        }
        true
    }
}

/// For each site, every place that may hold its block on some path: the places its
/// allocation (or the parameter it comes in by) is stored into, and every place connected
/// to one of those by a copy (`q = p`) or as an element of the same array. The classes of
/// places that copies connect are found with a union-find, once per function.
fn possible_holders(
    function: &Function,
    sites: &[AllocationSite],
    site_of_call: &[Option<(SiteId, bool)>],
    older: &[Option<SiteId>],
    any_element: &[Option<PlaceId>],
) -> Holders {
    fn root(parent: &mut [usize], mut place: usize) -> usize {
        while parent[place] != place {
            parent[place] = parent[parent[place]];
            place = parent[place];
        }
        place
    }
    let mut parent: Vec<usize> = (0..function.places.len()).collect();
    let unite = |parent: &mut Vec<usize>, a: usize, b: usize| {
        let (a, b) = (root(parent, a), root(parent, b));
        if a != b {
            parent[a.max(b)] = a.min(b);
        }
    };
    // The places each site's block is first stored into.
    let mut stored: Vec<Vec<usize>> = vec![Vec::new(); sites.len()];
    for (index, site) in sites.iter().enumerate() {
        if let SiteOrigin::Incoming(place) = site.origin {
            stored[index].push(place.0 as usize);
        }
    }
    for (element, any) in any_element.iter().enumerate() {
        if let Some(any) = any {
            unite(&mut parent, element, any.0 as usize);
        }
    }
    for stmt in function.blocks.iter().flat_map(|block| &block.stmts) {
        let Stmt::Assign { target, value, .. } = stmt else {
            continue;
        };
        match value {
            Value::Place(source) => unite(&mut parent, target.0 as usize, source.0 as usize),
            Value::Call(call) => {
                if let Some((site, _)) = site_of_call[call.0 as usize] {
                    stored[site.0 as usize].push(target.0 as usize);
                }
            }
            Value::Null | Value::Address(_) | Value::Other => {}
        }
    }
    // `safe_realloc(&self.data, n)`: an out-parameter allocator stores its block through
    // the address it is given.
    for (index, call) in function.calls.iter().enumerate() {
        let Some((site, _)) = site_of_call[index] else {
            continue;
        };
        for arg in &call.args {
            if let Value::Address(place) = arg {
                stored[site.0 as usize].push(place.0 as usize);
            }
        }
    }
    // The blocks of earlier loop turns are held where the recent one was.
    for (site, twin) in older.iter().enumerate() {
        if let Some(twin) = twin {
            let places = stored[site].clone();
            stored[twin.0 as usize].extend(places);
        }
    }
    let mut members: BTreeMap<usize, Vec<PlaceId>> = BTreeMap::new();
    for place in 0..function.places.len() {
        let class = root(&mut parent, place);
        members
            .entry(class)
            .or_default()
            .push(PlaceId(place as u32));
    }
    let of_site = stored
        .into_iter()
        .map(|places| {
            let classes: BTreeSet<usize> = places
                .into_iter()
                .map(|place| root(&mut parent, place))
                .collect();
            classes.into_iter().collect()
        })
        .collect();
    let mut holders = Holders {
        of_site,
        members,
        local_chunks: Vec::new(),
    };
    let chunk = crate::ownership::chunked::CHUNK;
    holders.local_chunks = vec![false; sites.len().div_ceil(chunk)];
    for site in 0..sites.len() {
        let local = holders
            .of(SiteId(site as u32))
            .any(|place| function.place(place).path.is_empty());
        holders.local_chunks[site / chunk] |= local;
    }
    holders
}

/// The places that may hold each site's block, as classes of places copies connect.
#[derive(Default)]
struct Holders {
    /// By site, the classes its block is stored into.
    of_site: Vec<Vec<usize>>,
    members: BTreeMap<usize, Vec<PlaceId>>,
    /// By chunk of sites ([`crate::ownership::chunked::CHUNK`]), whether a local variable
    /// may hold one of them: the locals held at an allocation skip the other chunks (a
    /// class's attributes, thousands of blocks no local holds).
    local_chunks: Vec<bool>,
}

impl Holders {
    /// `site` may be held wherever any of `others` may.
    fn share(&mut self, site: SiteId, others: &[SiteId]) {
        let mut classes: BTreeSet<usize> = BTreeSet::new();
        for other in others {
            classes.extend(self.of_site.get(other.0 as usize).into_iter().flatten());
        }
        let index = site.0 as usize;
        if self.of_site.len() <= index {
            self.of_site.resize(index + 1, Vec::new());
        }
        self.of_site[index] = classes.into_iter().collect();
        let chunk = index / crate::ownership::chunked::CHUNK;
        let local = others.iter().any(|other| {
            self.local_chunks
                .get(other.0 as usize / crate::ownership::chunked::CHUNK)
                .copied()
                .unwrap_or(false)
        });
        if self.local_chunks.len() <= chunk {
            self.local_chunks.resize(chunk + 1, false);
        }
        self.local_chunks[chunk] |= local;
    }

    fn of(&self, site: SiteId) -> impl Iterator<Item = PlaceId> + '_ {
        self.of_site
            .get(site.0 as usize)
            .into_iter()
            .flatten()
            .flat_map(|class| self.members.get(class).into_iter().flatten().copied())
    }
}

/// The blocks that call an allocator, with the calls.
fn blocks_of_calls(
    function: &Function,
    site_of_call: &[Option<(SiteId, bool)>],
) -> Vec<(BlockId, Vec<CallId>)> {
    let mut found = Vec::new();
    for (index, block) in function.blocks.iter().enumerate() {
        let calls: Vec<CallId> = block
            .calls()
            .filter(|call| site_of_call[call.0 as usize].is_some())
            .collect();
        if !calls.is_empty() {
            found.push((BlockId(index as u32), calls));
        }
    }
    found
}

#[cfg(test)]
mod tests {
    //! The domain's laws: the join is associative, commutative and idempotent and says
    //! when it changed something; the transfer of a statement is monotone (a larger state
    //! in gives a larger state out), which is what makes the engine's fixpoint exist and
    //! its reverse-postorder iteration sound.

    use std::collections::HashMap;

    use proptest::prelude::*;

    use super::*;
    use crate::diagnostic::Span;
    use crate::ir::{Function, FunctionKind};
    use crate::ownership::summary::{ProjectSummaries, Summaries};
    use crate::ownership::Resolution;
    use crate::settings::AnalysisSettings;

    const PLACES: u32 = 4;
    const SITES: u32 = 4;

    /// A state over `PLACES` places and `SITES` sites (a site's birth flags only where
    /// it exists, as the analysis keeps them).
    fn state() -> impl Strategy<Value = State> {
        let targets = proptest::collection::vec(
            proptest::option::of(proptest::collection::btree_set(0..=SITES, 0..3)),
            PLACES as usize,
        );
        let sites = proptest::collection::vec(0u8..32, SITES as usize);
        let flags = proptest::collection::btree_map(0..PLACES, any::<bool>(), 0..3);
        let born = proptest::collection::btree_map(
            0..SITES,
            proptest::collection::btree_map(0..PLACES, any::<bool>(), 1..3),
            0..3,
        );
        let failed = proptest::collection::btree_set((0..PLACES, 0..SITES), 0..3);
        let partial = proptest::collection::btree_set(0..PLACES, 0..2);
        let dangling = proptest::collection::btree_set((0..PLACES, 0..SITES), 0..3);
        let uncertain = proptest::collection::btree_set(0..SITES, 0..2);
        let checked = proptest::collection::btree_set((0..PLACES, 0..SITES), 0..3);
        // Subjects: a place's constants (kind 0) or a question about it (1: `== 0`, 2:
        // `> 0`), each with what its values imply and when a test last answered it.
        let implied = proptest::collection::btree_map(
            (0..PLACES, 0u8..3),
            proptest::collection::btree_map(
                -1i64..2,
                (
                    proptest::collection::btree_set(0..PLACES, 0..3),
                    proptest::collection::btree_set(0..PLACES, 0..2),
                    proptest::collection::btree_set(0..PLACES, 0..3),
                    proptest::collection::btree_set(0..PLACES, 0..2),
                    proptest::collection::vec(0u8..32, SITES as usize),
                    0u32..4,
                ),
                1..3,
            ),
            0..3,
        );
        (
            targets,
            sites,
            flags,
            born,
            failed,
            partial,
            checked,
            implied,
            (dangling, uncertain),
        )
            .prop_map(
                |(
                    targets,
                    sites,
                    flags,
                    born,
                    failed,
                    partial,
                    checked,
                    implied,
                    (dangling, uncertain),
                )| {
                    let mut state = State::default();
                    for (place, held) in targets.into_iter().enumerate() {
                        let held = held.map(|held| {
                            let mut targets = Targets::default();
                            for target in held {
                                // The last index stands for NULL.
                                targets.insert(if target == SITES {
                                    Target::Null
                                } else {
                                    Target::Site(SiteId(target))
                                });
                            }
                            targets
                        });
                        state.set_targets(PlaceId(place as u32), held);
                    }
                    for (site, bits) in sites.into_iter().enumerate() {
                        state.sites.set(site, SiteStates(bits));
                    }
                    state.flags = flags.into_iter().map(|(p, v)| (PlaceId(p), v)).collect();
                    state.born = born
                        .into_iter()
                        .filter(|(site, _)| !state.site(SiteId(*site)).is_empty())
                        .map(|(site, flags)| {
                            let flags = flags.into_iter().map(|(p, v)| (PlaceId(p), v)).collect();
                            (SiteId(site), flags)
                        })
                        .collect();
                    state.failed = failed
                        .into_iter()
                        .map(|(p, s)| (PlaceId(p), SiteId(s)))
                        .collect();
                    state.partial = partial.into_iter().map(PlaceId).collect();
                    for (place, site) in dangling {
                        state.start_dangling(PlaceId(place), SiteId(site));
                    }
                    for site in uncertain {
                        state.uncertain.set(site as usize, true);
                    }
                    for (place, site) in checked {
                        state.mark_checked(PlaceId(place), SiteId(site));
                    }
                    state.implied = Rc::new(
                        implied
                            .into_iter()
                            .map(|(flag, values)| {
                                let values = values
                                    .into_iter()
                                    .map(|(value, (checked, null, live, freed, existing, at))| {
                                        let mut implied = Implied {
                                            checked: checked.into_iter().map(PlaceId).collect(),
                                            null: null.into_iter().map(PlaceId).collect(),
                                            live: live.into_iter().map(PlaceId).collect(),
                                            freed: freed.into_iter().map(PlaceId).collect(),
                                            existing: ChunkedVec::default(),
                                            answered_at: at,
                                            anything_exists: at == 3,
                                        };
                                        if !implied.anything_exists {
                                            for (site, bits) in existing.into_iter().enumerate() {
                                                implied.existing.set(site, SiteStates(bits));
                                            }
                                        }
                                        (value, implied)
                                    })
                                    .collect();
                                let (place, kind) = flag;
                                let subject = match kind {
                                    0 => Subject::Value(PlaceId(place)),
                                    kind => Subject::Test(Test {
                                        place: PlaceId(place),
                                        greater: kind == 2,
                                        bound: 0,
                                    }),
                                };
                                (subject, values)
                            })
                            .collect(),
                    );
                    state
                },
            )
    }

    fn joined(a: &State, b: &State) -> State {
        let mut joined = a.clone();
        joined.join(b);
        joined
    }

    /// `a` is below `b`: joining it into `b` changes nothing.
    fn below(a: &State, b: &State) -> bool {
        joined(b, a) == *b
    }

    proptest! {
        #[test]
        fn join_is_idempotent(a in state()) {
            let mut same = a.clone();
            prop_assert!(!same.join(&a));
            prop_assert_eq!(same, a);
        }

        #[test]
        fn join_is_commutative(a in state(), b in state()) {
            prop_assert_eq!(joined(&a, &b), joined(&b, &a));
        }

        #[test]
        fn join_is_associative(a in state(), b in state(), c in state()) {
            prop_assert_eq!(joined(&joined(&a, &b), &c), joined(&a, &joined(&b, &c)));
        }

        #[test]
        fn join_says_whether_it_changed_the_state(a in state(), b in state()) {
            let mut grown = a.clone();
            let changed = grown.join(&b);
            prop_assert_eq!(changed, grown != a);
        }

        #[test]
        fn narrowing_a_block_is_monotone(a in 0u8..32, b in 0u8..32) {
            let (small, large) = (SiteStates(a), SiteStates(a).union(SiteStates(b)));
            for narrow in [SiteStates::assume_non_null, SiteStates::assume_null] {
                let (small, large) = (narrow(small), narrow(large));
                prop_assert_eq!(small.union(large), large);
            }
        }

        #[test]
        fn transfer_is_monotone(a in state(), b in state(), which in 0usize..10, place in 0..PLACES, other in 0..PLACES) {
            let families = FamilyTable::for_settings(&AnalysisSettings::default());
            let summaries = Summaries::default();
            let project = ProjectSummaries::default();
            let attributes = HashMap::new();
            let several_families = std::collections::HashSet::new();
            let function = test_function();
            let ownership = test_ownership(&function, &families, Context {
                resolution: Resolution { unbound_names_resolve: true },
                summaries: &summaries,
                project: &project,
                attributes: &attributes,
                several_families: &several_families,
                buffer_fields: &attributes,
            });
            let (place, other) = (PlaceId(place), PlaceId(other));
            // Monotone in what blocks may be (their states, the flags, failed checks) for
            // the same points-to facts. In points-to it is not, by design: a NULL test
            // of a place counts as a check of every block it may hold, and a place that
            // holds nothing tracked is narrowed by no test. The engine does not need it:
            // states at join points only grow, so iteration ends either way.
            let mut b = b;
            b.points = a.points.clone();
            let large = joined(&a, &b);
            let span = Span::new(0, 0);
            let stmt = match which {
                0 => Stmt::Assume { place, non_null: true, against_null: true, span },
                1 => Stmt::Assume { place, non_null: false, against_null: true, span },
                2 => Stmt::Assign { target: place, value: Value::Place(other), span },
                3 => Stmt::Assign { target: place, value: Value::Null, span },
                4 => Stmt::Use { place, kind: crate::ir::UseKind::Deref, span },
                5 => Stmt::Examined { place },
                // Tests of a steady local's value, followed (`if c:`, `n > 0`).
                6 => Stmt::Assume { place, non_null: true, against_null: false, span },
                7 => Stmt::Assume { place, non_null: false, against_null: false, span },
                8 => Stmt::Compare { place, value: 0, relation: crate::ir::Relation::Greater },
                _ => Stmt::Compare { place, value: 0, relation: crate::ir::Relation::Equal },
            };
            let mut recorder = Recorder { graph: None, block: BlockId(0) };
            let (mut small_out, mut large_out) = (a.clone(), large.clone());
            let small_passes = ownership.transfer(&stmt, &mut small_out, &mut recorder);
            let large_passes = ownership.transfer(&stmt, &mut large_out, &mut recorder);
            // A path the small state can take, the large one can take too, and ends above.
            if small_passes {
                prop_assert!(large_passes);
                prop_assert!(below(&small_out, &large_out), "{:?}\n{:?}", small_out, large_out);
            }
        }
    }

    /// A function with `PLACES` plain locals and `SITES` allocation sites.
    fn test_function() -> Function {
        let mut function = Function::new(
            "f".to_string(),
            FunctionKind::Def,
            Span::new(0, 0),
            Span::new(0, 0),
        );
        for index in 0..PLACES {
            function.intern(Place::local(&format!("p{index}")));
        }
        function
    }

    fn test_ownership<'a, 'c>(
        function: &'a Function,
        families: &'a FamilyTable,
        context: Context<'c>,
    ) -> Ownership<'a, 'c> {
        let site = AllocationSite {
            origin: SiteOrigin::Call(CallId(0)),
            family: None,
            callee: "malloc".to_string(),
            span: None,
            reallocates: None,
            out_place: None,
        };
        Ownership {
            function,
            families,
            context,
            reallocated_through: std::collections::HashSet::new(),
            filled_through: std::collections::HashSet::new(),
            classes: Vec::new(),
            graph_sites: vec![site; SITES as usize],
            site_of_call: Vec::new(),
            out_only: Vec::new(),
            statuses: HashMap::new(),
            field_sites: HashMap::new(),
            older: Vec::new(),
            any_element: vec![None; PLACES as usize],
            has_elements: false,
            elements: BTreeMap::new(),
            inside: vec![Vec::new(); PLACES as usize],
            holders: Holders {
                of_site: vec![vec![0]; SITES as usize],
                members: BTreeMap::from([(0, (0..PLACES).map(PlaceId).collect())]),
                local_chunks: vec![true],
            },
            lineages: Vec::new(),
            lineage_of: Vec::new(),
            too_wide: Cell::new(None),
            past_budget: RefCell::new(Vec::new()),
            in_cycles: engine::blocks_in_cycles(function, &engine::Shape::of(function)),
            loop_copies: OnceCell::new(),
            passes_through: RefCell::new(HashMap::new()),
            // Every place is steady, and its questions `== 0` and `> 0` followed.
            steady: vec![true; function.places.len()],
            tested: vec![true; function.places.len()],
            correlated: (0..function.places.len() as u32)
                .flat_map(|place| {
                    [false, true].map(|greater| Test {
                        place: PlaceId(place),
                        greater,
                        bound: 0,
                    })
                })
                .collect(),
        }
    }
}
