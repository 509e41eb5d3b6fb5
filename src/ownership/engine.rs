//! One forward dataflow engine over the IR's control-flow graph.
//!
//! An [`Analysis`] gives a domain with a join ([`JoinSemiLattice`]) and a transfer per
//! statement and per call terminator; a NULL test's effect is the `Assume` statement at
//! the head of the block only its edge enters, so edge effects are statements too. The
//! engine runs it to a fixpoint, then [`Results::replay`] visits every reachable block
//! once with its final state: that replay is how rules and summaries read the results.
//!
//! Invariants:
//! - blocks are taken in reverse postorder: the pending block earliest in that order goes
//!   first (no FIFO), so an acyclic function is done in one pass and a loop body is
//!   re-run only while its header's state grows;
//! - entry states are kept only where paths join (the entry block and blocks with two or
//!   more reachable predecessor edges, but not the return and unwind exits, which run
//!   nothing); a block with one predecessor is run right after it, on the state its edge
//!   carries, and stores nothing;
//! - the unwind edge of a call carries the state before the call's effects; its return
//!   edge the state after them;
//! - a graph without a cycle is run once ([`run`]): each block's state is final when it is
//!   taken, and the observer sees what the replay would show, in the same order.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use crate::ir::{BlockId, CallId, Function, Stmt, Terminator};

/// A domain whose join is associative, commutative and idempotent, and whose values only
/// grow under it (so iteration over a finite domain ends).
pub trait JoinSemiLattice: Clone {
    /// Joins `other` into `self`; whether `self` changed.
    fn join(&mut self, other: &Self) -> bool;
}

/// A forward analysis: what a statement or a call does to the state. `observer` is
/// `None` while iterating and `Some` during the replay, when the analysis records what it
/// sees.
pub trait Analysis {
    type Domain: JoinSemiLattice;
    type Observer;

    /// False when control cannot pass the statement in this state (a test contradicted
    /// what is known): the path ends there. `block` is the basic block it is in.
    fn transfer_statement(
        &self,
        block: BlockId,
        stmt: &Stmt,
        state: &mut Self::Domain,
        observer: Option<&mut Self::Observer>,
    ) -> bool;

    /// The effects of a call terminator on its return edge; false when it cannot return
    /// in this state.
    fn transfer_call(
        &self,
        block: BlockId,
        call: CallId,
        state: &mut Self::Domain,
        observer: Option<&mut Self::Observer>,
    ) -> bool;

    /// Past the analysis's own size budget (a measure of its states the engine cannot
    /// see, such as how many blocks one place may hold): the rest of the sentence naming
    /// the limit. Asked after each run of blocks; the analysis should end the paths that
    /// pass it, so that the fixpoint is reached quickly either way.
    fn over_budget(&self) -> Option<String> {
        None
    }

    /// Brings a state about to enter a join point to the form the analysis keeps there
    /// (a widening: the ownership analysis folds the older blocks of a long lineage of
    /// reallocations into one). Run on every edge into a join point, while iterating and
    /// during the replay alike, so both see the same states.
    fn settle(&self, _state: &mut Self::Domain) {}
}

/// The shape of a function's graph the engine needs: which blocks are reachable, in which
/// order, and where paths join. Worked out once per function ([`Shape::of`]) and handed to
/// [`blocks_in_cycles`] and [`run`] both: on a long function it costs as much as a
/// fifth of the setup before the run.
pub struct Shape {
    /// Reachable blocks in reverse postorder.
    order: Vec<BlockId>,
    /// Each block's position in `order` (`u32::MAX` when unreachable).
    position: Vec<u32>,
    /// Where the block's entry state is kept, for the entry block and join points: an
    /// index into a vector of as many states as there are such blocks (`u32::MAX` for
    /// the others), so that a large function's thousands of blocks that keep none cost
    /// no empty state each.
    slot: Vec<u32>,
    /// How many blocks keep a state.
    slots: usize,
    /// Whether no edge goes back to a block no later in `order` than its source: then
    /// every block's predecessors come before it, and one pass reaches the fixpoint.
    acyclic: bool,
}

impl Shape {
    pub fn of(function: &Function) -> Shape {
        let blocks = function.blocks.len();
        // Postorder by an explicit stack (graphs can be deep) of blocks with how many of
        // their successors were taken (a block has a few: counting beats a list each).
        let mut postorder = Vec::with_capacity(blocks);
        let mut visited = vec![false; blocks];
        let mut stack: Vec<(BlockId, usize)> = Vec::new();
        visited[function.entry.0 as usize] = true;
        stack.push((function.entry, 0));
        while let Some((block, taken)) = stack.last_mut() {
            match function.block(*block).successors().nth(*taken) {
                Some(next) => {
                    *taken += 1;
                    if !std::mem::replace(&mut visited[next.0 as usize], true) {
                        stack.push((next, 0));
                    }
                }
                None => {
                    postorder.push(*block);
                    stack.pop();
                }
            }
        }
        let order: Vec<BlockId> = postorder.into_iter().rev().collect();
        let mut position = vec![u32::MAX; blocks];
        for (index, block) in order.iter().enumerate() {
            position[block.0 as usize] = index as u32;
        }
        let mut predecessors = vec![0u32; blocks];
        for &block in &order {
            for succ in function.block(block).successors() {
                predecessors[succ.0 as usize] += 1;
            }
        }
        let mut keeps_state: Vec<bool> = predecessors.iter().map(|&count| count >= 2).collect();
        // The exits run nothing: a state joined there would serve no block, and joining
        // every way out of a large function into one costs its size per way. The
        // analysis sees each edge into them during the replay instead.
        keeps_state[function.return_exit.0 as usize] = false;
        keeps_state[function.unwind_exit.0 as usize] = false;
        keeps_state[function.entry.0 as usize] = true;
        let mut slots = 0u32;
        let slot = keeps_state
            .iter()
            .map(|&keeps| {
                if !keeps {
                    return u32::MAX;
                }
                slots += 1;
                slots - 1
            })
            .collect();
        let acyclic = order.iter().all(|&block| {
            let from = position[block.0 as usize];
            function
                .block(block)
                .successors()
                .all(|succ| position[succ.0 as usize] > from)
        });
        Shape {
            order,
            position,
            slot,
            slots: slots as usize,
            acyclic,
        }
    }

    /// Where the block's entry state is kept, if it keeps one.
    fn slot(&self, block: BlockId) -> Option<usize> {
        let slot = self.slot[block.0 as usize];
        (slot != u32::MAX).then_some(slot as usize)
    }

    fn keeps_state(&self, block: BlockId) -> bool {
        self.slot[block.0 as usize] != u32::MAX
    }
}

/// The fixpoint: the entry state of every block that keeps one (`None`: unreachable).
pub struct Results<'f, A: Analysis> {
    function: &'f Function,
    analysis: &'f A,
    shape: Shape,
    /// By [`Shape::slot`].
    states: Vec<Option<A::Domain>>,
}

/// The most entries, over all the states kept at join points, that an analysis may need
/// (each is a pointer to a shared chunk: 128 MB).
pub const MAX_STATE_ENTRIES: usize = 1 << 24;
/// The entries of a state one budget entry stands for: the chunk size the budget was set
/// for, kept apart from `ChunkedVec`'s layout so that tuning the layout never changes
/// which functions are skipped.
const BUDGET_ENTRIES_PER_POINTER: usize = 64;
/// The most times, on average, a block may be run before the fixpoint (loops need a few
/// rounds; past this, something is pathological).
pub const MAX_VISITS_PER_BLOCK: usize = 64;

/// How large a function the engine agrees to analyze.
#[derive(Clone, Copy, Debug)]
pub struct Budget {
    /// Entries over all the states kept at join points.
    pub state_entries: usize,
    /// Runs of a block, on average, before the fixpoint.
    pub visits_per_block: usize,
}

impl Default for Budget {
    fn default() -> Self {
        Budget {
            state_entries: MAX_STATE_ENTRIES,
            visits_per_block: MAX_VISITS_PER_BLOCK,
        }
    }
}

/// A function past the size budget: the rest of a sentence after its name saying which
/// limit it passes.
#[derive(Debug, PartialEq, Eq)]
pub struct TooLarge(pub String);

/// The blocks waiting to run, earliest in reverse postorder first, and the entry states
/// kept at join points.
struct Worklist<D> {
    /// By [`Shape::slot`].
    states: Vec<Option<D>>,
    queued: Vec<bool>,
    pending: BinaryHeap<Reverse<u32>>,
}

impl<D: JoinSemiLattice> Worklist<D> {
    /// The entry block queued with `entry`.
    fn new(function: &Function, shape: &Shape, entry: D) -> Self {
        let mut worklist = Worklist {
            states: std::iter::repeat_with(|| None).take(shape.slots).collect(),
            queued: vec![false; function.blocks.len()],
            pending: BinaryHeap::new(),
        };
        *worklist.state_mut(shape, function.entry) = Some(entry);
        worklist.queued[function.entry.0 as usize] = true;
        worklist
            .pending
            .push(Reverse(shape.position[function.entry.0 as usize]));
        worklist
    }

    /// The next block to run, no longer queued.
    fn pop(&mut self, shape: &Shape) -> Option<BlockId> {
        let Reverse(position) = self.pending.pop()?;
        let block = shape.order[position as usize];
        self.queued[block.0 as usize] = false;
        Some(block)
    }

    /// `state` reaches `to`, a block that keeps a state: joined into what it held (or
    /// kept, the first to arrive: moved, not copied), and `to` queued (unless it already
    /// is) when that grew.
    fn arrive(&mut self, shape: &Shape, to: BlockId, state: D) {
        let Some(slot) = shape.slot(to) else {
            return;
        };
        let changed = match &mut self.states[slot] {
            Some(existing) => existing.join(&state),
            empty @ None => {
                *empty = Some(state);
                true
            }
        };
        if changed && !std::mem::replace(&mut self.queued[to.0 as usize], true) {
            self.pending.push(Reverse(shape.position[to.0 as usize]));
        }
    }

    /// The entry state kept for `block` (which keeps one).
    fn state_mut(&mut self, shape: &Shape, block: BlockId) -> &mut Option<D> {
        &mut self.states[shape.slot(block).expect("queued blocks keep a state")]
    }
}

/// The loop both ways of running share: blocks are taken from `worklist` earliest in
/// reverse postorder first, `enter` gives the state one starts from (`None`: skip it) or
/// refuses to go on, the analysis's own budget is asked, then the block and those only it
/// leads to run, every state reaching a join point joined into `worklist`. During the
/// replay (`observer` given) `on_edge` sees every edge; otherwise only those into join
/// points.
fn drain<A: Analysis>(
    function: &Function,
    analysis: &A,
    shape: &Shape,
    worklist: &mut Worklist<A::Domain>,
    mut enter: impl FnMut(&mut Worklist<A::Domain>, BlockId) -> Result<Option<A::Domain>, TooLarge>,
    mut observer: Option<&mut A::Observer>,
    mut on_edge: impl FnMut(BlockId, BlockId, &A::Domain),
) -> Result<(), TooLarge> {
    while let Some(root) = worklist.pop(shape) {
        let Some(state) = enter(worklist, root)? else {
            continue;
        };
        if let Some(reason) = analysis.over_budget() {
            return Err(TooLarge(reason));
        }
        run_from(
            function,
            analysis,
            shape,
            root,
            state,
            observer.as_deref_mut(),
            &mut on_edge,
            |to, state| worklist.arrive(shape, to, state),
        );
    }
    match analysis.over_budget() {
        Some(reason) => Err(TooLarge(reason)),
        None => Ok(()),
    }
}

/// [`iterate`] then [`Results::replay`]: the fixpoint, then every reachable block once
/// with its fixpoint state, the analysis recording into `observer`. Where the graph has
/// no cycle the two are one pass: blocks are taken in reverse postorder, so a block's
/// every predecessor has run before it, its state is already the fixpoint's, and each
/// block runs once instead of twice. The events reach `observer` and `on_edge` in the
/// replay's order either way. On `Err` the observer may have seen part of the function:
/// the caller drops what it recorded. `shape` is [`Shape::of`] `function`.
#[allow(clippy::too_many_arguments)]
pub fn run<A: Analysis>(
    function: &Function,
    shape: Shape,
    analysis: &A,
    entry: A::Domain,
    width: usize,
    budget: Budget,
    observer: &mut A::Observer,
    on_edge: impl FnMut(BlockId, BlockId, &A::Domain),
) -> Result<(), TooLarge> {
    if !shape.acyclic {
        iterate_over(shape, function, analysis, entry, width, budget)?.replay(observer, on_edge);
        return Ok(());
    }
    within_budget(&shape, width, budget)?;
    let mut worklist = Worklist::new(function, &shape, entry);
    // No edge comes back: once taken, a block's state is final and needed no more, so it
    // is moved out, and the events are recorded as it runs.
    drain(
        function,
        analysis,
        &shape,
        &mut worklist,
        |worklist, root| Ok(worklist.state_mut(&shape, root).take()),
        Some(observer),
        on_edge,
    )
}

/// Refuses a function whose states at join points would pass the budget.
fn within_budget(shape: &Shape, width: usize, budget: Budget) -> Result<(), TooLarge> {
    let joins = shape.slots;
    let chunks = width / BUDGET_ENTRIES_PER_POINTER + 1;
    if joins.saturating_mul(chunks) > budget.state_entries {
        return Err(TooLarge(format!(
            "is too large to analyze ({joins} join points over {width} allocation sites and \
             places pass the budget of {} state entries)",
            budget.state_entries
        )));
    }
    Ok(())
}

/// Runs `analysis` over `function` from `entry` to a fixpoint. `width` is how many
/// entries a state may hold (sites and places); the budget is checked before and while
/// iterating, so a function too large costs a refusal, never the machine's memory.
pub fn iterate<'f, A: Analysis>(
    function: &'f Function,
    analysis: &'f A,
    entry: A::Domain,
    width: usize,
    budget: Budget,
) -> Result<Results<'f, A>, TooLarge> {
    iterate_over(
        Shape::of(function),
        function,
        analysis,
        entry,
        width,
        budget,
    )
}

fn iterate_over<'f, A: Analysis>(
    shape: Shape,
    function: &'f Function,
    analysis: &'f A,
    entry: A::Domain,
    width: usize,
    budget: Budget,
) -> Result<Results<'f, A>, TooLarge> {
    within_budget(&shape, width, budget)?;
    let max_visits = shape.order.len() * budget.visits_per_block + 10_000;
    let mut visits = 0usize;
    let mut worklist = Worklist::new(function, &shape, entry);
    // A block may be reached again round a loop: its state stays, a copy runs, and
    // nothing is recorded until the replay.
    drain(
        function,
        analysis,
        &shape,
        &mut worklist,
        |worklist, root| {
            let Some(state) = worklist.state_mut(&shape, root).clone() else {
                return Ok(None);
            };
            visits += 1;
            if visits > max_visits {
                return Err(TooLarge(format!(
                    "is too large to analyze (its loops need more than {max_visits} steps \
                     to settle)"
                )));
            }
            Ok(Some(state))
        },
        None,
        |_, _, _| {},
    )?;
    Ok(Results {
        function,
        analysis,
        shape,
        states: worklist.states,
    })
}

impl<A: Analysis> Results<'_, A> {
    /// Visits every reachable block once, in reverse postorder of the blocks that keep a
    /// state, with its fixpoint state, the analysis recording into `observer`; `on_edge`
    /// sees the state along every edge out of a block (`from`, `to`, state).
    pub fn replay(
        self,
        observer: &mut A::Observer,
        mut on_edge: impl FnMut(BlockId, BlockId, &A::Domain),
    ) {
        let Results {
            function,
            analysis,
            shape,
            mut states,
        } = self;
        for &root in &shape.order {
            let Some(slot) = shape.slot(root) else {
                continue;
            };
            let Some(state) = states[slot].take() else {
                continue;
            };
            run_from(
                function,
                analysis,
                &shape,
                root,
                state,
                Some(&mut *observer),
                &mut on_edge,
                |_, _| {},
            );
        }
    }
}

/// Runs `root` and, depth first, every block only it leads to (one predecessor each);
/// `on_edge` sees the state on each edge into a block that keeps its own and, during the
/// replay, on every edge; `on_join` then takes the state of an edge into a block that
/// keeps its own.
// The function and the analysis's parts are the callers' own; a struct bundling them for
// this one call would only rename them.
#[allow(clippy::too_many_arguments)]
fn run_from<A: Analysis>(
    function: &Function,
    analysis: &A,
    shape: &Shape,
    root: BlockId,
    state: A::Domain,
    mut observer: Option<&mut A::Observer>,
    mut on_edge: impl FnMut(BlockId, BlockId, &A::Domain),
    mut on_join: impl FnMut(BlockId, A::Domain),
) {
    let replaying = observer.is_some();
    let mut stack = vec![(root, state)];
    // One buffer for every block's edges out.
    let mut edges = Vec::new();
    while let Some((block, state)) = stack.pop() {
        transfer_block(
            function,
            analysis,
            block,
            state,
            observer.as_deref_mut(),
            &mut edges,
        );
        for (succ, mut state) in edges.drain(..) {
            let keeps = shape.keeps_state(succ);
            if keeps {
                analysis.settle(&mut state);
            }
            if keeps || replaying {
                on_edge(block, succ, &state);
            }
            if keeps {
                on_join(succ, state);
            } else {
                stack.push((succ, state));
            }
        }
    }
}

/// A block's statements and terminator: the state along each edge out, into `edges`
/// (none when the block cannot be passed in this state).
fn transfer_block<A: Analysis>(
    function: &Function,
    analysis: &A,
    block: BlockId,
    mut state: A::Domain,
    mut observer: Option<&mut A::Observer>,
    edges: &mut Vec<(BlockId, A::Domain)>,
) {
    let id = block;
    let block = function.block(block);
    for stmt in &block.stmts {
        if !analysis.transfer_statement(id, stmt, &mut state, observer.as_deref_mut()) {
            return;
        }
    }
    match &block.terminator {
        Terminator::Call {
            call,
            return_to,
            unwind,
        } => {
            let raised = state.clone();
            if let Some(return_to) = return_to {
                if analysis.transfer_call(id, *call, &mut state, observer) {
                    edges.push((*return_to, state));
                }
            }
            edges.push((*unwind, raised));
        }
        terminator => {
            let mut succs = terminator.successors().peekable();
            while let Some(succ) = succs.next() {
                if succs.peek().is_some() {
                    edges.push((succ, state.clone()));
                } else {
                    edges.push((succ, state));
                    break;
                }
            }
        }
    }
}

/// The dominator tree of a function's reachable blocks (Cooper, Harvey and Kennedy's
/// iteration in reverse postorder), numbered so that "does `a` dominate `b`" is two
/// comparisons. Lets a rule answer "can control get from here to there" without a
/// search where the answer is "always": a block reaches every block it strictly
/// dominates.
pub struct Dominators {
    /// Per block, its number and the largest number in its subtree, in a preorder of the
    /// tree; `u32::MAX` for unreachable blocks.
    first: Vec<u32>,
    last: Vec<u32>,
}

impl Dominators {
    pub fn of(function: &Function) -> Dominators {
        let shape = Shape::of(function);
        let blocks = function.blocks.len();
        let mut predecessors: Vec<Vec<u32>> = vec![Vec::new(); blocks];
        for &block in &shape.order {
            for succ in function.block(block).successors() {
                predecessors[succ.0 as usize].push(shape.position[block.0 as usize]);
            }
        }
        // By position in reverse postorder: the entry is 0.
        let count = shape.order.len();
        let mut idom: Vec<u32> = vec![u32::MAX; count];
        if count == 0 {
            return Dominators {
                first: vec![u32::MAX; blocks],
                last: vec![u32::MAX; blocks],
            };
        }
        idom[0] = 0;
        let mut changed = true;
        while changed {
            changed = false;
            for position in 1..count {
                let block = shape.order[position];
                let mut new_idom = u32::MAX;
                for &pred in &predecessors[block.0 as usize] {
                    if idom[pred as usize] == u32::MAX {
                        continue;
                    }
                    new_idom = if new_idom == u32::MAX {
                        pred
                    } else {
                        let (mut a, mut b) = (pred, new_idom);
                        while a != b {
                            while a > b {
                                a = idom[a as usize];
                            }
                            while b > a {
                                b = idom[b as usize];
                            }
                        }
                        a
                    };
                }
                if new_idom != u32::MAX && idom[position] != new_idom {
                    idom[position] = new_idom;
                    changed = true;
                }
            }
        }
        let mut children: Vec<Vec<u32>> = vec![Vec::new(); count];
        for position in 1..count {
            children[idom[position] as usize].push(position as u32);
        }
        let mut first = vec![u32::MAX; blocks];
        let mut last = vec![u32::MAX; blocks];
        let mut number = 0u32;
        // Preorder by an explicit stack: the tree of a long function is deep.
        let mut stack: Vec<(u32, usize)> = vec![(0, 0)];
        first[shape.order[0].0 as usize] = 0;
        while let Some((node, next)) = stack.last_mut() {
            let block = shape.order[*node as usize].0 as usize;
            match children[*node as usize].get(*next) {
                Some(&child) => {
                    *next += 1;
                    number += 1;
                    first[shape.order[child as usize].0 as usize] = number;
                    stack.push((child, 0));
                }
                None => {
                    last[block] = number;
                    stack.pop();
                }
            }
        }
        Dominators { first, last }
    }

    /// Whether every path from the entry to `b` passes through `a` first, `a != b`
    /// (false when either is unreachable).
    pub fn strictly_dominates(&self, a: BlockId, b: BlockId) -> bool {
        let (a, b) = (a.0 as usize, b.0 as usize);
        a != b
            && self.first[a] != u32::MAX
            && self.first[b] != u32::MAX
            && self.first[a] <= self.first[b]
            && self.last[b] <= self.last[a]
    }
}

/// Which blocks lie on a cycle of the graph. The lowering builds structured (reducible)
/// graphs, so every cycle is the natural loop of a back edge `from -> header` (the header
/// no later than `from` in reverse postorder): the header and every block that reaches
/// `from` without passing the header. `shape` is [`Shape::of`] `function`.
pub fn blocks_in_cycles(function: &Function, shape: &Shape) -> Vec<bool> {
    let blocks = function.blocks.len();
    if shape.acyclic {
        return vec![false; blocks];
    }
    let mut predecessors: Vec<Vec<BlockId>> = vec![Vec::new(); blocks];
    for &block in &shape.order {
        for succ in function.block(block).successors() {
            predecessors[succ.0 as usize].push(block);
        }
    }
    let mut in_cycle = vec![false; blocks];
    for &from in &shape.order {
        for header in function.block(from).successors() {
            if shape.position[header.0 as usize] > shape.position[from.0 as usize] {
                continue;
            }
            in_cycle[header.0 as usize] = true;
            let mut seen = vec![false; blocks];
            seen[header.0 as usize] = true;
            let mut pending = vec![from];
            while let Some(block) = pending.pop() {
                if std::mem::replace(&mut seen[block.0 as usize], true) {
                    continue;
                }
                in_cycle[block.0 as usize] = true;
                pending.extend(predecessors[block.0 as usize].iter().copied());
            }
        }
    }
    in_cycle
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Span;
    use crate::ir::FunctionKind;

    /// Counts, for each block, how many statements ran on the longest path to it: a
    /// domain whose join is `max`.
    struct Longest;

    #[derive(Clone, Debug, PartialEq)]
    struct Count(usize);

    impl JoinSemiLattice for Count {
        fn join(&mut self, other: &Self) -> bool {
            let grew = other.0 > self.0;
            self.0 = self.0.max(other.0);
            grew
        }
    }

    impl Analysis for Longest {
        type Domain = Count;
        type Observer = Vec<usize>;

        fn transfer_statement(
            &self,
            _: BlockId,
            _: &Stmt,
            state: &mut Count,
            observer: Option<&mut Vec<usize>>,
        ) -> bool {
            state.0 += 1;
            if let Some(seen) = observer {
                seen.push(state.0);
            }
            true
        }

        fn transfer_call(
            &self,
            _: BlockId,
            _: CallId,
            _: &mut Count,
            _: Option<&mut Vec<usize>>,
        ) -> bool {
            true
        }
    }

    /// entry -> (a | b) -> join -> return exit, one statement in each of a, b and join
    /// (two in b).
    fn diamond() -> Function {
        let span = Span::new(0, 0);
        let mut f = Function::new("f".to_string(), FunctionKind::Def, span, span);
        let (a, b, join) = (f.new_block(), f.new_block(), f.new_block());
        let stmt = || Stmt::AddressTaken {
            place: crate::ir::PlaceId(0),
        };
        f.blocks[f.entry.0 as usize].terminator = Terminator::Switch(vec![a, b]);
        f.blocks[a.0 as usize].stmts.push(stmt());
        f.blocks[a.0 as usize].terminator = Terminator::Goto(join);
        f.blocks[b.0 as usize].stmts.extend([stmt(), stmt()]);
        f.blocks[b.0 as usize].terminator = Terminator::Goto(join);
        f.blocks[join.0 as usize].stmts.push(stmt());
        f.blocks[join.0 as usize].terminator = Terminator::Goto(f.return_exit);
        f
    }

    #[test]
    fn each_block_is_replayed_once_with_its_fixpoint_state() {
        let f = diamond();
        let results = iterate(&f, &Longest, Count(0), 1, Budget::default()).unwrap();
        let mut seen = Vec::new();
        let mut at_exit = Vec::new();
        results.replay(&mut seen, |_, to, state| {
            if to == f.return_exit {
                at_exit.push(state.0);
            }
        });
        seen.sort();
        // a: 1; b: 1, 2; the join, from the longer path: 3.
        assert_eq!(seen, vec![1, 1, 2, 3]);
        assert_eq!(at_exit, vec![3]);
    }

    /// What the observer saw, and each edge with its state.
    type Recorded = (Vec<usize>, Vec<(BlockId, BlockId, usize)>);

    /// What `run` records, and what `iterate` then `replay` record.
    fn both_ways(f: &Function) -> [Recorded; 2] {
        let mut fused = (Vec::new(), Vec::new());
        run(
            f,
            Shape::of(f),
            &Longest,
            Count(0),
            1,
            Budget::default(),
            &mut fused.0,
            |from, to, s| fused.1.push((from, to, s.0)),
        )
        .unwrap();
        let mut apart = (Vec::new(), Vec::new());
        let results = iterate(f, &Longest, Count(0), 1, Budget::default()).unwrap();
        results.replay(&mut apart.0, |from, to, s| apart.1.push((from, to, s.0)));
        [fused, apart]
    }

    #[test]
    fn one_pass_over_a_graph_without_cycles_records_what_the_replay_records() {
        let f = diamond();
        assert!(Shape::of(&f).acyclic);
        let [fused, apart] = both_ways(&f);
        assert_eq!(fused, apart);
        assert_eq!(fused.0, vec![1, 2, 1, 3]);
        // The entry's two edges, one out of each side, the join's into the return exit.
        assert_eq!(fused.1.len(), 5);
        // A loop back to the entry from the join: the fixpoint needs the replay.
        let mut looping = diamond();
        looping.blocks[5].terminator = Terminator::Switch(vec![looping.return_exit, looping.entry]);
        assert!(!Shape::of(&looping).acyclic);
        let tiny = Budget {
            state_entries: MAX_STATE_ENTRIES,
            visits_per_block: 0,
        };
        // `Longest` grows without end round a loop: the budget of visits stops it.
        let refused = run(
            &looping,
            Shape::of(&looping),
            &Longest,
            Count(0),
            1,
            tiny,
            &mut Vec::new(),
            |_, _, _| {},
        );
        assert!(refused.is_err());
    }

    #[test]
    fn a_function_past_the_budget_is_refused_with_the_limit_named() {
        let f = diamond();
        let tiny = Budget {
            state_entries: 1,
            visits_per_block: 1,
        };
        let Err(TooLarge(reason)) = iterate(&f, &Longest, Count(0), 1000, tiny) else {
            panic!("the budget allows one state entry");
        };
        assert_eq!(
            reason,
            "is too large to analyze (2 join points over 1000 allocation sites and places \
             pass the budget of 1 state entries)"
        );
    }

    #[test]
    fn a_block_dominates_what_every_path_to_it_passes() {
        let f = diamond();
        let dominators = Dominators::of(&f);
        let (entry, a, b, join) = (f.entry, BlockId(3), BlockId(4), BlockId(5));
        for block in [a, b, join, f.return_exit] {
            assert!(dominators.strictly_dominates(entry, block));
        }
        assert!(dominators.strictly_dominates(join, f.return_exit));
        // Neither side of the diamond dominates the join; nothing dominates itself, and
        // the unreachable unwind exit is dominated by nothing.
        assert!(!dominators.strictly_dominates(a, join));
        assert!(!dominators.strictly_dominates(b, join));
        assert!(!dominators.strictly_dominates(join, join));
        assert!(!dominators.strictly_dominates(entry, f.unwind_exit));
    }

    #[test]
    fn cycles_are_the_natural_loops() {
        let mut f = diamond();
        // join -> entry: the whole diamond loops; the exits stay outside.
        f.blocks[5].terminator = Terminator::Switch(vec![f.return_exit, f.entry]);
        let in_cycles = blocks_in_cycles(&f, &Shape::of(&f));
        let looping: Vec<usize> = (0..f.blocks.len()).filter(|&b| in_cycles[b]).collect();
        assert_eq!(looping, vec![0, 3, 4, 5]);
        let f = diamond();
        assert!(blocks_in_cycles(&f, &Shape::of(&f))
            .iter()
            .all(|cycle| !cycle));
    }
}
