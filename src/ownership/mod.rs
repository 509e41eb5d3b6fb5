//! The ownership graph of a function: allocation sites, the places that point to them,
//! and what happens to each block along the control-flow graph (checked, used, released,
//! escaped).
//!
//! [`OwnershipGraph::build`] runs the ownership analysis ([`dataflow`]) on the one
//! dataflow [`engine`] to a fixpoint (the in-state of a block only grows, over finitely
//! many places and sites, so loops terminate), then replays every reachable block once
//! from its fixpoint state to record the events the rules read. There is no path
//! enumeration: the cost is the size of the CFG times the number of rounds a loop needs to
//! stabilise, and states share what they have in common ([`chunked`]).

pub mod buffers;
mod callbacks;
pub mod chunked;
pub mod classes;
mod conditions;
pub mod dataflow;
pub mod engine;
pub mod families;
pub mod module;
pub mod raising;
pub mod summary;

use std::collections::{HashMap, HashSet};

use crate::diagnostic::Span;
use crate::ir::{BlockId, CallId, Callee, Function, Place, PlaceId, UseKind};
use families::{FamilyId, FamilyTable};
use summary::{ProjectSummaries, Summaries, Summary};

pub use dataflow::{SiteStates, Target, Targets};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SiteId(pub u32);

/// Where a block a function handles comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SiteOrigin {
    /// A call in this function that returns a fresh block (or NULL).
    Call(CallId),
    /// The block a parameter (or a field of one, `self.data`) holds when the function
    /// starts. Its state is unknown but checked: the caller (or the method that stored
    /// it) answers for its NULL check.
    Incoming(PlaceId),
}

/// A block: from an allocator call here, or held by a parameter on entry.
#[derive(Clone, Debug)]
pub struct AllocationSite {
    pub origin: SiteOrigin,
    /// `None` for an incoming block nothing says the family of.
    pub family: Option<FamilyId>,
    /// The function that allocated it: `malloc`, `PyMem_Realloc`, `new`, a helper.
    pub callee: String,
    /// The allocating call: here, or (for an incoming attribute) in the method that stored
    /// it; `None` for an incoming block of unknown origin.
    pub span: Option<Span>,
    /// For a reallocation, the place whose block it resizes.
    pub reallocates: Option<PlaceId>,
    /// For a helper that hands its block out through an argument `&place` (and returns
    /// something else), that place: it holds the block, not what the call returns.
    pub out_place: Option<PlaceId>,
}

impl AllocationSite {
    pub fn call(&self) -> Option<CallId> {
        match self.origin {
            SiteOrigin::Call(call) => Some(call),
            SiteOrigin::Incoming(_) => None,
        }
    }
}

/// Where the block in a class attribute was allocated, as the class's methods show.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttributeOrigin {
    pub family: FamilyId,
    pub callee: String,
    pub span: Span,
}

/// What one function's analysis may know of the rest of the module.
#[derive(Clone, Copy)]
pub struct Context<'a> {
    pub resolution: Resolution,
    pub summaries: &'a Summaries,
    /// The functions other files of the linted tree define, for cimported helpers.
    pub project: &'a ProjectSummaries,
    /// For a method: the blocks its class's methods store in its attributes.
    pub attributes: &'a HashMap<String, AttributeOrigin>,
    /// For a finalizer: those of its attributes that the methods fill from more than one
    /// family. The block one holds on entry has no one family (the instance's flags
    /// choose it, which the class check of CY002 follows), as a helper's release that
    /// depends on its arguments has none.
    pub several_families: &'a HashSet<String>,
    /// For `__releasebuffer__`: the blocks its class's `__getbuffer__` leaves in the
    /// buffer's fields, by field (`shape`, `internal`).
    pub buffer_fields: &'a HashMap<String, AttributeOrigin>,
}

impl<'a> Context<'a> {
    /// The summary of what a call calls: a function or method of this module, or a
    /// function cimported from another module of the linted tree.
    pub fn summary_of(&self, callee: &Callee, classes: &[String]) -> Option<&'a Summary> {
        match callee {
            Callee::External {
                name,
                module: Some(module),
            } => self.project.get(module, name),
            // A name the file never binds: a helper of the module's `.pxd` or of an
            // included `.pxi` (see `crate::project`), when one defines it.
            Callee::Unbound(name) => self.project.own_helper(name),
            _ => self.summaries.of_callee(callee, classes),
        }
    }
}

/// What each place holds and each block's state where the function returns or raises.
#[derive(Clone, Debug, Default)]
pub struct ExitState {
    points: chunked::ChunkedVec<Option<Targets>>,
    sites: chunked::ChunkedVec<SiteStates>,
    uncertain: chunked::ChunkedVec<bool>,
    dangling: chunked::ChunkedVec<Targets>,
}

impl ExitState {
    /// Forgets what the places hold (and held when released), keeping the blocks'
    /// states only.
    fn keep_sites_only(&mut self) {
        self.points = chunked::ChunkedVec::default();
        self.dangling = chunked::ChunkedVec::default();
    }

    /// Whether the place may hold the block after its release, on some path here (a
    /// path that freed it and set the place to NULL, or to another block, does not).
    pub fn dangles(&self, place: PlaceId, site: SiteId) -> bool {
        self.dangling
            .get(place.0 as usize)
            .is_some_and(|sites| sites.contains(&Target::Site(site)))
    }

    /// Whether some path here released the block through a place that may have held
    /// another block instead (`free(a)` after a conditional swap): where the block is
    /// also live on another path, which of them the release hit is not known.
    pub fn freed_uncertainly(&self, site: SiteId) -> bool {
        self.uncertain.value(site.0 as usize)
    }

    /// The block's possible states (empty when it does not exist here).
    pub fn site(&self, site: SiteId) -> SiteStates {
        self.sites.value(site.0 as usize)
    }

    /// What the place holds, if it holds anything tracked.
    pub fn targets(&self, place: PlaceId) -> Option<&Targets> {
        self.points.get(place.0 as usize).and_then(Option::as_ref)
    }

    /// Every block that exists here (its states are not empty), by site index, in order.
    pub fn sites(&self) -> impl Iterator<Item = (usize, SiteStates)> + '_ {
        self.sites.iter().map(|(site, states)| (site, *states))
    }

    /// The blocks that may still be allocated here (allocated, checked or not, on some
    /// path), by site index, in order: the others are skipped a chunk at a time.
    pub fn allocated_sites(&self) -> impl Iterator<Item = (usize, SiteStates)> + '_ {
        self.sites
            .iter_where(|states| states.may_be_allocated())
            .map(|(site, states)| (site, *states))
    }

    /// As [`ExitState::allocated_sites`], in the chunks of sites (by number) that
    /// `chunk_wanted` lets through only.
    pub fn allocated_sites_in<'s>(
        &'s self,
        chunk_wanted: impl Fn(usize) -> bool + 's,
    ) -> impl Iterator<Item = (usize, SiteStates)> + 's {
        self.sites
            .iter_where_in(chunk_wanted, |states| states.may_be_allocated())
            .map(|(site, states)| (site, *states))
    }

    /// The places whose targets differ from what they are in `other`, in order: cheap
    /// between two ways out of one function, whose states share what did not change.
    pub fn places_differing(&self, other: &ExitState) -> Vec<PlaceId> {
        let differing = self.points.differing(&other.points);
        differing.into_iter().map(|i| PlaceId(i as u32)).collect()
    }

    /// The blocks whose states differ from what they are in `other`, in order.
    pub fn sites_differing(&self, other: &ExitState) -> Vec<SiteId> {
        let differing = self.sites.differing(&other.sites);
        differing.into_iter().map(|i| SiteId(i as u32)).collect()
    }

    /// Every place that holds something tracked, in order.
    pub fn points(&self) -> impl Iterator<Item = (PlaceId, &Targets)> + '_ {
        self.points.iter().filter_map(|(place, targets)| {
            targets
                .as_ref()
                .map(|targets| (PlaceId(place as u32), targets))
        })
    }
}

/// The blocks local variables hold where an allocating call is made: each local that,
/// on every path reaching the call, holds one and the same block allocated in this
/// function (or NULL), with that block's possible states there. A local that may hold
/// something else on some path (another block, an untracked value) is left out, and so
/// is a block some path reaching the call freed or handed off (its states hold FREED or
/// ESCAPED): CY001's fix releases only what the function surely still owns.
#[derive(Clone, Debug)]
pub struct HeldAtAllocation {
    pub call: CallId,
    pub block: BlockId,
    pub held: Vec<(PlaceId, SiteId, SiteStates)>,
}

/// How a block is read through or handed to a function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UseHow {
    Deref,
    Arithmetic,
    /// Passed as an argument to a call that is not NULL-tolerant.
    PassedTo(CallId),
    /// Returned while it may point to a released block (recorded only then: returning a
    /// pointer reads nothing through it, and NULL is a fine return value).
    Returned,
}

/// A block read through at a point: `unchecked` when some path reaches it without a NULL
/// check of the block.
#[derive(Clone, Debug)]
pub struct UseEvent {
    pub site: SiteId,
    pub place: PlaceId,
    pub span: Span,
    pub how: UseHow,
    pub unchecked: bool,
    /// Every state the block may be in there.
    pub states: SiteStates,
    /// The basic block of the use.
    pub block: BlockId,
    /// Whether the place holds a tracked block on every path there (not, on some, a
    /// pointer the analysis does not follow).
    pub definite: bool,
}

/// A block given to a deallocator, or to a reallocator (which releases it on success).
#[derive(Clone, Debug)]
pub struct ReleaseEvent {
    pub site: SiteId,
    pub place: PlaceId,
    pub span: Span,
    /// The deallocator's name: `free`, `PyMem_Free`, `del`.
    pub callee: String,
    /// `None`: a helper that releases with one family's function or another's,
    /// depending on its arguments (`if py_heap: PyMem_Free(p) else: free(p)`).
    pub family: Option<FamilyId>,
    pub reallocating: bool,
    /// Every state the block may be in just before: FREED there is a second release.
    pub before: SiteStates,
    /// The basic block of the release.
    pub block: BlockId,
    /// As [`UseEvent::definite`].
    pub definite: bool,
}

/// A NULL test of a place that points to a block.
#[derive(Clone, Debug)]
pub struct CheckEvent {
    pub site: SiteId,
    pub place: PlaceId,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EscapeHow {
    Returned,
    /// Carried out of the function by another value (`Stmt::Escape`): an integer handle,
    /// a tuple or struct the function returns or stores. Not a returned block: callers
    /// see no fresh block in what the function returns.
    Carried,
    /// Stored into a place that outlives the function: a field, a global, an element.
    Stored(PlaceId),
}

#[derive(Clone, Debug)]
pub struct EscapeEvent {
    pub site: SiteId,
    pub span: Span,
    pub how: EscapeHow,
    /// The block's possible states as it escapes.
    pub states: SiteStates,
    /// The basic block where it escapes.
    pub block: BlockId,
}

/// `p = realloc(p, n)`: the result of a reallocation stored over the place it resizes.
#[derive(Clone, Debug)]
pub struct ReallocOverwrite {
    pub call: CallId,
    pub target: PlaceId,
    /// The whole assignment.
    pub span: Span,
    /// The blocks the place held before, when known.
    pub previous: Vec<SiteId>,
}

/// A strong store into a place that held a block: `p = malloc(n)` over an older `p`.
#[derive(Clone, Debug)]
pub struct OverwriteEvent {
    pub site: SiteId,
    pub place: PlaceId,
    /// The whole assignment.
    pub span: Span,
    /// The block's possible states just before.
    pub states: SiteStates,
    /// Whether another place still holds the block on some path.
    pub held_elsewhere: bool,
    /// Whether the place held only this block or NULL (not another block, or an
    /// untracked pointer, on some path).
    pub only_target: bool,
    /// Whether the place may hold an untracked pointer on some path (see
    /// `definite` on [`ReleaseEvent`]): what it points to is not all it may hold.
    pub partial: bool,
    /// Whether the value stored is a reallocation of what the place held (`p =
    /// realloc(p, n)`, `p = tmp` after `tmp = realloc(p, n)`): the place's lineage goes
    /// on (a failed reallocation losing the old block is CY003's).
    pub resized: bool,
    /// The basic block of the assignment.
    pub block: BlockId,
    /// As [`ExitState::freed_uncertainly`], just before.
    pub freed_uncertainly: bool,
}

/// How a path leaves the function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LeaveHow {
    /// A `return` statement (its span) or the end of the body (an empty span there).
    Returns(Span),
    /// A `raise` statement.
    Raises(Span),
    /// A call that may also return raised here, and its exception leaves the function
    /// (no handler catches it): the call and its span.
    Unwinds { call: CallId, span: Span },
    /// The end of a `finally` body run on the way out, a failed `assert`, an always
    /// raising call.
    Other,
}

/// One edge that leaves the function, and what holds as it leaves (before the join with
/// the other ways out).
#[derive(Clone, Debug)]
pub struct LeaveEvent {
    /// The basic block the edge leaves from.
    pub block: BlockId,
    pub how: LeaveHow,
    /// Whether the edge goes to the return exit (else the unwind exit).
    pub returns: bool,
    /// Shared with [`OwnershipGraph::exits`].
    pub state: std::rc::Rc<ExitState>,
}

/// A call that can raise, and the blocks that may still be allocated, and not freed on
/// any path, where it raises: what its unwind edge carries.
#[derive(Clone, Debug)]
pub struct UnwindEvent {
    pub call: CallId,
    /// The basic block the call ends.
    pub block: BlockId,
    /// Where its exception goes: a handler dispatch, a `finally`, or the unwind exit.
    pub target: BlockId,
    /// The blocks' states along the edge (a copy sharing the state's chunks: a list of
    /// the blocks at every call of a function with thousands of live blocks would be
    /// quadratic); read through [`UnwindEvent::sites`].
    states: chunked::ChunkedVec<SiteStates>,
    /// Whether the call is a method of an object that holds a block (`v.push_back(x)`
    /// on a C++ object from `new`): a C or C++ call, not a Python one.
    pub receiver_holds_a_block: bool,
}

impl UnwindEvent {
    /// Each block that may still be allocated, and is freed on no path, where the call
    /// raises, with its possible states there, in order.
    pub fn sites(&self) -> impl Iterator<Item = (SiteId, SiteStates)> + '_ {
        self.states
            .iter_where(|states| states.may_be_allocated() && !states.contains(SiteStates::FREED))
            .map(|(index, states)| (SiteId(index as u32), *states))
    }
}

/// Everything the rules need to know of one function's blocks.
pub struct OwnershipGraph<'a> {
    pub function: &'a Function,
    pub families: &'a FamilyTable,
    pub sites: Vec<AllocationSite>,
    pub uses: Vec<UseEvent>,
    pub releases: Vec<ReleaseEvent>,
    pub checks: Vec<CheckEvent>,
    pub escapes: Vec<EscapeEvent>,
    pub realloc_overwrites: Vec<ReallocOverwrite>,
    pub overwrites: Vec<OverwriteEvent>,
    /// Blocks held by a place whose address is taken (`&p`): whoever receives the
    /// address may free or keep them.
    pub address_taken: Vec<(SiteId, BlockId)>,
    /// Blocks passed as an argument to a call that does not release them (NULL-tolerant
    /// or not), with the basic block of the call: the callee may keep them.
    pub passed: Vec<(SiteId, CallId, BlockId)>,
    /// Blocks passed as an argument to a call that only reads or writes through them (a C
    /// library function, a helper whose summary borrows that parameter): not handed off.
    pub lent: Vec<(SiteId, CallId)>,
    /// What local variables own just before each allocating call (see
    /// [`HeldAtAllocation`]); read by CY001's fix, which releases them before it raises.
    pub held_at_allocations: Vec<HeldAtAllocation>,
    /// Every way out of the function, one per edge into the return or the unwind exit
    /// (a call's unwind edge included, told apart by [`LeaveHow::Unwinds`]).
    pub leaves: Vec<LeaveEvent>,
    /// Every call's unwind edge along which some block is still allocated.
    pub unwinds: Vec<UnwindEvent>,
    /// Where the function returns or raises (not where a call that may also return
    /// raised). `None` when the function was not analyzed (it touches no block) or never
    /// returns.
    pub exit: Option<ExitState>,
    /// Where the function returns to its caller (a `return`, falling off the end, or an
    /// exception a `noexcept` function swallows); `None` when no return is reachable.
    pub returning: Option<ExitState>,
    /// The state on each edge that leaves the function (returns or raises), before the
    /// join at the exit: what holds together on one way out. Kept for methods and
    /// functions that fill in an instance (the class model reads them), empty otherwise.
    pub exits: Vec<std::rc::Rc<ExitState>>,
    /// For each reallocation of a long lineage (more than
    /// [`dataflow::LINEAGE_WIDTH`] reallocations of one place), the lineage's own block,
    /// into which it may have been folded where paths join: what is known of the
    /// reallocation's block past that point is known of the lineage's.
    pub lineage: std::collections::BTreeMap<SiteId, SiteId>,
    /// Why the function was not analyzed although it handles blocks: it passes the size
    /// budget of the [`engine`] (the rest of a sentence after its name).
    pub too_large: Option<String>,
    /// The blocks (sorted) that existed where the dataflow dropped a followed question
    /// about a steady local for its budget (`dataflow::MAX_TESTS_FOLLOWED`): a release of
    /// one under `if c:` and another under `if not c:` may then look like two on one
    /// path, and a block freed under one answer like a leak under the other. The
    /// path-merging rules (CY002, CY005, CY007) stay silent on these blocks rather than
    /// guess; a block allocated after every drop is reported as anywhere else.
    pub past_budget: Vec<SiteId>,
    /// For each of the function's [`crate::ir::ReleaseCallback`]s (in order), the family
    /// its function releases the block with and that release's function's name, when
    /// certain: a deallocator named itself, a helper whose summary releases its parameter
    /// with one family, a capsule destructor whose summary says how it releases the
    /// capsule's pointer.
    pub callback_releases: Vec<Option<(FamilyId, String)>>,
    /// Blocks handed to a capsule as its pointer, with the index of the callback (in
    /// [`crate::ir::Function::release_callbacks`]) that is its destructor.
    pub capsule_handoffs: Vec<(SiteId, usize)>,
    /// For a capsule destructor: how it releases the pointer of the capsule it receives
    /// (see [`crate::ownership::summary::Summary::releases_capsule_pointer`]).
    pub releases_capsule_pointer: Option<(FamilyId, String)>,
    /// The site of each call (by call), and of each place's incoming block (by place).
    call_sites: Vec<Option<SiteId>>,
    /// For each call, whether it calls a helper of the linted tree whose summary says an
    /// exception may leave it ([`Summary::raises`]).
    raising_callees: Vec<bool>,
    incoming_sites: Vec<Option<SiteId>>,
}

/// How names resolve in the file the function comes from.
#[derive(Clone, Copy, Debug)]
pub struct Resolution {
    /// Whether a name the file never binds may still be a C allocator (a .pyx whose .pxd
    /// does the cimports, a .pxi included by a file that does).
    pub unbound_names_resolve: bool,
}

impl<'a> OwnershipGraph<'a> {
    /// Whether the block existed where a followed question was dropped for its budget
    /// (see [`OwnershipGraph::past_budget`]).
    pub fn is_past_budget(&self, site: SiteId) -> bool {
        self.past_budget.binary_search(&site).is_ok()
    }

    pub fn build(
        function: &'a Function,
        families: &'a FamilyTable,
        context: Context<'_>,
    ) -> OwnershipGraph<'a> {
        let mut graph = OwnershipGraph {
            function,
            families,
            sites: Vec::new(),
            uses: Vec::new(),
            releases: Vec::new(),
            checks: Vec::new(),
            escapes: Vec::new(),
            realloc_overwrites: Vec::new(),
            overwrites: Vec::new(),
            address_taken: Vec::new(),
            passed: Vec::new(),
            lent: Vec::new(),
            held_at_allocations: Vec::new(),
            leaves: Vec::new(),
            unwinds: Vec::new(),
            exit: None,
            returning: None,
            exits: Vec::new(),
            too_large: None,
            past_budget: Vec::new(),
            lineage: std::collections::BTreeMap::new(),
            callback_releases: Vec::new(),
            capsule_handoffs: Vec::new(),
            releases_capsule_pointer: None,
            call_sites: Vec::new(),
            incoming_sites: Vec::new(),
            raising_callees: Vec::new(),
        };
        dataflow::run(&mut graph, context);
        graph
    }

    /// Drops what only the rules of one graph ([`crate::rules::check_function`]) and the
    /// class models read, once they have read it: the states at each way out (each
    /// holds its own copies of the chunks it changed; a file's methods' graphs were
    /// mostly these), but for the ways out of a method Python code can call while the
    /// object lives, which [`crate::rules::lifetime::dangling_attributes`] reads, and
    /// those of a `__dealloc__` that runs `before_a_base`'s (a base class's in the
    /// module), which [`crate::rules::double_free::check_dealloc_chain`] reads. What
    /// the class rules read (the events, the joined states at the exit) stays.
    pub fn keep_for_class_rules(&mut self, before_a_base: bool) {
        self.leaves = Vec::new();
        self.unwinds = Vec::new();
        let function = self.function;
        let callable = function.class.is_some()
            && matches!(
                function.kind,
                crate::ir::FunctionKind::Def | crate::ir::FunctionKind::Cpdef
            )
            && !matches!(
                function.name.as_str(),
                "__dealloc__" | "__del__" | "__cinit__" | "__init__"
            );
        if !callable && !before_a_base {
            self.exits = Vec::new();
        }
        // The class rules read the blocks' states where the function ends, and what
        // `__cinit__` leaves in the attributes where it returns.
        if let Some(exit) = &mut self.exit {
            exit.keep_sites_only();
        }
        if function.name != "__cinit__" {
            if let Some(returning) = &mut self.returning {
                returning.keep_sites_only();
            }
        }
    }

    /// Forgets what the dataflow recorded of a function it then refused as too large
    /// (the engine may have replayed part of it): such a graph has its sites and no
    /// events. Every field is named, so a new kind of event cannot be missed here.
    fn drop_events(&mut self) {
        let OwnershipGraph {
            function: _,
            families: _,
            sites: _,
            lineage: _,
            too_large: _,
            past_budget: _,
            callback_releases: _,
            releases_capsule_pointer: _,
            capsule_handoffs,
            uses,
            releases,
            checks,
            escapes,
            realloc_overwrites,
            overwrites,
            address_taken,
            passed,
            lent,
            held_at_allocations,
            leaves,
            unwinds,
            exit,
            returning,
            exits,
            call_sites,
            incoming_sites,
            raising_callees: _,
        } = self;
        capsule_handoffs.clear();
        uses.clear();
        releases.clear();
        checks.clear();
        escapes.clear();
        realloc_overwrites.clear();
        overwrites.clear();
        address_taken.clear();
        passed.clear();
        lent.clear();
        held_at_allocations.clear();
        leaves.clear();
        unwinds.clear();
        *exit = None;
        *returning = None;
        exits.clear();
        call_sites.clear();
        incoming_sites.clear();
    }

    pub fn site(&self, id: SiteId) -> &AllocationSite {
        &self.sites[id.0 as usize]
    }

    /// The site a call creates, if it allocates.
    pub fn site_of_call(&self, call: CallId) -> Option<SiteId> {
        self.call_sites.get(call.0 as usize).copied().flatten()
    }

    /// Whether the call calls a helper of the linted tree whose summary says an exception
    /// may leave it.
    pub fn callee_raises(&self, call: CallId) -> bool {
        self.raising_callees
            .get(call.0 as usize)
            .copied()
            .unwrap_or(false)
    }

    /// Indexes the sites by call and by incoming place (the rules ask per call and per
    /// attribute; a scan each time would cost the number of sites).
    fn index_sites(&mut self) {
        self.call_sites = vec![None; self.function.calls.len()];
        self.incoming_sites = vec![None; self.function.places.len()];
        for (index, site) in self.sites.iter().enumerate() {
            let id = SiteId(index as u32);
            let slot = match site.origin {
                SiteOrigin::Call(call) => &mut self.call_sites[call.0 as usize],
                SiteOrigin::Incoming(place) => &mut self.incoming_sites[place.0 as usize],
            };
            // The first site of a call is its own; a loop's twin for older blocks follows.
            slot.get_or_insert(id);
        }
    }

    /// The block a place (a parameter, `self.data`) held on entry, if the function tracks
    /// it.
    pub fn incoming_site_of(&self, place: &Place) -> Option<SiteId> {
        self.function
            .place_id(place)
            .and_then(|place| self.incoming_site(place))
    }

    /// The block a place held on entry, if the function tracks it.
    pub fn incoming_site(&self, place: PlaceId) -> Option<SiteId> {
        self.incoming_sites.get(place.0 as usize).copied().flatten()
    }

    pub fn family_name(&self, family: FamilyId) -> &str {
        &self.families.family(family).name
    }
}

impl From<UseKind> for UseHow {
    fn from(kind: UseKind) -> Self {
        match kind {
            UseKind::Deref => UseHow::Deref,
            UseKind::Arithmetic => UseHow::Arithmetic,
        }
    }
}
