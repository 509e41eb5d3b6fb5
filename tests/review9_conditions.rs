//! Positions of the diagnostics on review 9's runtime-condition samples
//! (samples/cython/review9_conditions/, whose `# expect:` marks give codes and lines):
//! typed mode flags, related questions about one local, the budget of followed questions.

use cysafe::analyze::analyze_source;
use cysafe::diagnostic::LineIndex;
use cysafe::parse::Dialect;
use cysafe::settings::AnalysisSettings;

/// (code, row, column) of every diagnostic, by position.
fn found(text: &str) -> Vec<(String, usize, usize)> {
    let index = LineIndex::new(text);
    let mut found: Vec<(usize, usize, String)> =
        analyze_source(text, Dialect::Cython, &AnalysisSettings::default())
            .into_iter()
            .map(|d| {
                let at = index.position(d.span.start);
                (at.row, at.column, d.rule.code.to_string())
            })
            .collect();
    found.sort();
    found
        .into_iter()
        .map(|(row, column, code)| (code, row, column))
        .collect()
}

fn at(code: &str, row: usize, column: usize) -> (String, usize, usize) {
    (code.to_string(), row, column)
}

#[test]
fn enum_and_typedef_flags_are_c_integers_whose_tests_are_correlated() {
    let clean = include_str!("../samples/cython/review9_conditions/typed_flags.pyx");
    assert_eq!(found(clean), Vec::new());
    let bug = include_str!("../samples/cython/review9_conditions/typed_flags_bug.pyx");
    assert_eq!(
        found(bug),
        vec![at("CY002", 26, 9), at("CY007", 30, 31), at("CY005", 37, 9)]
    );
}

#[test]
fn related_questions_about_one_local_keep_true_overlaps_and_gaps() {
    let bug = include_str!("../samples/cython/review9_conditions/split_tests_bug.pyx");
    assert_eq!(found(bug), vec![at("CY005", 13, 9), at("CY007", 19, 27)]);
}

#[test]
fn past_the_followed_questions_the_path_merging_rules_stay_silent() {
    let clean = include_str!("../samples/cython/review9_conditions/many_flags.pyx");
    assert_eq!(found(clean), Vec::new());
    let bug = include_str!("../samples/cython/review9_conditions/many_flags_bug.pyx");
    assert_eq!(found(bug), vec![at("CY007", 8, 28), at("CY005", 20, 9)]);
}

#[test]
fn blocks_allocated_after_the_budget_was_passed_are_reported() {
    let bug = include_str!("../samples/cython/review9_conditions/past_budget_bug.pyx");
    assert_eq!(found(bug), vec![at("CY005", 49, 5), at("CY007", 50, 25)]);
}
