//! CY001's fix: a NULL check right after the statement that stores the allocation,
//! raising `MemoryError` (inside `with gil:` without the GIL). Unsafe: the function now
//! raises where it went on. A `noexcept` function cannot report a raise to its caller,
//! so it gets no fix, and its help says why.

use super::realloc::insert_line_after;
use super::text;
use crate::diagnostic::{Applicability, Diagnostic, Fix};
use crate::ir::{FunctionKind, Projection, Stmt, Value};
use crate::ownership::module::ModuleAnalysis;
use crate::parse::Dialect;

pub(super) fn attach(
    analysis: &ModuleAnalysis<'_>,
    source: &str,
    dialect: Dialect,
    diagnostic: &mut Diagnostic,
) {
    let Some((graph, call)) = analysis.graphs.iter().find_map(|graph| {
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
    let without_gil = text::runs_without_gil(source, statement.line_start, &text);
    let lines = text::null_check_lines(
        &place.to_string(),
        statement.indent,
        text.unit(),
        without_gil,
        dialect,
    );
    diagnostic.fix = Some(Fix::new(
        Applicability::Unsafe,
        format!("raise `MemoryError` when `{place}` is NULL, right after the allocation"),
        vec![insert_line_after(source, statement.end, lines)],
    ));
}
