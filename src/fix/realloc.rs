//! CY003's fix: `p = <T*>realloc(p, n)` becomes a temporary, a NULL check, and the
//! assignment, so that a failed reallocation leaves `p` holding the old block.
//!
//! The temporary is declared at the top of the function body (the only place Cython
//! takes a `cdef` in a function), named so that it clashes with nothing the function
//! uses. When the assignment is followed by its NULL check (`if p == NULL: raise
//! MemoryError()`), the check is kept and made a check of the temporary: behaviour is
//! unchanged wherever the reallocation succeeds, so the fix is safe. For a local, the
//! check frees the old block before it raises (with the deallocator of its family, when
//! the module already names it): where the reallocation failed the local still owns it. Otherwise a check
//! that raises `MemoryError` is added (inside `with gil:` without the GIL): unsafe, as
//! the function now raises where it went on.

use std::collections::HashMap;

use super::text::{self, FunctionText, Statement};
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Span};
use crate::ir::{FunctionKind, Projection};
use crate::ownership::OwnershipGraph;
use crate::parse::Dialect;

/// What the fixes of one module's CY003s share, found once: the reallocations by the
/// assignment they are reported at, and the text of each function that holds one (a
/// function with N reallocations is read once, not N times).
#[derive(Default)]
pub(super) struct Shared<'s> {
    /// By assignment: the graph and the overwrite (`None` until the first CY003).
    overwrites: Option<HashMap<Span, (usize, usize)>>,
    /// By function span.
    functions: HashMap<Span, Option<FunctionText<'s>>>,
}

pub(super) fn attach<'s>(
    graphs: &[OwnershipGraph<'_>],
    source: &'s str,
    dialect: Dialect,
    diagnostic: &mut Diagnostic,
    shared: &mut Shared<'s>,
) {
    let overwrites = shared.overwrites.get_or_insert_with(|| {
        let mut found = HashMap::new();
        for (index, graph) in graphs.iter().enumerate() {
            for (number, overwrite) in graph.realloc_overwrites.iter().enumerate() {
                found.entry(overwrite.span).or_insert((index, number));
            }
        }
        found
    });
    let Some(&(index, number)) = overwrites.get(&diagnostic.span) else {
        return;
    };
    let graph = &graphs[index];
    let overwrite = &graph.realloc_overwrites[number];
    let function = graph.function;
    if matches!(function.kind, FunctionKind::Module | FunctionKind::Lambda) {
        return;
    }
    let place = function.place(overwrite.target);
    if !place
        .path
        .iter()
        .all(|step| matches!(step, Projection::Field(_)))
    {
        return;
    }
    let Some(text) = shared
        .functions
        .entry(function.span)
        .or_insert_with(|| text::function_text(source, function.span))
    else {
        return;
    };
    let call = function.call(overwrite.call);
    // A local's old block is the function's to free where the reallocation failed: the
    // check that raises frees it first (a field's stays with its object).
    let local = place.path.is_empty() && place.root != "self" && !function.is_global(&place.root);
    let release = graph
        .site_of_call(overwrite.call)
        .and_then(|site| graph.site(site).family)
        .filter(|_| local)
        .map(|family| {
            // Qualified as the reallocator is (`mem.PyMem_Realloc` -> `mem.PyMem_Free`).
            let written = &source[call.span.start..call.span.end];
            let callee = written.split('(').next().unwrap_or("").trim();
            let module = callee.rsplit_once('.').map_or("", |(module, _)| module);
            let deallocator = graph.families.family(family).deallocator();
            if module.is_empty() {
                deallocator.to_string()
            } else {
                format!("{module}.{deallocator}")
            }
        })
        // Only a deallocator the module already names is known to be bound there.
        .filter(|deallocator| text::mentions(source, deallocator))
        .map(|deallocator| format!("{deallocator}({place})"));
    let target = Target {
        release,
        place: place.to_string(),
        assignment: overwrite.span,
        call: call.span,
        callee: call.callee.display_name(),
    };
    match write(source, dialect, text, &target) {
        Ok(fix) => diagnostic.fix = Some(fix),
        Err(Refusal::CannotRaise) => {
            if let Some(help) = &mut diagnostic.help {
                help.push_str(&format!(
                    " (no automatic fix: `{}` is `noexcept`, so a raise cannot reach its caller)",
                    function.name
                ));
            }
        }
        Err(Refusal::Shape) => {}
    }
}

struct Target<'a> {
    /// `free(p)`: what frees the old block before the check raises, for a local.
    release: Option<String>,
    place: String,
    assignment: Span,
    call: Span,
    callee: &'a str,
}

enum Refusal {
    /// The text is not a shape the fix is written for.
    Shape,
    /// A check would have to raise, and the function cannot.
    CannotRaise,
}

fn write(
    source: &str,
    dialect: Dialect,
    function: &FunctionText<'_>,
    target: &Target<'_>,
) -> Result<Fix, Refusal> {
    let statement =
        text::statement_around(source, target.assignment, false).ok_or(Refusal::Shape)?;
    let place = target.place.as_str();
    let start = target.assignment.start;
    if !source[start..target.assignment.end].starts_with(place) {
        return Err(Refusal::Shape);
    }
    let after_place = &source[start + place.len()..target.assignment.end];
    let value = after_place
        .trim_start()
        .strip_prefix('=')
        .filter(|value| !value.starts_with('='))
        .ok_or(Refusal::Shape)?;
    let value_start = target.assignment.end - value.len();
    // The value must be the reallocation itself, not a temporary that holds it.
    if target.call.start < value_start || target.call.end > target.assignment.end {
        return Err(Refusal::Shape);
    }
    let pointer_type = pointer_type(source, value_start, target.call, dialect)?;
    let tmp = function.fresh_name("tmp");
    let declaration = match dialect {
        Dialect::Cython => format!("{}cdef {pointer_type} {tmp}\n", function.body_indent),
        Dialect::PurePython => format!("{}{tmp}: {pointer_type}\n", function.body_indent),
    };
    let mut edits = vec![
        Edit::insert(function.declarations_at, declaration),
        Edit::replace(Span::new(start, start + place.len()), tmp.clone()),
    ];
    let store_back = format!("{}{place} = {tmp}\n", statement.indent);
    let (applicability, message) = match following_check(source, &statement, place, &tmp) {
        Some(check) => {
            edits.push(check.condition);
            if let Some(release) = &target.release {
                edits.push(match check.inline_body {
                    Some(at) => Edit::insert(at, format!("{release}; ")),
                    None => {
                        let (line_start, line) =
                            text::next_code_line(source, check.header_end).ok_or(Refusal::Shape)?;
                        let indent = text::indentation(line);
                        Edit::insert(line_start, format!("{indent}{release}\n"))
                    }
                });
            }
            edits.push(insert_line_after(source, check.body_end, store_back));
            (
                Applicability::Safe,
                format!(
                    "keep the result of `{}` in `{tmp}` and store it in `{place}` after the NULL check",
                    target.callee
                ),
            )
        }
        None => {
            if function.is_noexcept() {
                return Err(Refusal::CannotRaise);
            }
            let without_gil = text::runs_without_gil(source, statement.line_start, function);
            let mut lines = text::null_check_lines(
                &tmp,
                statement.indent,
                function.unit(),
                without_gil,
                dialect,
                target.release.as_slice(),
            );
            lines.push_str(&store_back);
            edits.push(insert_line_after(source, statement.end, lines));
            (
                Applicability::Unsafe,
                format!(
                    "keep the result of `{}` in `{tmp}`, raise `MemoryError` when it is NULL, then store it in `{place}`",
                    target.callee
                ),
            )
        }
    };
    Ok(Fix::new(applicability, message, edits))
}

/// The type of the temporary: the pointer type the value is cast to (`<T*>call`,
/// `cython.cast(T, call)`), or a void pointer when the call's result is stored as it is.
fn pointer_type(
    source: &str,
    value_start: usize,
    call: Span,
    dialect: Dialect,
) -> Result<String, Refusal> {
    let value = &source[value_start..call.start];
    let lead = value.trim_start();
    if lead.is_empty() {
        return Ok(match dialect {
            Dialect::Cython => "void*",
            Dialect::PurePython => "cython.p_void",
        }
        .to_string());
    }
    let cast = match dialect {
        Dialect::Cython => lead
            .strip_prefix('<')
            .and_then(|cast| cast.trim_end().strip_suffix('>'))
            .map(str::trim)
            .filter(|cast| cast.ends_with('*') && !cast.contains(['<', '>', '?'])),
        Dialect::PurePython => lead
            .strip_prefix("cython.cast(")
            .and_then(|cast| cast.trim_end().strip_suffix(','))
            .map(str::trim)
            .filter(|cast| !cast.is_empty() && !cast.contains(',')),
    };
    cast.map(str::to_string).ok_or(Refusal::Shape)
}

/// A NULL check of the place right after the assignment, rewritten to test the
/// temporary.
struct FollowingCheck {
    condition: Edit,
    /// Where the body starts, when it is on the `if` line.
    inline_body: Option<usize>,
    /// The end of the `if` line.
    header_end: usize,
    /// The end of the check's last line.
    body_end: usize,
}

fn following_check(
    source: &str,
    statement: &Statement<'_>,
    place: &str,
    tmp: &str,
) -> Option<FollowingCheck> {
    let (line_start, line) = text::next_code_line(source, statement.end)?;
    if text::indentation(line) != statement.indent {
        return None;
    }
    let if_start = line_start + statement.indent.len();
    let code = text::code_of(&source[if_start..line_start + line.len()]);
    code.strip_prefix("if ")?;
    let condition_start = if_start + "if ".len();
    let colon = text::header_colon(source, condition_start, line_start + line.len())?;
    let condition: String = source[condition_start..colon]
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let rewritten = rewrite_null_test(&condition, place, tmp)?;
    let inline_body = code_tail(source, colon, line_start + line.len());
    let (body, body_end) = if inline_body.is_empty() {
        let end = text::block_end(source, line_start, statement.indent);
        (&source[text::line_end(source, line_start)..end], end)
    } else {
        (inline_body, text::line_end(source, line_start))
    };
    if body.trim().is_empty() || text::mentions(body, place) {
        return None;
    }
    if let Some((_, after)) = text::next_code_line(source, body_end) {
        let after_code = text::code_of(after.trim_start());
        let continues = after_code.starts_with("elif ")
            || after_code.starts_with("else:")
            || after_code.starts_with("else ");
        if text::indentation(after) == statement.indent && continues {
            return None;
        }
    }
    Some(FollowingCheck {
        condition: Edit::replace(Span::new(condition_start, colon), rewritten),
        inline_body: (!inline_body.is_empty())
            .then(|| inline_body.as_ptr() as usize - source.as_ptr() as usize),
        header_end: text::line_end(source, line_start),
        body_end,
    })
}

/// What follows the `:` of an `if` on its line, without a comment.
fn code_tail(source: &str, colon: usize, line_end: usize) -> &str {
    text::code_of(&source[colon + 1..line_end]).trim()
}

/// `p == NULL` (and the other ways to test a pointer for NULL) rewritten to test `tmp`.
fn rewrite_null_test(condition: &str, place: &str, tmp: &str) -> Option<String> {
    if condition == format!("not {place}") || condition == format!("not ({place})") {
        return Some(format!("not {tmp}"));
    }
    for null in ["NULL", "cython.NULL"] {
        for operator in ["==", "is"] {
            if condition == format!("{place} {operator} {null}")
                || condition == format!("{null} {operator} {place}")
            {
                return Some(format!("{tmp} {operator} {null}"));
            }
        }
    }
    None
}

/// An insertion of whole lines after the line that ends at `line_end`.
pub(super) fn insert_line_after(source: &str, line_end: usize, lines: String) -> Edit {
    if line_end >= source.len() {
        Edit::insert(source.len(), format!("\n{lines}"))
    } else {
        Edit::insert(line_end + 1, lines)
    }
}
