#![doc = include_str!("../../docs/rules/CY008.md")]

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, HashSet};

use crate::diagnostic::{Diagnostic, Related, Span};
use crate::ir::{BlockId, FunctionKind, Stmt, Terminator};
use crate::ownership::raising::{how_call_raises, CallRaises};
use crate::ownership::{LeaveEvent, LeaveHow, OwnershipGraph, SiteId, SiteOrigin, UnwindEvent};
use crate::rules::lifetime::is_older_blocks;
use crate::rules::memory_leak::{gives_a_view_ownership, holder, is_live, HandOffs};
use crate::rules::{RuleMeta, Severity};

pub const EXCEPTION_LEAK: RuleMeta = RuleMeta {
    code: "CY008",
    name: "exception-leak",
    severity: Severity::Warning,
    summary: "A block owned by a local is lost when a call raises.",
    doc: include_str!("../../docs/rules/CY008.md"),
};

/// One report per allocation: each call whose exception loses the block.
#[derive(Default)]
struct Lost {
    callee: String,
    /// Each call, with its text.
    calls: Vec<(Span, String)>,
}

pub fn check(graph: &OwnershipGraph<'_>, out: &mut Vec<Diagnostic>) {
    if graph.function.kind == FunctionKind::Module
        || graph.unwinds.is_empty()
        || gives_a_view_ownership(graph)
    {
        return;
    }
    let paths = ExceptionPaths::of(graph);
    let mut lost: BTreeMap<Span, Lost> = BTreeMap::new();
    for unwind in &graph.unwinds {
        let call = graph.function.call(unwind.call);
        if !counts(graph, unwind) {
            continue;
        }
        let point = (unwind.block, call.span.start);
        for (site, states) in unwind.sites() {
            // As before CY007 saw blocks freed on some paths only: a block some path freed
            // is not counted here (CY008 reads no per-path release facts yet).
            if !is_live(states, true) || is_older_blocks(graph, site) {
                continue;
            }
            let allocation = graph.site(site);
            let (SiteOrigin::Call(_), Some(span), Some(_)) =
                (allocation.origin, allocation.span, allocation.family)
            else {
                continue;
            };
            // Handed off on some path before the call, or to the call itself (a
            // constructor or factory that takes the block may keep it even as it raises).
            if paths.handed_off_before(span, point)
                || passed_to(graph, site, unwind)
                || releases(graph, site, call.span)
            {
                continue;
            }
            if !paths.lost_from(site, span, unwind.target) {
                continue;
            }
            let entry = lost.entry(span).or_default();
            entry.callee.clone_from(&allocation.callee);
            entry
                .calls
                .push((call.span, call.text.as_deref().unwrap_or("").to_string()));
        }
    }
    for (span, mut lost) in lost {
        lost.calls.sort();
        lost.calls.dedup();
        let place = holder(graph, span)
            .map_or_else(|| "the block".to_string(), |place| format!("`{place}`"));
        let deallocator = graph
            .sites
            .iter()
            .find(|site| site.span == Some(span))
            .and_then(|site| site.family)
            .map(|family| graph.families.family(family).deallocator().to_string())
            .unwrap_or_default();
        let related = lost
            .calls
            .iter()
            .map(|(call, text)| Related {
                path: None,
                span: *call,
                message: if is_yield(text) {
                    format!("`{text}` raises `GeneratorExit` if the generator is closed here")
                } else {
                    format!("`{text}` may raise here")
                },
            })
            .collect();
        let first = &lost.calls[0].1;
        let how = if is_yield(first) {
            format!("the generator is closed or collected at `{first}`")
        } else {
            format!("`{first}` raises")
        };
        out.push(Diagnostic {
            fix: None,
            rule: &EXCEPTION_LEAK,
            message: format!(
                "{place} leaks if {how}: the block from `{}` is not freed on that path",
                lost.callee
            ),
            span,
            label: "allocated here".to_string(),
            help: Some(format!(
                "free it with `{deallocator}` in a `finally` (or in an `except` clause that re-raises)"
            )),
            related,
        });
    }
}

/// Whether a raising point is a generator's `yield` (lowering gives it the text of the
/// `yield` expression): what raises there is `GeneratorExit`, from `close()` or the
/// collector.
fn is_yield(text: &str) -> bool {
    text.strip_prefix("yield")
        .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '(', '[']))
}

/// Whether a call's exception is one a user can act on (see the rule's documentation):
/// not the exception being built by a `raise` statement (`raise ValueError(n)`: the
/// statement is CY007's), and not one of the quiet builtins unless an `except` or
/// `finally` of the function catches it.
fn counts(graph: &OwnershipGraph<'_>, unwind: &UnwindEvent) -> bool {
    let function = graph.function;
    if builds_a_raised_exception(graph, unwind.block) || unwind.receiver_holds_a_block {
        return false;
    }
    match how_call_raises(graph, unwind.call) {
        CallRaises::Never => false,
        CallRaises::WhenCaught => {
            unwind.target != function.unwind_exit && unwind.target != function.return_exit
        }
        CallRaises::Yes => true,
    }
}

/// Whether the call ending `block` is the exception of a `raise` statement: what it
/// returns to raises at once, after nothing but more calls of the same expression.
fn builds_a_raised_exception(graph: &OwnershipGraph<'_>, block: BlockId) -> bool {
    let function = graph.function;
    let mut next = block;
    for _ in 0..function.blocks.len() {
        let Terminator::Call {
            return_to: Some(to),
            ..
        } = function.block(next).terminator
        else {
            return false;
        };
        let returned = function.block(to);
        if returned
            .stmts
            .iter()
            .any(|stmt| !matches!(stmt, Stmt::Raise))
        {
            return false;
        }
        if returned
            .stmts
            .iter()
            .any(|stmt| matches!(stmt, Stmt::Raise))
            || function.raises.iter().any(|(raised, _)| *raised == to)
        {
            return true;
        }
        next = to;
    }
    false
}

/// Whether the raising call is the one that frees the block (a helper that releases its
/// argument): if it raises, whether it freed first is the helper's business.
fn releases(graph: &OwnershipGraph<'_>, site: SiteId, call: Span) -> bool {
    graph
        .releases
        .iter()
        .any(|release| release.site == site && release.span == call)
}

/// Whether the block is an argument of the raising call. Even one that only reads it: why
/// such a call raises is often about that block (`except ValueError` around the helper
/// that raises only `ValueError`, a status the caller tests), which is not followed here.
fn passed_to(graph: &OwnershipGraph<'_>, site: SiteId, unwind: &UnwindEvent) -> bool {
    graph
        .passed
        .iter()
        .any(|&(passed, call, _)| passed == site && call == unwind.call)
        || graph
            .lent
            .iter()
            .any(|&(lent, call)| lent == site && call == unwind.call)
}

/// What the searches of one function share, computed once: a function with many calls
/// (each an unwind edge) and many blocks costs the blocks once per block and target, not
/// once per call.
struct ExceptionPaths<'g, 'a> {
    graph: &'g OwnershipGraph<'a>,
    hand_offs: HandOffs,
    /// The basic blocks that release each block.
    released_in: HashSet<(SiteId, BlockId)>,
    /// The ways out by `return`, `raise` statement or end of body, by basic block.
    statement_leaves: HashMap<BlockId, Vec<&'g LeaveEvent>>,
    /// Answers of [`ExceptionPaths::lost_from`], by block and target.
    lost: RefCell<HashMap<(SiteId, BlockId), bool>>,
}

impl<'g, 'a> ExceptionPaths<'g, 'a> {
    fn of(graph: &'g OwnershipGraph<'a>) -> Self {
        let hand_offs = HandOffs::of(graph);
        let released_in = graph
            .releases
            .iter()
            .map(|release| (release.site, release.block))
            .collect();
        let mut statement_leaves: HashMap<BlockId, Vec<&LeaveEvent>> = HashMap::new();
        for leave in &graph.leaves {
            if !matches!(leave.how, LeaveHow::Unwinds { .. }) {
                statement_leaves.entry(leave.block).or_default().push(leave);
            }
        }
        ExceptionPaths {
            graph,
            hand_offs,
            released_in,
            statement_leaves,
            lost: RefCell::new(HashMap::new()),
        }
    }

    /// Whether some path may hand the allocation's block off before `point`
    /// ([`HandOffs::before`]: the dominator tree first, else one search per allocation).
    fn handed_off_before(&self, allocation: Span, point: (BlockId, usize)) -> bool {
        self.hand_offs.before(self.graph, allocation, point)
    }

    /// Whether some path from where the exception lands (`target`) leaves the function
    /// with the block neither released nor handed off on the way, and not joined there
    /// with a path that released it (`finally: if owns: free(p)`: the flag may say it is
    /// not ours).
    fn lost_from(&self, site: SiteId, allocation: Span, target: BlockId) -> bool {
        if let Some(&known) = self.lost.borrow().get(&(site, target)) {
            return known;
        }
        let lost = self.search(site, allocation, target);
        self.lost.borrow_mut().insert((site, target), lost);
        lost
    }

    fn search(&self, site: SiteId, allocation: Span, target: BlockId) -> bool {
        let function = self.graph.function;
        let exits = [function.return_exit, function.unwind_exit];
        if exits.contains(&target) {
            return true;
        }
        let mut seen = vec![false; function.blocks.len()];
        let mut pending = vec![target];
        while let Some(block) = pending.pop() {
            if exits.contains(&block) || std::mem::replace(&mut seen[block.0 as usize], true) {
                continue;
            }
            if self.released_in.contains(&(site, block)) || self.hand_offs.inside(allocation, block)
            {
                continue;
            }
            let leaves_owned = self.statement_leaves.get(&block).is_some_and(|leaves| {
                leaves
                    .iter()
                    .any(|leave| is_live(leave.state.site(site), true))
            });
            if leaves_owned {
                return true;
            }
            // Along the paths where nothing else raises: a second call's exception there
            // is that call's own unwind edge, judged on its own.
            match &function.block(block).terminator {
                Terminator::Call { return_to, .. } => pending.extend(*return_to),
                terminator => pending.extend(terminator.successors()),
            }
        }
        false
    }
}
