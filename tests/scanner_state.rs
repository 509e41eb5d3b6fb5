//! The external scanner's saved state must round-trip exactly. Tree-sitter saves it
//! after every token the scanner produces (each newline, indent, dedent and string
//! part) and restores it wherever parsing resumes, as every reparse after an edit does.
//! With the scanner's checks on, each saved state is restored into a second scanner,
//! which must equal the first and save the same bytes (grammar/src/scanner.c).

mod grammar_inputs;

use tree_sitter::{Node, Parser, Tree};
use tree_sitter_cython::scanner_state_checks;

/// Parses `text` with the checks on; returns the tree and how many states were checked,
/// and fails naming `name` if any did not round-trip.
fn parse_checked(name: &str, text: &str) -> (Tree, u64) {
    let mut parser = Parser::new();
    parser
        .set_language(&tree_sitter_cython::LANGUAGE.into())
        .unwrap();
    scanner_state_checks::set_enabled(true);
    let tree = parser.parse(text, None).unwrap();
    let (checked, mismatched) = scanner_state_checks::counts();
    scanner_state_checks::set_enabled(false);
    assert_eq!(
        mismatched, 0,
        "{name}: {mismatched} of {checked} saved scanner states did not round-trip"
    );
    (tree, checked)
}

/// The row of the first ERROR or MISSING node, if any.
fn first_error_row(tree: &Tree) -> Option<usize> {
    cysafe::parse::first_syntax_error(tree).map(|node: Node<'_>| node.start_position().row)
}

#[test]
fn every_state_of_the_samples_and_corpus_tests_round_trips() {
    let inputs: Vec<_> = grammar_inputs::sample_inputs()
        .into_iter()
        .chain(grammar_inputs::corpus_inputs())
        .collect();
    assert!(inputs.len() > 100, "only {} inputs found", inputs.len());
    for (name, text) in &inputs {
        let (_, checked) = parse_checked(name, text);
        // Every input ends at least one line, so the scanner saved at least one state.
        assert!(checked > 0, "{name}: no scanner state was saved");
    }
}

/// `levels` nested `if`s, the n-th indented by `width(n)`, with `body` (one line) inside.
fn nested_ifs(levels: usize, width: impl Fn(usize) -> usize, body: &str) -> String {
    let mut text = String::new();
    for level in 0..levels {
        text.push_str(&" ".repeat(width(level)));
        text.push_str("if x:\n");
    }
    text.push_str(&" ".repeat(width(levels)));
    text.push_str(body);
    text.push_str("\nafter = 1\n");
    text
}

#[test]
fn ten_thousand_regular_levels_round_trip_and_parse() {
    // One run of equal steps: 10,000 levels take a few bytes, and all of them are kept.
    let text = nested_ifs(10_000, |level| level, "y = f'{a}' + \"\"\"b\"\"\"");
    let (tree, checked) = parse_checked("10,000 one-space levels", &text);
    assert!(checked >= 20_000, "{checked} states checked");
    assert_eq!(first_error_row(&tree), None);

    let text = nested_ifs(2_000, |level| level * 300, "pass");
    let (tree, _) = parse_checked("2,000 levels of 300 spaces", &text);
    assert_eq!(first_error_row(&tree), None);

    let mut tabs = String::new();
    for level in 0..1_000 {
        tabs.push_str(&"\t".repeat(level));
        tabs.push_str("if x:\n");
    }
    tabs.push_str(&"\t".repeat(1_000));
    tabs.push_str("pass\n");
    let (tree, _) = parse_checked("1,000 tab levels", &tabs);
    assert_eq!(first_error_row(&tree), None);
}

#[test]
fn a_level_too_deep_to_save_is_not_opened() {
    // Alternating one- and two-space steps make every level a run of its own, two bytes:
    // 511 levels take 1 + 2 * 511 = 1,023 bytes of the 1,024-byte state, and a 512th
    // would not fit. Its indentation is not opened, nor is the line ended, so the
    // innermost line runs into its `if x:` and the parser reports an error there,
    // instead of keeping a state that restoring would silently cut. (The body is a
    // compound statement, which cannot follow `if x:` on the same line.)
    let irregular = |level: usize| level / 2 * 3 + level % 2;
    let body = "while y: pass";
    let (tree, _) = parse_checked("511 irregular levels", &nested_ifs(511, irregular, body));
    assert_eq!(first_error_row(&tree), None);
    let (tree, _) = parse_checked("512 irregular levels", &nested_ifs(512, irregular, body));
    assert!(first_error_row(&tree).is_some());
    let (tree, _) = parse_checked(
        "3,000 irregular levels",
        &nested_ifs(3_000, irregular, body),
    );
    assert!(first_error_row(&tree).is_some());
}

#[test]
fn strings_nested_deeper_than_the_state_holds_are_not_opened() {
    // Each open string takes a byte: 255 nested f-strings are the most a state counts.
    let nested = |depth: usize| format!("x = {}1{}\n", "f\"{".repeat(depth), "}\"".repeat(depth));
    let (tree, _) = parse_checked("200 nested f-strings", &nested(200));
    assert_eq!(first_error_row(&tree), None);
    let (tree, _) = parse_checked("400 nested f-strings", &nested(400));
    assert!(first_error_row(&tree).is_some());

    // Open strings and deep indentation share the buffer.
    let text = nested_ifs(
        400,
        |level| level / 2 * 3 + level % 2,
        &format!("y = {}1{}", "f'{".repeat(200), "}'".repeat(200)),
    );
    parse_checked("strings inside deep irregular indentation", &text);
}
