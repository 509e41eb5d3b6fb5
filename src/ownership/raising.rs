//! Which calls raise an exception a user can see coming and act on: the calls CY008
//! counts, and what makes a helper's [`Summary::raises`](super::summary::Summary::raises)
//! true. The lowering gives every call that can raise an unwind edge (Cython's semantics);
//! this is the narrower question of which of those edges are worth a report.

use crate::ir::lower::RAISING_C_API;
use crate::ir::{CallId, Callee};
use crate::ownership::OwnershipGraph;

/// Builtins Cython compiles to C when their operands are C values (`len` of a typed
/// container, `min` of two ints), or that raise only on arguments of the wrong type: their
/// unwind edges are real for arbitrary objects, but a user could not act on a report about
/// them outside a handler. (`range` loops never count.)
const QUIET_BUILTINS: &[&str] = &[
    "len",
    "min",
    "max",
    "abs",
    "int",
    "float",
    "bool",
    "isinstance",
    "issubclass",
    "id",
    "type",
    "callable",
    "hasattr",
    "enumerate",
    "zip",
    "reversed",
];

/// Builtins that raise on ordinary arguments (a missing file, a bad value, a failing
/// `__str__`, a closed stream): calls of them count.
const RAISING_BUILTINS: &[&str] = &[
    "print",
    "open",
    "sorted",
    "sum",
    "getattr",
    "setattr",
    "delattr",
    "str",
    "bytes",
    "bytearray",
    "list",
    "dict",
    "tuple",
    "set",
    "frozenset",
    "iter",
    "next",
    "repr",
    "format",
    "round",
    "divmod",
    "map",
    "filter",
    "hash",
    "input",
    "eval",
    "exec",
    "compile",
    "__import__",
    "memoryview",
    "ord",
    "chr",
    "any",
    "all",
];

/// Whether an unbound name is one of the Python builtins above (or `range`): a call of one
/// takes its arguments as Python objects, by value.
pub(crate) fn is_builtin(name: &str) -> bool {
    name == "range" || QUIET_BUILTINS.contains(&name) || RAISING_BUILTINS.contains(&name)
}

/// Whether a call's exception is one a user can act on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CallRaises {
    /// C code, an allocator or a deallocator, a `range` loop: not counted.
    Never,
    /// A builtin that raises only on arguments of the wrong type (`len`, `int`): counted
    /// only where an `except` or `finally` of the function catches it.
    WhenCaught,
    /// A Python call, a helper that raises, a C-API function known to raise.
    Yes,
}

/// How the call raises, from its callee alone (not from where its exception goes).
pub fn how_call_raises(graph: &OwnershipGraph<'_>, call_id: CallId) -> CallRaises {
    let call = graph.function.call(call_id);
    // An allocator or a deallocator is a C function, whatever its name resolved to.
    if graph.site_of_call(call_id).is_some()
        || graph
            .releases
            .iter()
            .any(|release| release.span == call.span)
    {
        return CallRaises::Never;
    }
    // `range(n)`, and `prange` however it was imported (`from cython.parallel import
    // prange` binds it as a Python name).
    let called = call
        .text
        .as_deref()
        .and_then(|text| text.split('(').next())
        .map(|name| name.rsplit('.').next().unwrap_or(name).trim());
    // `for i in range(n)` is a C loop when `n` is a C integer: nothing to catch, even
    // inside a `try`.
    if called.is_some_and(|name| matches!(name, "range" | "xrange" | "prange")) {
        return CallRaises::Never;
    }
    if called.is_some_and(|name| QUIET_BUILTINS.contains(&name)) {
        return CallRaises::WhenCaught;
    }
    let counts = match &call.callee {
        // A name the file never binds is a builtin, or something the module's .pxd or a
        // `cimport *` declares (a C function, as often as not).
        Callee::Unbound(name) => RAISING_BUILTINS.contains(&name.as_str()),
        // Cimported from another module: a C function (`cnp.PyArray_DATA`), an inline
        // helper of a .pxd, or a cdef function that propagates; its declaration is not
        // read here. Those of `cpython` known to raise on ordinary use do count, and so
        // does a helper of the linted tree whose summary says it raises.
        Callee::External {
            name,
            module: Some(module),
        } => {
            (module.split('.').next() == Some("cpython") && RAISING_C_API.contains(&name.as_str()))
                || graph.callee_raises(call_id)
        }
        // A `cdef` helper returning a C value with no `raise` of its own (`c_level`) still
        // raises what a Python call in its body raises (`return obj.compute()` under
        // `except -1`): its summary says so.
        _ => !call.c_level || graph.callee_raises(call_id),
    };
    if counts {
        CallRaises::Yes
    } else {
        CallRaises::Never
    }
}
