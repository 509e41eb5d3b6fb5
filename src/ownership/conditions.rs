//! Which tests of a function's steady locals (`Function::steady`: C integers and
//! booleans nothing changes behind the statements on them) the dataflow correlates: a
//! test it meets again, on a later line or on a later turn of a loop, with the same
//! outcome (`if c: free(p)` ... `if not c: free(p)` frees `p` once on every path).
//!
//! A test is normalized to one question about the local, `x == k` or `x > k`, and an
//! outcome: `if c:` and `if c != 0:` are `c == 0` answered no, `n <= 3` is `n > 3`
//! answered no, `n >= 4` is `n > 3` answered yes (the locals are integers, so `x >= k`
//! is `x > k - 1`).

use std::collections::HashMap;

use crate::ir::{Function, PlaceId, Relation, Stmt};

/// One question about a steady local: `place == bound`, or `place > bound` when
/// `greater`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(super) struct Test {
    pub(super) place: PlaceId,
    pub(super) greater: bool,
    pub(super) bound: i64,
}

/// The question an edge's statement answers, with its answer, if it is a test of a
/// value (not a NULL test of a pointer): `if c:` (an `Assume` that does not compare with
/// NULL) or a comparison with a constant.
pub(super) fn answered(stmt: &Stmt) -> Option<(Test, bool)> {
    match *stmt {
        Stmt::Assume {
            place,
            non_null,
            against_null: false,
            ..
        } => Some((
            Test {
                place,
                greater: false,
                bound: 0,
            },
            !non_null,
        )),
        Stmt::Compare {
            place,
            value,
            relation,
        } => {
            let (greater, bound, holds) = match relation {
                Relation::Equal => (false, value, true),
                Relation::NotEqual => (false, value, false),
                Relation::Greater => (true, value, true),
                Relation::LessOrEqual => (true, value, false),
                Relation::GreaterOrEqual => (true, value.checked_sub(1)?, true),
                Relation::Less => (true, value.checked_sub(1)?, false),
            };
            Some((
                Test {
                    place,
                    greater,
                    bound,
                },
                holds,
            ))
        }
        _ => None,
    }
}

impl Test {
    /// The answer to `other`, a question about the same local, that this question's
    /// answer `holds` implies, if it implies one: `x == 3` answers `x == 2` no and `x > 1`
    /// yes; `x > 3` answers `x > 1` yes and `x == 2` no; `x <= 3` answers `x > 5` no.
    pub(super) fn implies(self, holds: bool, other: Test) -> Option<bool> {
        if other.place != self.place || other == self {
            return None;
        }
        let (k, j) = (self.bound, other.bound);
        match (self.greater, holds, other.greater) {
            // `x == k`: every question about `x` is answered.
            (false, true, false) => Some(j == k),
            (false, true, true) => Some(k > j),
            // `x != k` says nothing of another value.
            (false, false, _) => None,
            // `x > k`, so `x > j` for `j <= k`, and `x` is none of those `j`.
            (true, true, true) => (j <= k).then_some(true),
            (true, true, false) => (j <= k).then_some(false),
            // `x <= k`, so not `x > j` for `j >= k`, and `x` is none of the `j > k`.
            (true, false, true) => (j >= k).then_some(false),
            (true, false, false) => (j > k).then_some(false),
        }
    }
}

/// By place, whether it is one of the function's steady locals.
pub(super) fn steady_places(function: &Function) -> Vec<bool> {
    function
        .places
        .iter()
        .map(|place| place.path.is_empty() && function.steady.binary_search(&place.root).is_ok())
        .collect()
}

/// The tests of steady locals worth correlating, sorted: those the function asks more
/// than once (each test answers its question once on each edge, so a question answered
/// the same way by two statements is asked twice), or asks inside a loop (the next turn
/// asks it again), or that an answer to another question about the same local settles
/// (`mode == 1` and `mode < 1`), for a local asked a few different questions. Any other
/// question asked once outside loops is never met again, and is not tracked at all: a
/// function of a thousand different tests pays nothing for them.
pub(super) fn correlated_tests(
    function: &Function,
    steady: &[bool],
    in_cycles: &[bool],
) -> Vec<Test> {
    if function.steady.is_empty() {
        return Vec::new();
    }
    // By question: how many statements answer yes, how many no, and whether one lies on
    // a cycle.
    let mut asked: HashMap<Test, (u32, u32, bool)> = HashMap::new();
    for (index, block) in function.blocks.iter().enumerate() {
        for stmt in &block.stmts {
            let Some((test, holds)) = answered(stmt) else {
                continue;
            };
            if !steady[test.place.0 as usize] {
                continue;
            }
            let counts = asked.entry(test).or_default();
            if holds {
                counts.0 += 1;
            } else {
                counts.1 += 1;
            }
            counts.2 |= in_cycles.get(index).copied().unwrap_or(false);
        }
    }
    let mut tests: Vec<Test> = asked.keys().copied().collect();
    tests.sort_unstable();
    // A local asked a few different questions (`mode == 1`, `mode < 1`, `mode > 1`) has
    // each asked again in another form: an answer to one settles others. Past
    // `MAX_RELATED_QUESTIONS` (a long `elif` chain of values) only the repeated ones.
    let mut related = vec![false; tests.len()];
    let mut start = 0;
    for run in tests.chunk_by(|a, b| a.place == b.place) {
        if (2..=MAX_RELATED_QUESTIONS).contains(&run.len()) {
            for (offset, first) in run.iter().enumerate() {
                related[start + offset] = run.iter().any(|second| {
                    [true, false].into_iter().any(|holds| {
                        first.implies(holds, *second).is_some()
                            || second.implies(holds, *first).is_some()
                    })
                });
            }
        }
        start += run.len();
    }
    let mut index = 0;
    tests.retain(|test| {
        let (yes, no, in_cycle) = asked[test];
        let keep = yes >= 2 || no >= 2 || in_cycle || related[index];
        index += 1;
        keep
    });
    tests
}

/// At most this many different questions about one local are followed for being
/// related rather than repeated (see [`correlated_tests`]).
const MAX_RELATED_QUESTIONS: usize = 8;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Span;

    fn question(greater: bool, bound: i64) -> Test {
        Test {
            place: PlaceId(0),
            greater,
            bound,
        }
    }

    fn compare(relation: Relation, value: i64) -> Option<(Test, bool)> {
        answered(&Stmt::Compare {
            place: PlaceId(0),
            value,
            relation,
        })
    }

    #[test]
    fn tests_are_normalized_to_one_question_and_an_answer() {
        let truth = |non_null, against_null| {
            answered(&Stmt::Assume {
                place: PlaceId(0),
                non_null,
                against_null,
                span: Span::new(0, 0),
            })
        };
        // `if c:` and `c != 0` are `c == 0` answered no.
        assert_eq!(truth(true, false), Some((question(false, 0), false)));
        assert_eq!(truth(false, false), Some((question(false, 0), true)));
        assert_eq!(
            compare(Relation::NotEqual, 0),
            Some((question(false, 0), false))
        );
        // A NULL test is the pointer's, not a question about a value.
        assert_eq!(truth(true, true), None);
        assert_eq!(
            compare(Relation::Equal, 2),
            Some((question(false, 2), true))
        );
        assert_eq!(
            compare(Relation::Greater, 3),
            Some((question(true, 3), true))
        );
        assert_eq!(
            compare(Relation::LessOrEqual, 3),
            Some((question(true, 3), false))
        );
        assert_eq!(
            compare(Relation::GreaterOrEqual, 4),
            Some((question(true, 3), true))
        );
        assert_eq!(compare(Relation::Less, 4), Some((question(true, 3), false)));
        // `x < i64::MIN` has no `x > k` form: not followed.
        assert_eq!(compare(Relation::Less, i64::MIN), None);
    }

    #[test]
    fn an_answer_settles_the_questions_it_implies_and_no_other() {
        let equals = |k| question(false, k);
        let above = |k| question(true, k);
        // `x == 3`.
        assert_eq!(equals(3).implies(true, equals(2)), Some(false));
        assert_eq!(equals(3).implies(true, above(2)), Some(true));
        assert_eq!(equals(3).implies(true, above(3)), Some(false));
        // `x != 3` says nothing of other values.
        assert_eq!(equals(3).implies(false, equals(2)), None);
        assert_eq!(equals(3).implies(false, above(2)), None);
        // `x > 3`.
        assert_eq!(above(3).implies(true, above(1)), Some(true));
        assert_eq!(above(3).implies(true, above(5)), None);
        assert_eq!(above(3).implies(true, equals(3)), Some(false));
        assert_eq!(above(3).implies(true, equals(7)), None);
        // `x <= 3`.
        assert_eq!(above(3).implies(false, above(5)), Some(false));
        assert_eq!(above(3).implies(false, above(1)), None);
        assert_eq!(above(3).implies(false, equals(4)), Some(false));
        assert_eq!(above(3).implies(false, equals(3)), None);
        // Never a question about another local, nor the question itself.
        let other = Test {
            place: PlaceId(1),
            ..equals(2)
        };
        assert_eq!(equals(3).implies(true, other), None);
        assert_eq!(equals(3).implies(true, equals(3)), None);
    }

    #[test]
    fn every_implied_answer_is_true_of_every_value() {
        let questions: Vec<Test> = (-3..=3)
            .flat_map(|k| [question(false, k), question(true, k)])
            .collect();
        let holds = |test: Test, x: i64| {
            if test.greater {
                x > test.bound
            } else {
                x == test.bound
            }
        };
        for x in -5..=5 {
            for &first in &questions {
                for &second in &questions {
                    if let Some(implied) = first.implies(holds(first, x), second) {
                        assert_eq!(implied, holds(second, x), "{first:?} {second:?} at {x}");
                    }
                }
            }
        }
    }
}
