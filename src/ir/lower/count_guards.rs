//! What a guard says of a count beyond its own test: `while i < n` with `i` never below
//! zero, a copy `m = n` (or `i = n` counted down), and a conjunction of count tests
//! (`p == NULL and n != 0 and m != 0`).
//!
//! `if p == NULL and n != 0: raise MemoryError()` leaves `p` NULL only where `n == 0`;
//! the ghost flags `n.(> 0)` and `n.(!= 0)` carry that to a use under a test of `n`
//! (see `Lowerer::ghost_edge`). The guards here establish those flags' values from other
//! facts, each held by a *token*: a ghost place inside a local, set to a constant where
//! the fact starts and forgotten with the local (an assignment forgets the places inside
//! it; an augmented assignment forgets them here, but for the ones it keeps true). A fact
//! is applied in a diamond: one path assumes every token it needs holds its value and
//! compares the count's flags, and one path per token assumes it does not. The dataflow
//! drops a path whose assumption no value on it satisfies, and a join keeps what both
//! sides know; so the comparisons count only where every token is known on every path.

use tree_sitter::Node;

use crate::parse::Fields;

use super::{CountTest, GhostFlags, Lowerer, NONZERO, POSITIVE};
use crate::diagnostic::Span;
use crate::ir::kinds::KindName;
use crate::ir::{Place, PlaceId, Projection, Relation, Stmt, Value};

/// The lowest constant a local was given (`i = 0`), kept by `i += c` with `c >= 0`.
const FLOOR: &str = "(floor)";

/// Inside a sequence `xs` measured by `n = len(xs)`: `xs` holds `n` items.
fn length_token(count: &str) -> String {
    format!("(length in {count})")
}

/// Inside a count `n = len(xs)`: it counts the items of `xs`.
fn count_token(sequence: &str) -> String {
    format!("(len of {sequence})")
}

/// How many copies deep a count fact is carried (`k = m; m = n`).
const MAX_CARRIED: usize = 3;

/// A conjunction of count tests of distinct locals, in order (`n != 0 and m != 0`).
#[derive(Clone, Debug)]
pub(super) struct Compound {
    /// Each test's local and the flag its test sets.
    components: Vec<(String, PlaceId)>,
    /// Holds 1 on a path where every test held when the condition ran.
    pub(super) result: PlaceId,
    /// Inside each local: 1 from the condition on, forgotten with the local.
    pub(super) tokens: Vec<PlaceId>,
}

/// While a condition with a [`Compound`] is lowered: the edge of a component's test
/// sets `result` from `previous` (the flag of the tests before it) and its own outcome.
#[derive(Clone, Copy, Debug)]
pub(super) struct CompoundStep {
    flag: PlaceId,
    previous: PlaceId,
    pub(super) result: PlaceId,
}

impl<'a> Lowerer<'a> {
    /// A ghost place inside a local, interned and remembered under the local's name (an
    /// augmented assignment of the local forgets it).
    pub(super) fn ghost(&mut self, name: &str, field: &str) -> PlaceId {
        let id = self.place(Place {
            root: name.to_string(),
            path: vec![Projection::Field(field.to_string())],
        });
        let known = self.ghosts.entry(name.to_string()).or_default();
        if !known.contains(&id) {
            known.push(id);
        }
        id
    }

    /// The ghost place inside a local, if some guard made it.
    fn existing_ghost(&self, name: &str, field: &str) -> Option<PlaceId> {
        self.f.place_id(&Place {
            root: name.to_string(),
            path: vec![Projection::Field(field.to_string())],
        })
    }

    /// `n += c`, `n -= c`: the tokens inside `n` no longer hold, but for those the change
    /// keeps: a floor under `+= c` with `c >= 0`, a bound from above (`n <= m`) under a
    /// signed `-= c` with `c >= 0` (an unsigned one may wrap past zero).
    pub(super) fn forget_ghosts_changed(&mut self, name: &str, node: Node<'_>) {
        let mut cursor = node.walk();
        let operator = node
            .children(&mut cursor)
            .find(|child| !child.is_named())
            .map_or("", |child| child.kind_name());
        let step = node
            .field("right")
            .and_then(|right| self.constant(right))
            .filter(|step| *step >= 0);
        let keeps_floor = operator == "+=" && step.is_some();
        let keeps_upper = operator == "-=" && step.is_some() && !self.unsigned.contains(name);
        let ghosts = self.ghosts.get(name).cloned().unwrap_or_default();
        for ghost in ghosts {
            let Some(Projection::Field(field)) = self.f.place(ghost).path.first() else {
                continue;
            };
            let kept =
                (keeps_floor && field == FLOOR) || (keeps_upper && field.starts_with("(<= "));
            if !kept {
                self.push(Stmt::Assign {
                    target: ghost,
                    value: Value::Other,
                    span: super::node_span(node),
                });
            }
        }
    }

    /// Whether a local may hold a count: one of a C integer type, or a Python object (not
    /// a pointer, a struct or a float).
    fn may_count(&self, name: &str) -> bool {
        self.integers.contains(name) || !self.c_typed.contains(name)
    }

    /// Before lowering: `n = len(xs)` of a local sequence (`left`, `right` of an
    /// assignment or a declaration), so that every call lowered anywhere forgets that
    /// `xs` still holds `n` items.
    pub(super) fn note_measured(&mut self, left: Node<'_>, right: Node<'_>) {
        let (left, right) = (self.strip(left), self.strip(right));
        if left.kind_name() != "identifier" || right.kind_name() != "call" {
            return;
        }
        let Some(sequence) = self.measured_sequence(right) else {
            return;
        };
        let pair = (self.text(left).to_string(), sequence.to_string());
        if !self.measured.contains(&pair) {
            self.measured.push(pair);
        }
    }

    /// `len(xs)` of an identifier: `xs`.
    fn measured_sequence(&self, call: Node<'_>) -> Option<&'a str> {
        let function = call.field("function")?;
        // Checked before the arguments are collected: nearly every call is not `len`.
        if self.text(function) != "len" {
            return None;
        }
        let arguments = self.positional_args(call);
        let [argument] = arguments.as_slice() else {
            return None;
        };
        let argument = self.strip(*argument);
        (argument.kind_name() == "identifier").then(|| self.text(argument))
    }

    /// A call that may run Python code (or `del`, or `xs[a:b] = ...`) may change how
    /// many items a sequence holds: no measured sequence is known to hold its count.
    pub(super) fn forget_lengths(&mut self, span: Span) {
        for (count, sequence) in self.measured.clone() {
            let token = self.ghost(&sequence, &length_token(&count));
            self.push(Stmt::Assign {
                target: token,
                value: Value::Other,
                span,
            });
        }
    }

    /// Whether a fact about the count `name` can say anything: a test of it made its
    /// flags, or it is a copy, or part of a conjunction (else no diamond is built for it).
    fn may_tell(&self, name: &str) -> bool {
        self.ghosts.contains_key(name)
            || self.copies.iter().any(|(copy, _)| copy == name)
            || self
                .compounds
                .iter()
                .any(|compound| compound.components.iter().any(|(local, _)| local == name))
    }

    /// Whether a count assigned `len(xs)` holds it exactly: a Python object, or an
    /// integer type as wide as `Py_ssize_t` (a narrower one may wrap to zero).
    fn holds_any_length(&self, count: &str) -> bool {
        if !self.c_typed.contains(count) {
            return true;
        }
        self.integer_types.get(count).is_some_and(|declared| {
            matches!(
                declared.as_str(),
                "Py_ssize_t"
                    | "ssize_t"
                    | "size_t"
                    | "Py_hash_t"
                    | "long long"
                    | "unsigned long long"
            )
        })
    }

    /// `for x in xs:` (or `enumerate(xs)`) where `n = len(xs)` holds before the loop:
    /// a flag inside `n` that says so, set before the loop (and forgotten with `n`). The
    /// body runs only where `xs` had an item, so where `n > 0`.
    pub(super) fn iteration_measured(&mut self, node: Node<'_>) -> Vec<(String, PlaceId)> {
        let Some(iterable) = node.field("right").map(|right| self.strip(right)) else {
            return Vec::new();
        };
        let only_positional = |call: Node<'_>| {
            call.field("arguments").is_some_and(|arguments| {
                arguments.named_child_count() == self.positional_args(call).len()
            })
        };
        let iterable = if iterable.kind_name() == "call"
            && iterable
                .field("function")
                .is_some_and(|f| self.text(f) == "enumerate")
            && only_positional(iterable)
        {
            // `enumerate(xs)`, `enumerate(xs, 1)`: nothing else runs before the loop.
            match self.positional_args(iterable).as_slice() {
                [first] => self.strip(*first),
                [first, start] if self.constant(*start).is_some() => self.strip(*first),
                _ => return Vec::new(),
            }
        } else {
            iterable
        };
        if iterable.kind_name() != "identifier" {
            return Vec::new();
        }
        let sequence = self.text(iterable);
        let counts: Vec<String> = self
            .measured
            .iter()
            .filter(|(count, measured)| measured == sequence && self.may_tell(count))
            .map(|(count, _)| count.clone())
            .collect();
        let mut facts = Vec::new();
        for count in counts {
            let (Some(counts), Some(holds)) = (
                self.existing_ghost(&count, &count_token(sequence)),
                self.existing_ghost(sequence, &length_token(&count)),
            ) else {
                continue;
            };
            let started = self.ghost(
                &count,
                &format!("(iterating {sequence} at {})", node.start_byte()),
            );
            self.push(Stmt::Assign {
                target: started,
                value: Value::Other,
                span: super::node_span(node),
            });
            self.guarded(
                &[(counts, Relation::Equal, 1), (holds, Relation::Equal, 1)],
                |this| {
                    this.push(Stmt::Constant {
                        place: started,
                        value: 1,
                    })
                },
            );
            facts.push((count, started));
        }
        facts
    }

    /// At the start of the body of a loop over a measured sequence: its count is positive
    /// where the loop's flag says the count held the length.
    pub(super) fn iterating_measured(&mut self, facts: &[(String, PlaceId)]) {
        for (count, started) in facts {
            self.guarded(&[(*started, Relation::Equal, 1)], |this| {
                this.count_fact(count, true, 0)
            });
        }
    }

    /// After `name = value` (or `cdef T name = value`) is lowered: `name = c` sets its
    /// floor to `c`; `m = n` makes `m` a copy of the count `n` (`m == n` and `m <= n`
    /// inside `m`, and inside `n` that `m` was copied from it).
    pub(super) fn note_local_value(&mut self, name: &str, value: Node<'_>) {
        if !self.may_count(name) {
            return;
        }
        if let Some(constant) = self.constant(value) {
            let floor = self.ghost(name, FLOOR);
            self.push(Stmt::Constant {
                place: floor,
                value: constant,
            });
            return;
        }
        let value = self.strip(value);
        if value.kind_name() == "call" {
            // `n = len(xs)` of a sequence whose length is what it iterates.
            let Some(sequence) = self.measured_sequence(value) else {
                return;
            };
            if self.sequences.contains(sequence) && self.holds_any_length(name) {
                let sequence = sequence.to_string();
                for place in [
                    self.ghost(name, &count_token(&sequence)),
                    self.ghost(&sequence, &length_token(name)),
                ] {
                    self.push(Stmt::Constant { place, value: 1 });
                }
            }
            return;
        }
        if value.kind_name() != "identifier" {
            return;
        }
        let source = self.text(value);
        if source == name || !self.locals.contains(source) || !self.may_count(source) {
            return;
        }
        let source = source.to_string();
        for place in [
            self.ghost(name, &format!("(== {source})")),
            self.ghost(name, &format!("(<= {source})")),
            self.ghost(&source, &format!("(copied to {name})")),
        ] {
            self.push(Stmt::Constant { place, value: 1 });
        }
        let copy = (name.to_string(), source);
        if !self.copies.contains(&copy) {
            self.copies.push(copy);
        }
    }

    /// The count `name` is known positive (or only non-zero) on this path: its ghost flags
    /// are compared, and what that says of the counts it was copied from and of the
    /// conjunctions it is part of follows.
    pub(super) fn count_fact(&mut self, name: &str, positive: bool, depth: usize) {
        let positive = positive || self.unsigned.contains(name);
        let tests: &[&str] = if positive {
            &[POSITIVE, NONZERO]
        } else {
            &[NONZERO]
        };
        for test in tests {
            if let Some(flag) = self.existing_ghost(name, test) {
                self.push(Stmt::Compare {
                    place: flag,
                    value: 1,
                    relation: Relation::Equal,
                });
            }
        }
        self.carry_count_fact(name, positive, depth);
    }

    /// What `name` known positive (or non-zero) says of other counts: a copy's source
    /// (`m = n`: `m > 0` where `m <= n` means `n > 0`, `m != 0` where `m == n` means
    /// `n != 0`), and each conjunction whose every test is now known to hold.
    pub(super) fn carry_count_fact(&mut self, name: &str, positive: bool, depth: usize) {
        if depth >= MAX_CARRIED {
            return;
        }
        let sources: Vec<String> = self
            .copies
            .iter()
            .filter(|(copy, _)| copy == name)
            .map(|(_, source)| source.clone())
            .collect();
        for source in sources {
            let relation = if positive { "<=" } else { "==" };
            let Some(bound) = self.existing_ghost(name, &format!("({relation} {source})")) else {
                continue;
            };
            let Some(unchanged) = self.existing_ghost(&source, &format!("(copied to {name})"))
            else {
                continue;
            };
            let carried = positive && self.converts_exactly(name, &source);
            self.guarded(
                &[(bound, Relation::Equal, 1), (unchanged, Relation::Equal, 1)],
                |this| this.count_fact(&source, carried, depth + 1),
            );
        }
        let compounds: Vec<Compound> = self
            .compounds
            .iter()
            .filter(|compound| compound.components.iter().any(|(local, _)| local == name))
            .cloned()
            .collect();
        for compound in compounds {
            let known: Vec<(PlaceId, Relation, i64)> = compound
                .components
                .iter()
                .map(|(_, flag)| *flag)
                .chain(compound.tokens.iter().copied())
                .map(|place| (place, Relation::Equal, 1))
                .collect();
            self.guarded(&known, |this| {
                this.push(Stmt::Compare {
                    place: compound.result,
                    value: 1,
                    relation: Relation::Equal,
                });
            });
        }
    }

    /// Whether `copy = source` keeps the sign of every value (so `copy > 0` means
    /// `source > 0`): the source is unsigned (`> 0` is `!= 0`, which any integer
    /// conversion keeps), either is a Python object (Cython checks the conversion), or
    /// both have the same signed integer type.
    fn converts_exactly(&self, copy: &str, source: &str) -> bool {
        if self.unsigned.contains(source)
            || !self.c_typed.contains(source)
            || !self.c_typed.contains(copy)
        {
            return true;
        }
        let signed = |name: &str| self.integers.contains(name) && !self.unsigned.contains(name);
        signed(copy)
            && signed(source)
            && self
                .integer_types
                .get(copy)
                .is_some_and(|declared| self.integer_types.get(source) == Some(declared))
    }

    /// Applies `then` on the path where every `(place, relation, value)` holds, beside one
    /// path per condition where it does not, all joined after.
    fn guarded(&mut self, conditions: &[(PlaceId, Relation, i64)], then: impl FnOnce(&mut Self)) {
        let from = self.current;
        let join = self.new_block();
        let holds = self.new_block();
        self.edge(from, holds);
        self.current = holds;
        for &(place, relation, value) in conditions {
            self.push(Stmt::Compare {
                place,
                value,
                relation,
            });
        }
        then(self);
        self.edge(self.current, join);
        for &(place, relation, value) in conditions {
            let fails = self.new_block();
            self.edge(from, fails);
            self.current = fails;
            self.push(Stmt::Compare {
                place,
                value,
                relation: relation.negated(),
            });
            self.edge(fails, join);
        }
        self.current = join;
    }

    /// `i < n`, `i <= n`, `n > i`, `n >= i` of two locals: the index, the bound, and the
    /// least value of the index for which the test holding means `n > 0` (0 for `<`, 1
    /// for `<=`).
    pub(super) fn index_bound(&self, node: Node<'_>) -> Option<(&'a str, &'a str, i64)> {
        if node.kind_name() != "comparison_operator" {
            return None;
        }
        let (left, operator, right) = super::single_comparison(node)?;
        let (left, right) = (self.strip(left), self.strip(right));
        if left.kind_name() != "identifier" || right.kind_name() != "identifier" {
            return None;
        }
        let (index, bound, least) = match operator {
            "<" => (left, right, 0),
            "<=" => (left, right, 1),
            ">" => (right, left, 0),
            ">=" => (right, left, 1),
            _ => return None,
        };
        let (index, bound) = (self.text(index), self.text(bound));
        let local = |name: &str| self.locals.contains(name) && self.names.constant(name).is_none();
        (local(index) && local(bound) && index != bound).then_some((index, bound, least))
    }

    /// On the edge where `i < n` holds: where `i` is never below 0 (unsigned, or a floor
    /// `>= 0` on every path), `n > i >= 0`. A signed `n` compared with an unsigned `i` may
    /// be converted to unsigned, where a negative `n` passes: there only `n != 0` follows.
    pub(super) fn index_bound_fact(&mut self, node: Node<'_>) {
        let Some((index, bound, least)) = self.index_bound(node) else {
            return;
        };
        if !self.may_tell(bound) {
            return;
        }
        let signed_index = !self.c_typed.contains(index)
            || (self.integers.contains(index) && !self.unsigned.contains(index));
        let positive =
            signed_index || self.unsigned.contains(bound) || !self.c_typed.contains(bound);
        if least == 0 && self.unsigned.contains(index) {
            self.count_fact(bound, positive, 0);
            return;
        }
        let Some(floor) = self.existing_ghost(index, FLOOR) else {
            return;
        };
        self.guarded(&[(floor, Relation::GreaterOrEqual, least)], |this| {
            this.count_fact(bound, positive, 0)
        });
    }

    /// The count tests conjoined at the top of a condition beside another test (`p ==
    /// NULL and n != 0 and m != 0`), if they test two or more locals: the conjunction,
    /// with the steps that set its flag while the condition is lowered.
    pub(super) fn compound_of(
        &mut self,
        condition: Node<'_>,
    ) -> Option<(Compound, Vec<CompoundStep>)> {
        let mut conjuncts = Vec::new();
        let mut pending = vec![self.strip(condition)];
        while let Some(node) = pending.pop() {
            let is_and = node.kind_name() == "boolean_operator"
                && node.field("operator").map(|o| o.kind_name()) == Some("and");
            if is_and {
                pending.extend(node.field("right").map(|n| self.strip(n)));
                pending.extend(node.field("left").map(|n| self.strip(n)));
            } else {
                conjuncts.push(node);
            }
        }
        let mut tests: Vec<(String, GhostFlags, CountTest, String)> = Vec::new();
        let mut tests_other = false;
        for conjunct in conjuncts {
            let Some((name, kind)) = self.count_test(conjunct) else {
                tests_other = true;
                continue;
            };
            if kind == CountTest::Zero || tests.iter().any(|(known, ..)| known == name) {
                continue;
            }
            let text: String = self
                .text(conjunct)
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            let name = name.to_string();
            let Some((flags, kind)) = self.ghost_test(conjunct) else {
                continue;
            };
            tests.push((name, flags, kind, text));
        }
        // Only a conjunction beside another test (the NULL test) correlates the counts
        // with something; one of counts alone (`if n != 0 and m != 0:`, a use) must not
        // set the flag afresh, which would lose what an earlier check made it imply.
        if tests.len() < 2 || !tests_other {
            return None;
        }
        let flag_of = |flags: &GhostFlags, kind: CountTest| match kind {
            CountTest::Positive => flags.positive,
            _ => flags.nonzero,
        };
        let mut steps = Vec::new();
        let mut previous = flag_of(&tests[0].1, tests[0].2);
        let mut text = tests[0].3.clone();
        for (name, flags, kind, test) in &tests[1..] {
            text = format!("{text} and {test}");
            let result = self.ghost(name, &format!("({text})"));
            steps.push(CompoundStep {
                flag: flag_of(flags, *kind),
                previous,
                result,
            });
            previous = result;
        }
        let tokens = tests
            .iter()
            .map(|(name, ..)| self.ghost(name, &format!("(unchanged since {text})")))
            .collect();
        let compound = Compound {
            components: tests
                .iter()
                .map(|(name, flags, kind, _)| (name.clone(), flag_of(flags, *kind)))
                .collect(),
            result: previous,
            tokens,
        };
        Some((compound, steps))
    }

    /// A conjunction a condition checked, for the uses lowered after it.
    pub(super) fn remember_compound(&mut self, compound: Compound) {
        if !self
            .compounds
            .iter()
            .any(|known| known.result == compound.result)
        {
            self.compounds.push(compound);
        }
    }

    /// On the edge of a count test where it holds (`n > 0`, `n != 0`, or where `n == 0`
    /// does not): what that says of the counts `n` was copied from and the conjunctions
    /// it is part of.
    pub(super) fn carry_test_edge(&mut self, node: Node<'_>, kind: CountTest, holds: bool) {
        let Some((name, _)) = self.count_test(node) else {
            return;
        };
        let positive = match (kind, holds) {
            (CountTest::Positive, true) => true,
            (CountTest::NonZero, true) | (CountTest::Zero, false) => false,
            _ => return,
        };
        self.carry_count_fact(name, positive || self.unsigned.contains(name), 0);
    }

    /// On the edge of a test that a conjunction being lowered counts: its flag on this
    /// path, 1 where the tests before it held and this one holds.
    pub(super) fn compound_step(&mut self, tested: PlaceId, holds: bool) {
        let steps: Vec<CompoundStep> = self
            .compound_steps
            .iter()
            .filter(|step| step.flag == tested)
            .copied()
            .collect();
        for step in steps {
            if !holds {
                self.push(Stmt::Constant {
                    place: step.result,
                    value: 0,
                });
                continue;
            }
            let from = self.current;
            let join = self.new_block();
            for before in [true, false] {
                let block = self.new_block();
                self.edge(from, block);
                self.current = block;
                self.push(Stmt::Compare {
                    place: step.previous,
                    value: 1,
                    relation: Relation::equality(before),
                });
                self.push(Stmt::Constant {
                    place: step.result,
                    value: i64::from(before),
                });
                self.edge(block, join);
            }
            self.current = join;
        }
    }
}
