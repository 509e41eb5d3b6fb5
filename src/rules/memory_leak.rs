#![doc = include_str!("../../docs/rules/CY007.md")]

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};

use crate::diagnostic::{Diagnostic, Related, Span};
use crate::ir::{BlockId, FunctionKind, Place, PlaceId, Projection};
use crate::ownership::module::ModuleAnalysis;
use crate::ownership::{
    EscapeEvent, EscapeHow, LeaveHow, OwnershipGraph, SiteId, SiteOrigin, SiteStates, Target,
};
use crate::rules::lifetime::{
    calls_out_with_self, dangling_attributes, incoming_attribute_site, is_older_blocks,
    reached_without_raising,
};
use crate::rules::{RuleMeta, Severity};

pub const MEMORY_LEAK: RuleMeta = RuleMeta {
    code: "CY007",
    name: "memory-leak",
    severity: Severity::Warning,
    summary: "A block owned by a local (or a field it was stored into) is lost at a return, a raise, the end of the function or an overwrite.",
    doc: include_str!("../../docs/rules/CY007.md"),
};

/// One report per allocation: every way its block is lost.
#[derive(Default)]
struct Lost {
    place: Option<String>,
    callee: String,
    ways: Vec<Related>,
}

pub fn check(graph: &OwnershipGraph<'_>, out: &mut Vec<Diagnostic>) {
    if graph.function.kind == FunctionKind::Module
        || graph.sites.is_empty()
        || gives_a_view_ownership(graph)
    {
        return;
    }
    let hand_offs = HandOffs::of(graph);
    let failed_reallocations = FailedReallocations::of(graph);
    // The allocation span of a block the function owns at a point: allocated here, and
    // not handed off on any path before it (a failed reallocation's old block is CY003's
    // concern, a successful one's is the new site's).
    let owned = |site: usize, point: (BlockId, usize)| -> Option<Span> {
        let site = &graph.sites[site];
        match (site.origin, site.span, site.family) {
            (SiteOrigin::Call(_), Some(span), Some(_)) if !hand_offs.before(graph, span, point) => {
                Some(span)
            }
            _ => None,
        }
    };
    let mut lost: BTreeMap<Span, Lost> = BTreeMap::new();
    let normal = reached_without_raising(graph);
    // The blocks a way out may report: allocated here, not an older loop turn, and not
    // handed off in the very basic block that allocates them (`self.a = malloc(n)`: a
    // block live at a way out came from its allocation along a path through the rest of
    // that block, so `owned` would find the hand-off before it every time). By chunk of
    // sites, so that each way out skips the thousands of such blocks a class stores.
    let in_allocating_block = hand_offs.in_allocating_blocks(graph);
    let reportable: Vec<bool> = (0..graph.sites.len())
        .map(|index| {
            let site = &graph.sites[index];
            matches!(
                (site.origin, site.span, site.family),
                (SiteOrigin::Call(_), Some(_), Some(_))
            ) && !is_older_blocks(graph, SiteId(index as u32))
                && !in_allocating_block[index]
                // Past the budget of followed questions (see the field).
                && !graph.is_past_budget(SiteId(index as u32))
        })
        .collect();
    let reportable_chunks: Vec<bool> = reportable
        .chunks(crate::ownership::chunked::CHUNK)
        .map(|chunk| chunk.iter().any(|wanted| *wanted))
        .collect();
    for leave in &graph.leaves {
        // Only a call raising leads here (an `except` clause, the code after it inside):
        // the path is CY008's.
        if !normal[leave.block.0 as usize] {
            continue;
        }
        let (at, message) = match leave.how {
            LeaveHow::Returns(at) if at.start == at.end => (at, "the function ends here"),
            LeaveHow::Returns(at) => (at, "returns here"),
            LeaveHow::Raises(at) => (at, "raises here"),
            // A failed `assert`, an always-raising call, the end of a `finally` on the
            // way out: the rule is about `return` and `raise` statements; the paths
            // of a `finally` are seen where they enter it. A call that raised and left
            // the function is CY008's.
            LeaveHow::Unwinds { .. } | LeaveHow::Other => continue,
        };
        // Only blocks that may be allocated can be live.
        let in_chunk = |number: usize| reportable_chunks.get(number).copied().unwrap_or(false);
        for (index, states) in leave.state.allocated_sites_in(in_chunk) {
            if !reportable[index] {
                continue;
            }
            if !is_live(states, leave.state.freed_uncertainly(SiteId(index as u32))) {
                continue;
            }
            // The blocks of earlier loop turns are lost where their pointer is overwritten,
            // reported there; their joined states here are too coarse to say more.
            if is_older_blocks(graph, SiteId(index as u32)) {
                continue;
            }
            let point = (leave.block, usize::MAX);
            let Some(span) = owned(index, point)
                .or_else(|| failed_reallocations.still_owned(graph, index, leave, point))
            else {
                continue;
            };
            let entry = lost.entry(span).or_default();
            entry.callee.clone_from(&graph.sites[index].callee);
            entry.ways.push(Related {
                path: None,
                span: at,
                message: message.to_string(),
            });
        }
    }
    // For a block stored into a field and overwritten there: its hand-offs but the
    // stores into fields (`self.buf = malloc(8)` ... `self.buf = malloc(16)`), built at
    // the first such overwrite.
    let mut field_hand_offs: Option<HandOffs> = None;
    for overwrite in &graph.overwrites {
        let place = graph.function.place(overwrite.place);
        let local = is_local(graph, place);
        // A local that may hold this block or another (`a = b` on an earlier loop turn)
        // loses this one on the paths where it holds it: no other place may hold it, so
        // where it is live, this local is its only pointer. Not where the value resizes
        // what it held (`p = realloc(p, n)` after optional reallocations: one object).
        // A field's store is followed only where the field held this block alone.
        let holds_it_alone =
            overwrite.only_target || (local && !overwrite.partial && !overwrite.resized);
        if overwrite.held_elsewhere
            || graph.is_past_budget(overwrite.site)
            || !holds_it_alone
            || !is_live(overwrite.states, overwrite.freed_uncertainly)
        {
            continue;
        }
        let point = (overwrite.block, overwrite.span.end);
        let site = overwrite.site.0 as usize;
        let span = if local {
            owned(site, point)
        } else if is_field(place) && !is_older_blocks(graph, overwrite.site) {
            // The field was the block's only holder since this function allocated it
            // (no other place holds it here, nothing else took it before): the store
            // loses it whichever path led here.
            let hand_offs = field_hand_offs.get_or_insert_with(|| {
                HandOffs::of_filtered(graph, |escape| {
                    !matches!(escape.how, EscapeHow::Stored(into) if is_field(graph.function.place(into)))
                })
            });
            let allocation = &graph.sites[site];
            match (allocation.origin, allocation.span, allocation.family) {
                (SiteOrigin::Call(_), Some(span), Some(_))
                    if !hand_offs.before(graph, span, point) =>
                {
                    Some(span)
                }
                _ => None,
            }
        } else {
            None
        };
        let Some(span) = span else {
            continue;
        };
        let entry = lost.entry(span).or_default();
        entry.callee.clone_from(&graph.site(overwrite.site).callee);
        entry.place.get_or_insert_with(|| place.to_string());
        entry.ways.push(Related {
            path: None,
            span: overwrite.span,
            message: format!("`{place}` is overwritten here"),
        });
    }
    for (span, mut lost) in lost {
        lost.ways.sort_by_key(|way| way.span);
        lost.ways.dedup_by(|a, b| a.span == b.span);
        let place = lost
            .place
            .clone()
            .or_else(|| holder(graph, span))
            .map_or_else(|| "the block".to_string(), |place| format!("`{place}`"));
        let deallocator = graph
            .sites
            .iter()
            .find(|site| site.span == Some(span))
            .and_then(|site| site.family)
            .map(|family| graph.families.family(family).deallocator().to_string())
            .unwrap_or_default();
        out.push(Diagnostic {
            fix: None,
            rule: &MEMORY_LEAK,
            message: format!(
                "{place} leaks: the block from `{}` is neither freed nor handed off on some path",
                lost.callee
            ),
            span,
            label: "allocated here".to_string(),
            help: Some(format!(
                "free it with `{deallocator}` on every path out (a `try`/`finally` does it once), or hand it off"
            )),
            related: lost.ways,
        });
    }
}

/// `tmp = realloc(buf, n)`, then `if tmp == NULL: raise MemoryError()`: where the
/// reallocation failed, the old block was not consumed and `buf` still owns it. A
/// reallocation counts as a hand-off of the old block (where it succeeded the new block
/// is the result's), except at a way out where every reallocation of the block that ran
/// is known to have failed and the place it resized still holds the old block (not
/// `p = realloc(p, n)`, CY003's, whose old block nothing holds any more).
struct FailedReallocations {
    /// The hand-offs but the reallocations.
    others: HandOffs,
    /// By site of the old block: the reallocations that resize it (the release event's
    /// place, the reallocation's own current site).
    resized_by: HashMap<usize, Vec<(crate::ir::PlaceId, SiteId)>>,
}

impl FailedReallocations {
    fn of(graph: &OwnershipGraph<'_>) -> FailedReallocations {
        let mut resized_by: HashMap<usize, Vec<(crate::ir::PlaceId, SiteId)>> = HashMap::new();
        // Each reallocation's current site (the one of its call, not an older turn's),
        // by the call's span.
        let mut reallocation_at: HashMap<Span, SiteId> = HashMap::new();
        if graph.releases.iter().any(|r| r.reallocating) {
            for (index, site) in graph.sites.iter().enumerate() {
                let (SiteOrigin::Call(call), Some(span), Some(_)) =
                    (site.origin, site.span, site.reallocates)
                else {
                    continue;
                };
                if graph.site_of_call(call) == Some(SiteId(index as u32)) {
                    reallocation_at.insert(span, SiteId(index as u32));
                }
            }
        }
        for release in graph.releases.iter().filter(|r| r.reallocating) {
            let result = reallocation_at.get(&release.span).copied();
            let entry = resized_by.entry(release.site.0 as usize).or_default();
            // A reallocation whose result is not known keeps the hand-off.
            entry.push((release.place, result.unwrap_or(SiteId(u32::MAX))));
        }
        FailedReallocations {
            others: if resized_by.is_empty() {
                HandOffs::empty()
            } else {
                HandOffs::of_filtered_reallocations(graph, |_| true, false)
            },
            resized_by,
        }
    }

    /// The allocation span of the block, when a way out loses it after failed
    /// reallocations only: nothing else handed it off before `point`, every
    /// reallocation of it that ran on a path here returned NULL, and one of the places
    /// they resized still holds it.
    fn still_owned(
        &self,
        graph: &OwnershipGraph<'_>,
        site: usize,
        leave: &crate::ownership::LeaveEvent,
        point: (BlockId, usize),
    ) -> Option<Span> {
        let resized = self.resized_by.get(&site)?;
        let allocation = &graph.sites[site];
        let (SiteOrigin::Call(_), Some(span), Some(_)) =
            (allocation.origin, allocation.span, allocation.family)
        else {
            return None;
        };
        if self.others.before(graph, span, point) {
            return None;
        }
        let mut failed_and_held = false;
        for &(place, result) in resized {
            if result.0 == u32::MAX {
                return None;
            }
            let states = leave.state.site(result);
            if states.is_empty() {
                continue;
            }
            if states != SiteStates::NULL {
                return None;
            }
            let target = crate::ownership::Target::Site(SiteId(site as u32));
            failed_and_held |= is_local(graph, graph.function.place(place))
                && leave
                    .state
                    .targets(place)
                    .is_some_and(|targets| targets.contains(&target));
        }
        failed_and_held.then_some(span)
    }
}

/// `arr.callback_free_data = free`: a Cython array built over a block (`<int[:n]> p`)
/// is made to free it; which block the array holds, the analysis does not follow.
pub(crate) fn gives_a_view_ownership(graph: &OwnershipGraph<'_>) -> bool {
    graph.function.places.iter().any(|place| {
        matches!(place.path.last(), Some(crate::ir::Projection::Field(name)) if name == "callback_free_data")
    })
}

/// The block may still be allocated on some path (it was not handed off or found NULL
/// there): where a path that freed it joins one that did not (`if c: free(p)`), the
/// block is still owned on the other. Unless a path freed it through a place that may
/// have held another block (`if p != orig: free(p)` after `if swap: p = malloc(n)`):
/// which block lives on there, the analysis cannot tell, so it does not guess.
pub(crate) fn is_live(states: SiteStates, freed_uncertainly: bool) -> bool {
    (states.contains(SiteStates::UNCHECKED) || states.contains(SiteStates::NON_NULL))
        && !(freed_uncertainly && states.contains(SiteStates::FREED))
}

/// A field of a struct or an attribute of an object, through fields only (`self.buf`,
/// `s.data`, `self.ctx.buf`; not an element `p[i].data`, whose store is weak).
fn is_field(place: &Place) -> bool {
    !place.path.is_empty()
        && place
            .path
            .iter()
            .all(|step| matches!(step, Projection::Field(_)))
}

/// A local variable of the function (not `self.x`, not a field, not a global).
fn is_local(graph: &OwnershipGraph<'_>, place: &Place) -> bool {
    place.path.is_empty() && place.root != "self" && !graph.function.is_global(&place.root)
}

/// The local that receives the block from its allocation, for the message.
pub(crate) fn holder(graph: &OwnershipGraph<'_>, span: Span) -> Option<String> {
    // `allocate(n, &c)`: `c` receives it.
    let out_place = graph
        .sites
        .iter()
        .find(|site| site.span == Some(span))
        .and_then(|site| site.out_place);
    if let Some(place) = out_place {
        let place = graph.function.place(place);
        return is_local(graph, place).then(|| place.to_string());
    }
    graph
        .function
        .blocks
        .iter()
        .flat_map(|b| &b.stmts)
        .find_map(|stmt| match stmt {
            crate::ir::Stmt::Assign {
                target,
                value: crate::ir::Value::Call(call),
                ..
            } if graph.function.call(*call).span == span => {
                let place = graph.function.place(*target);
                let named = place.root.chars().all(|c| c.is_alphanumeric() || c == '_');
                (named && is_local(graph, place)).then(|| place.to_string())
            }
            _ => None,
        })
}

/// Where each allocation's block (by allocation span: a loop's older blocks share it) is
/// handed off: returned, stored where it outlives the function, passed to a function that
/// may keep it, reallocated, or its holder's address taken. Each as a point
/// `(basic block, byte offset)`.
pub(crate) struct HandOffs {
    points: HashMap<Span, Vec<(BlockId, usize)>>,
    /// For each allocation asked about, the blocks some path from one of its hand-offs
    /// enters (after the hand-off's own block): one search per allocation, not one per
    /// question. A bit per block.
    reached: RefCell<HashMap<Span, Vec<u64>>>,
    /// The function's dominator tree, built at the first question a hand-off in the
    /// same block does not answer: a hand-off reaches every block its own strictly
    /// dominates, so most questions need no search (a class with thousands of
    /// attributes stored one after the other asks about each at every later way out).
    dominators: std::cell::OnceCell<crate::ownership::engine::Dominators>,
}

impl HandOffs {
    pub(crate) fn of(graph: &OwnershipGraph<'_>) -> HandOffs {
        Self::of_filtered(graph, |_| true)
    }

    /// As [`HandOffs::of`], counting only the escapes `counts` accepts.
    pub(crate) fn of_filtered(
        graph: &OwnershipGraph<'_>,
        counts: impl Fn(&EscapeEvent) -> bool,
    ) -> HandOffs {
        Self::of_filtered_reallocations(graph, counts, true)
    }

    /// No hand-off at all.
    fn empty() -> HandOffs {
        HandOffs {
            points: HashMap::new(),
            reached: RefCell::new(HashMap::new()),
            dominators: std::cell::OnceCell::new(),
        }
    }

    /// As [`HandOffs::of_filtered`], with the reallocations of a block among its
    /// hand-offs or not.
    fn of_filtered_reallocations(
        graph: &OwnershipGraph<'_>,
        counts: impl Fn(&EscapeEvent) -> bool,
        reallocations: bool,
    ) -> HandOffs {
        let mut points: HashMap<Span, Vec<(BlockId, usize)>> = HashMap::new();
        let mut add = |site: SiteId, block: BlockId, at: usize| {
            if let Some(span) = graph.site(site).span {
                points.entry(span).or_default().push((block, at));
            }
        };
        for escape in graph.escapes.iter().filter(|escape| counts(escape)) {
            add(escape.site, escape.block, escape.span.start);
        }
        for &(site, call, block) in &graph.passed {
            add(site, block, graph.function.call(call).span.start);
        }
        for release in graph
            .releases
            .iter()
            .filter(|r| reallocations && r.reallocating)
        {
            add(release.site, release.block, release.span.start);
        }
        for &(site, block) in &graph.address_taken {
            add(site, block, 0);
        }
        HandOffs {
            points,
            reached: RefCell::new(HashMap::new()),
            dominators: std::cell::OnceCell::new(),
        }
    }

    /// Whether some path may hand the allocation's block off before `point`: then a
    /// leak there is not certain, and is not reported.
    pub(crate) fn before(
        &self,
        graph: &OwnershipGraph<'_>,
        allocation: Span,
        (block, at): (BlockId, usize),
    ) -> bool {
        let Some(points) = self.points.get(&allocation) else {
            return false;
        };
        if points
            .iter()
            .any(|&(handed, offset)| handed == block && offset < at)
        {
            return true;
        }
        let dominators = self
            .dominators
            .get_or_init(|| crate::ownership::engine::Dominators::of(graph.function));
        if points
            .iter()
            .any(|&(handed, _)| dominators.strictly_dominates(handed, block))
        {
            return true;
        }
        let mut reached = self.reached.borrow_mut();
        let reached = reached.entry(allocation).or_insert_with(|| {
            let function = graph.function;
            let mut seen = vec![0u64; function.blocks.len().div_ceil(64)];
            let mut pending: Vec<BlockId> = points
                .iter()
                .flat_map(|&(handed, _)| function.block(handed).successors())
                .collect();
            while let Some(next) = pending.pop() {
                let (word, bit) = (next.0 as usize / 64, 1u64 << (next.0 % 64));
                if seen[word] & bit == 0 {
                    seen[word] |= bit;
                    pending.extend(function.block(next).successors());
                }
            }
            seen
        });
        reached[block.0 as usize / 64] & (1u64 << (block.0 % 64)) != 0
    }

    /// By site, whether its block is handed off somewhere in the basic block of the call
    /// that allocates it (false for blocks not allocated by a call here).
    pub(crate) fn in_allocating_blocks(&self, graph: &OwnershipGraph<'_>) -> Vec<bool> {
        let function = graph.function;
        let mut block_of_call = vec![None; function.calls.len()];
        for (index, block) in function.blocks.iter().enumerate() {
            for call in block.calls() {
                block_of_call[call.0 as usize] = Some(BlockId(index as u32));
            }
        }
        graph
            .sites
            .iter()
            .map(|site| {
                let (SiteOrigin::Call(call), Some(span)) = (site.origin, site.span) else {
                    return false;
                };
                block_of_call[call.0 as usize].is_some_and(|block| self.inside(span, block))
            })
            .collect()
    }

    /// Whether the allocation's block is handed off somewhere in basic block `block`.
    pub(crate) fn inside(&self, allocation: Span, block: BlockId) -> bool {
        self.points
            .get(&allocation)
            .is_some_and(|points| points.iter().any(|&(handed, _)| handed == block))
    }
}

/// The methods that run on an instance whose `__cinit__` has just returned, before any
/// other method: `__init__` (Python calls it right after `__cinit__`) and `__setstate__`
/// (unpickling makes the object with `__cinit__`, then hands it the state).
const RUN_AFTER_CINIT: &[&str] = &["__init__", "__setstate__"];

/// An attribute `__cinit__` fills with a block on every path that returns, overwritten
/// by `__init__` or `__setstate__` with that block still held: the block is lost (a
/// cross-method overwrite; the same function's is reported by [`check`]).
///
/// Only where the attribute certainly owns a block on entry: `__cinit__` of the same
/// class leaves it holding one allocated block, neither NULL nor freed, wherever it
/// returns; no method Python code can call leaves it dangling (for `__setstate__`,
/// which may also be called on a live object); and the overwriting method neither frees
/// it first (`free(self.buf)`, `if self.buf != NULL: free(self.buf)`) nor keeps it
/// anywhere (another place, a call that may keep it, its address taken) on the path.
pub fn check_classes(analysis: &ModuleAnalysis<'_>, out: &mut Vec<Diagnostic>) {
    let mut dangling: Option<Vec<crate::rules::lifetime::DanglingAttribute<'_, '_>>> = None;
    for graph in &analysis.graphs {
        let function = graph.function;
        let Some(class) = function.class.as_deref() else {
            continue;
        };
        let setter = function.name.ends_with(".__set__");
        // A method that calls another method, or hands `self` to a function, may have the
        // attribute freed or reset where this analysis does not follow.
        if !(setter || RUN_AFTER_CINIT.contains(&function.name.as_str()))
            || graph.overwrites.is_empty()
            || calls_out_with_self(graph)
        {
            continue;
        }
        let method_of_class = |name: &str| {
            analysis.graphs.iter().find(|other| {
                other.function.class.as_deref() == Some(class) && other.function.name == name
            })
        };
        let (cinit, dealloc) = (method_of_class("__cinit__"), method_of_class("__dealloc__"));
        let mut reported: Vec<PlaceId> = Vec::new();
        for overwrite in &graph.overwrites {
            let place = function.place(overwrite.place);
            let Some(attribute) = place.self_attribute() else {
                continue;
            };
            if reported.contains(&overwrite.place)
                || overwrite.held_elsewhere
                || !overwrite.only_target
                || !is_live(overwrite.states, overwrite.freed_uncertainly)
                || incoming_attribute_site(graph, attribute) != Some(overwrite.site)
                || kept_anywhere(graph, overwrite.site)
            {
                continue;
            }
            // What the attribute holds on entry: the block `__cinit__` always stores, or,
            // for a setter, the block an earlier call stored (it stores a fresh one, and
            // `__dealloc__` frees the attribute on every path: it is NULL or owns one).
            let (previous, related) = if setter {
                let Some(fresh) = stored_fresh(graph, overwrite.place) else {
                    continue;
                };
                if !dealloc.is_some_and(|dealloc| always_frees(dealloc, attribute)) {
                    continue;
                }
                (
                    format!(
                        "the block an earlier call stored there (from `{}`)",
                        graph.site(fresh).callee
                    ),
                    Vec::new(),
                )
            } else {
                let Some((cinit, allocation)) =
                    cinit.and_then(|cinit| Some((cinit, owned_after_cinit(cinit, attribute)?)))
                else {
                    continue;
                };
                let callee = &cinit.site(allocation).callee;
                let related = cinit
                    .site(allocation)
                    .span
                    .map(|span| Related {
                        path: None,
                        span,
                        message: format!(
                            "`__cinit__` stores a block from `{callee}` in `self.{attribute}` here"
                        ),
                    })
                    .into_iter()
                    .collect();
                (
                    format!("the block `__cinit__` stored there (from `{callee}`)"),
                    related,
                )
            };
            // A method Python code can call may free it and leave it dangling: then what
            // is overwritten may be no block at all (CY005's and CY006's concern).
            if setter || function.name == "__setstate__" {
                let dangling = dangling.get_or_insert_with(|| dangling_attributes(analysis));
                let left_dangling = dangling.iter().any(|found| {
                    found.attribute == attribute
                        && found.method.function.class.as_deref() == Some(class)
                });
                if left_dangling {
                    continue;
                }
            }
            reported.push(overwrite.place);
            let deallocator = graph
                .site(overwrite.site)
                .family
                .or_else(|| stored_fresh(graph, overwrite.place).and_then(|s| graph.site(s).family))
                .map(|family| graph.families.family(family).deallocator().to_string())
                .unwrap_or_else(|| "its deallocator".to_string());
            let method = match function.name.strip_suffix(".__set__") {
                Some(property) => format!("the setter of `{property}`"),
                None => format!("`{}`", function.name),
            };
            out.push(Diagnostic {
                fix: None,
                rule: &MEMORY_LEAK,
                message: format!(
                    "`self.{attribute}` leaks: {method} overwrites {previous} without freeing it"
                ),
                span: overwrite.span,
                label: "the block it held is lost here".to_string(),
                help: Some(format!(
                    "free the old block with `{deallocator}` first (`if self.{attribute} != NULL: ...`)"
                )),
                related,
            });
        }
    }
}

/// A fresh block this method allocates and stores into `place`.
fn stored_fresh(graph: &OwnershipGraph<'_>, place: PlaceId) -> Option<SiteId> {
    graph.escapes.iter().find_map(|escape| {
        let allocation = graph.site(escape.site);
        (escape.how == EscapeHow::Stored(place)
            && matches!(
                (allocation.origin, allocation.family),
                (SiteOrigin::Call(_), Some(_))
            ))
        .then_some(escape.site)
    })
}

/// Whether `__dealloc__` frees what `self.attribute` holds on entry wherever it returns.
fn always_frees(dealloc: &OwnershipGraph<'_>, attribute: &str) -> bool {
    let (Some(returning), Some(site)) = (
        dealloc.returning.as_ref(),
        incoming_attribute_site(dealloc, attribute),
    ) else {
        return false;
    };
    let states = returning.site(site);
    states.contains(SiteStates::FREED) && !states.may_be_allocated()
}

/// The block `__cinit__` leaves in `self.attribute` wherever it returns: one allocated
/// here, held on every such path, never NULL there (checked, or never tested), not freed.
fn owned_after_cinit(cinit: &OwnershipGraph<'_>, attribute: &str) -> Option<SiteId> {
    let returning = cinit.returning.as_ref()?;
    let place = cinit
        .function
        .place_id(&Place::of_self_attribute(attribute))?;
    let targets = returning.targets(place)?;
    let mut held = targets.into_iter();
    let (Some(Target::Site(site)), None) = (held.next(), held.next()) else {
        return None;
    };
    let allocation = cinit.site(*site);
    let states = returning.site(*site);
    let allocated_here = matches!(
        (allocation.origin, allocation.family),
        (SiteOrigin::Call(_), Some(_))
    );
    (allocated_here
        && states.may_be_allocated()
        && !states.contains(SiteStates::NULL)
        && !states.contains(SiteStates::FREED)
        && !returning.dangles(place, *site)
        && !is_older_blocks(cinit, *site))
    .then_some(*site)
}

/// Whether the method hands the block anywhere it may be kept: passes it to a call that
/// is not only reading it, stores or returns it, or takes its holder's address; or
/// reallocates it.
fn kept_anywhere(graph: &OwnershipGraph<'_>, site: SiteId) -> bool {
    graph.escapes.iter().any(|escape| escape.site == site)
        || graph
            .releases
            .iter()
            .any(|release| release.site == site && release.reallocating)
        || graph.passed.iter().any(|(passed, _, _)| *passed == site)
        || graph.address_taken.iter().any(|(taken, _)| *taken == site)
}
