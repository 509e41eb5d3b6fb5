//! CY001's fix: a NULL check right after the statement that stores the allocation,
//! raising `MemoryError` (inside `with gil:` without the GIL), after releasing the blocks
//! earlier allocations of the function still own there. Unsafe: the function now raises
//! where it went on. A `noexcept` function cannot report a raise to its caller, so it
//! gets no fix, and its help says why.

use super::realloc::insert_line_after;
use super::text;
use crate::diagnostic::{Applicability, Diagnostic, Fix};
use crate::ir::{CallId, FunctionKind, PlaceId, Projection, Stmt, Value};
use crate::ownership::families::CPP;
use crate::ownership::{OwnershipGraph, SiteStates};
use crate::parse::Dialect;
use crate::rules::memory_leak::HandOffs;

pub(super) fn attach(
    graphs: &[OwnershipGraph<'_>],
    source: &str,
    dialect: Dialect,
    diagnostic: &mut Diagnostic,
) {
    let Some((graph, call)) = graphs.iter().find_map(|graph| {
        graph
            .sites
            .iter()
            .find(|site| site.span == Some(diagnostic.span))
            .and_then(|site| site.call())
            .map(|call| (graph, call))
    }) else {
        return;
    };
    let function = graph.function;
    if matches!(function.kind, FunctionKind::Module | FunctionKind::Lambda) {
        return;
    }
    // The statement that stores the block: `p = malloc(n)`, `cdef T* p = <T*>malloc(n)`.
    let Some((target, span)) = function
        .blocks
        .iter()
        .flat_map(|block| &block.stmts)
        .find_map(|stmt| match stmt {
            Stmt::Assign {
                target,
                value: Value::Call(assigned),
                span,
            } if *assigned == call => Some((*target, *span)),
            _ => None,
        })
    else {
        return;
    };
    let place = function.place(target);
    if !place
        .path
        .iter()
        .all(|step| matches!(step, Projection::Field(_)))
    {
        return;
    }
    let Some(text) = text::function_text(source, function.span) else {
        return;
    };
    if text.is_noexcept() {
        if let Some(help) = &mut diagnostic.help {
            help.push_str(&format!(
                " (no automatic fix: `{}` is `noexcept`, so a raise cannot reach its caller; \
                 return an error value or call `abort()`)",
                function.name
            ));
        }
        return;
    }
    let Some(statement) = text::statement_around(source, span, true) else {
        return;
    };
    let Some(releases) = releases_before_raising(graph, call, target, source) else {
        return;
    };
    let without_gil = text::runs_without_gil(source, statement.line_start, &text);
    let lines = text::null_check_lines(
        &place.to_string(),
        statement.indent,
        text.unit(),
        without_gil,
        dialect,
        &releases,
    );
    let message = if releases.is_empty() {
        format!("raise `MemoryError` when `{place}` is NULL, right after the allocation")
    } else {
        format!(
            "raise `MemoryError` when `{place}` is NULL, right after the allocation, \
             releasing what the function still owns first (`{}`)",
            releases.join("`, `")
        )
    };
    diagnostic.fix = Some(Fix::new(
        Applicability::Unsafe,
        message,
        vec![insert_line_after(source, statement.end, lines)],
    ));
}

/// The statements that release, before the raise, what earlier allocations of the
/// function still own where `call` allocates: each block a local holds on every path
/// reaching it (or NULL: releasing NULL does nothing), released on none of them, handed
/// off (returned, stored, passed on, its holder's address taken) on none before it,
/// latest allocation first. `None` when such a block's deallocator is not a name the
/// file has (nothing cimports it): no fix then, as the raise would leak it.
fn releases_before_raising(
    graph: &OwnershipGraph<'_>,
    call: CallId,
    target: PlaceId,
    source: &str,
) -> Option<Vec<String>> {
    let Some(held) = graph
        .held_at_allocations
        .iter()
        .find(|held| held.call == call)
    else {
        return Some(Vec::new());
    };
    let function = graph.function;
    let point = (held.block, function.call(call).span.start);
    let own = graph.site_of_call(call).map(|site| graph.site(site).span);
    let hand_offs = HandOffs::of(graph);
    let owned_states = SiteStates::UNCHECKED
        .union(SiteStates::NON_NULL)
        .union(SiteStates::NULL);
    let mut owned: Vec<(crate::diagnostic::Span, String)> = Vec::new();
    for &(place, site, states) in &held.held {
        let site = graph.site(site);
        let (Some(span), Some(family)) = (site.span, site.family) else {
            continue;
        };
        // The statement overwrites `target`; the blocks of this very call (a loop's
        // earlier turns) are its own CY007.
        if place == target || Some(site.span) == own {
            continue;
        }
        if states.is_empty() || !owned_states.contains(states) {
            continue;
        }
        if hand_offs.before(graph, span, point) || owned.iter().any(|(s, _)| *s == span) {
            continue;
        }
        let name = function.place(place).to_string();
        let release = if family == CPP {
            format!("del {name}")
        } else {
            let deallocator = graph.families.family(family).deallocator();
            if deallocator.is_empty() || !text::mentions(source, deallocator) {
                return None;
            }
            format!("{deallocator}({name})")
        };
        owned.push((span, release));
    }
    owned.sort_by_key(|(span, _)| std::cmp::Reverse(*span));
    Some(owned.into_iter().map(|(_, release)| release).collect())
}

#[cfg(test)]
mod tests {
    use crate::analyze::analyze_source;
    use crate::parse::Dialect;
    use crate::settings::AnalysisSettings;

    /// The text CY001's fix inserts for the allocation on `line` (1-based), if any.
    fn inserted(text: &str, line: usize) -> Option<String> {
        let diagnostics = analyze_source(text, Dialect::Cython, &AnalysisSettings::default());
        let start = text
            .lines()
            .take(line - 1)
            .map(|l| l.len() + 1)
            .sum::<usize>();
        let end = start + text.lines().nth(line - 1).unwrap().len();
        let diagnostic = diagnostics
            .iter()
            .find(|d| d.rule.code == "CY001" && (start..end).contains(&d.span.start))
            .expect("a CY001 on that line");
        let fix = diagnostic.fix.as_ref()?;
        Some(fix.edits.iter().map(|edit| edit.content.clone()).collect())
    }

    #[test]
    fn a_block_released_on_some_paths_only_is_not_released_again() {
        let text = "from libc.stdlib cimport malloc, free\n\
                    def f(size_t n, bint early):\n    \
                    cdef char* a = <char*> malloc(n)\n    \
                    if a == NULL:\n        raise MemoryError()\n    \
                    if early:\n        free(a)\n    \
                    cdef char* b = <char*> malloc(n)\n    \
                    b[0] = 0\n    free(b)\n    if not early:\n        free(a)\n";
        // Released on the `early` path: freeing it again there would be a double free.
        assert_eq!(
            inserted(text, 8).as_deref(),
            Some("    if b == NULL:\n        raise MemoryError()\n")
        );
        let kept = text.replace("    if early:\n        free(a)\n", "");
        assert_eq!(
            inserted(&kept, 6).as_deref(),
            Some("    if b == NULL:\n        free(a)\n        raise MemoryError()\n")
        );
    }

    #[test]
    fn an_aliased_block_is_released_once_and_a_missing_deallocator_means_no_fix() {
        let text = "from libc.stdlib cimport malloc, free\n\
                    def f(size_t n):\n    \
                    cdef char* a = <char*> malloc(n)\n    \
                    if a == NULL:\n        raise MemoryError()\n    \
                    cdef char* alias = a\n    \
                    cdef char* b = <char*> malloc(n)\n    \
                    b[0] = 0\n    free(b)\n    free(alias)\n";
        assert_eq!(
            inserted(text, 7).as_deref(),
            Some("    if b == NULL:\n        free(a)\n        raise MemoryError()\n")
        );
        let pymem = text
            .replace(
                "from libc.stdlib cimport malloc, free",
                "from cpython.mem cimport PyMem_Malloc",
            )
            .replace("<char*> malloc(n)", "<char*> PyMem_Malloc(n)")
            .replace("    free(b)\n    free(alias)\n", "");
        assert_eq!(inserted(&pymem, 7), None);
    }
}
