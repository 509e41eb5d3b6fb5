//! Lowering: tree-sitter tree to [`Module`] of per-function control-flow graphs.
//!
//! The one place that reads syntax. Statements and expressions are lowered by bounded
//! recursion: past [`MAX_NESTING`] levels (or [`MAX_BLOCKS`] blocks) a function is given
//! up and listed in [`Module::too_deep`], so a 10,000-level nesting costs a skipped
//! function, never the stack. Finding the functions of a file is a `TreeCursor` loop.
//!
//! Exceptions are edges: a call that can raise ends its block with a
//! [`Terminator::Call`] whose unwind edge goes to the innermost handler dispatch (or
//! `finally`, or the function's unwind exit), so the path where `g()` raises skips what
//! follows it. Which calls can raise: Python-level calls (builtins, methods of objects,
//! `def` functions), `cdef` functions unless declared `noexcept` (Cython 3's default),
//! extern C functions declared with an `except` spec; not extern C functions without one
//! (`malloc`), nor the C libraries' cimports (`libc`, `posix`, `cpython`, `libcpp`; but
//! [`RAISING_C_API`]), nor
//! calls of unknown functions inside `nogil` code. The C-API calls that always fail
//! ([`ALWAYS_FAIL`]) have no return edge. In a `noexcept` function an exception that no
//! handler catches leaves through the return exit. A `finally` body is lowered twice,
//! once on the normal path and once on the abrupt one (return, raise, break, continue), so
//! a path that left by `return` never flows into the code after the `try`.

use std::collections::{HashMap, HashSet};

use tree_sitter::Node;

use crate::diagnostic::Span;
use crate::ir::capsules::capsule_destructor;
use crate::ir::kinds::KindName;
use crate::ir::names::{
    declared_noexcept, declared_nogil, exception_clause, function_pointer_noexcept,
    holds_statements, opens_scope, single_comparison, text, ModuleNames,
};
use crate::ir::{
    BlockId, Call, CallId, CallbackHolder, Callee, Class, ExceptionSpec, Function, FunctionKind,
    Module, Place, PlaceId, Projection, Relation, ReleaseCallback, SkippedFunction, Stmt,
    Terminator, UseKind, Value,
};
use crate::parse::{syntax_error_in, Fields};

mod count_guards;
mod grouped;

pub use grouped::{lower_module_by_groups, lower_module_recovering};

use count_guards::{Compound, CompoundStep};

/// Deepest syntax nesting lowered before a function is skipped.
pub const MAX_NESTING: usize = 200;

/// Why a function past [`MAX_NESTING`] (or holding lines past
/// [`crate::parse::MAX_BLOCK_DEPTH`] blocks) is skipped, after its name.
pub const NESTED_TOO_DEEPLY: &str = "is nested too deeply to analyze";
/// Most blocks one function may lower to (nested `finally` bodies are duplicated).
pub const MAX_BLOCKS: usize = 400_000;

/// Calls after which control never continues: the process ends.
const NEVER_RETURN: &[&str] = &["abort", "exit", "_exit", "_Exit", "quick_exit", "os._exit"];
/// Calls that always raise, by their text.
const ALWAYS_RAISE: &[&str] = &["sys.exit"];
/// C-API functions declared `except NULL` (or `except 0`) that always fail: a call never
/// returns normally.
const ALWAYS_FAIL: &[&str] = &[
    "PyErr_NoMemory",
    "PyErr_Format",
    "PyErr_FormatV",
    "PyErr_SetFromErrno",
    "PyErr_SetFromErrnoWithFilename",
    "PyErr_SetFromErrnoWithFilenameObject",
    "PyErr_SetFromErrnoWithFilenameObjects",
    "PyErr_SetFromWindowsErr",
    "PyErr_SetFromWindowsErrWithFilename",
    "PyErr_SetExcFromWindowsErr",
    "PyErr_SetExcFromWindowsErrWithFilename",
    "PyErr_BadArgument",
];
/// Functions of Cython's `cpython` declarations that raise on ordinary use, by their
/// declared exception value or the `object` they return (NULL is an exception):
/// `PyErr_CheckSignals` (`except -1`: a `KeyboardInterrupt`), `PyObject_GetBuffer`
/// (`except -1`: an object without a buffer), the calls of Python callables and
/// `PyImport_ImportModule` (`object`).
pub const RAISING_C_API: &[&str] = &[
    "PyErr_CheckSignals",
    "PyObject_GetBuffer",
    "PyObject_Call",
    "PyObject_CallObject",
    "PyObject_CallFunctionObjArgs",
    "PyImport_ImportModule",
];
/// Cimported modules of C libraries: their functions are C declarations that do not raise
/// (the few declared `except` that always fail are in [`ALWAYS_FAIL`], those of
/// `cpython` that raise on ordinary use in [`RAISING_C_API`]).
const C_LIBRARIES: &[&str] = &["libc", "libcpp", "posix", "cpython", "cython"];

/// Lowers the functions, methods and lambdas of a file, and its top-level statements,
/// that can matter to ownership, in stages. First those that mention one of the
/// `interesting` names (the allocators and deallocators) or an alias of one, every
/// `__dealloc__`, and the C functions they call. Then, while `helpers_with_effects` (given
/// the functions lowered so far) names functions that return a fresh block or release an
/// argument, the functions that call those. The rest touch no block and are never
/// lowered: that keeps the analysis a small fraction of the parse.
pub fn lower_module(
    root: Node<'_>,
    source: &str,
    names: &ModuleNames,
    interesting: &HashSet<String>,
    helpers_with_effects: impl FnMut(&Module) -> Vec<String>,
) -> Module {
    lower_module_reusing(root, source, names, interesting, helpers_with_effects, None)
}

/// Lowered functions kept from one lowering of a file for the next (the language server
/// lowers a file again on each edit). A function is taken from here when its text (with
/// its decorators), its class, the `property name:` block around it, the module's names
/// and the shape of its classes are what they were, its spans moved to where it is now;
/// only a function defined at module level or in a class body is kept (a nested one
/// depends on what encloses it).
#[derive(Default)]
pub struct LoweringCache {
    names: ModuleNames,
    classes: String,
    /// By the definition's text, its class and the property it is an accessor of (a
    /// `__del__` in a `property name:` block is a deleter, the same text in the class
    /// body a finalizer).
    functions: HashMap<CachedFunctionKey, (usize, Function)>,
    /// How many functions the last lowering took from here (for the tests).
    reused: usize,
    /// For each function of the last lowering (in `Module::functions` order), where its
    /// definition starts, and where the function it was taken from started in the text
    /// lowered before, when it was taken from here.
    starts: Vec<(usize, Option<usize>)>,
}

impl LoweringCache {
    /// Where the definition of the function at `index` of the last lowering starts, and,
    /// when that lowering took it from here, where it started in the text lowered before:
    /// the same text, class, module names and class shapes, so the same IR moved by the
    /// difference. `None` for an index the last lowering did not produce.
    pub fn starts(&self, index: usize) -> Option<(usize, Option<usize>)> {
        self.starts.get(index).copied()
    }
}

type CachedFunctionKey = (String, Option<String>, Option<String>);

/// [`lower_module`], taking from `cache` what an earlier lowering of the file did that
/// still holds, and leaving in it what this one did.
pub fn lower_module_reusing(
    root: Node<'_>,
    source: &str,
    names: &ModuleNames,
    interesting: &HashSet<String>,
    mut helpers_with_effects: impl FnMut(&Module) -> Vec<String>,
    mut cache: Option<&mut LoweringCache>,
) -> Module {
    let mut module = Module::default();
    // The `decorated_definition` around a body, by the body's node id: asking a node
    // for its parent walks down from the root.
    let mut decorated = HashMap::new();
    let found = find_bodies(root, source, &mut module, &mut decorated);
    let mut plan = Plan::new(&found, source, names, interesting);
    resolve_class_bases(&mut module, names);
    let classes = module.clone();
    // What a cached function was lowered against must be what this one sees.
    let mut earlier = HashMap::new();
    let top_level = defined_at_top_level(&found);
    if let Some(cache) = cache.as_deref_mut() {
        cache.reused = 0;
        cache.starts.clear();
        let shape = class_shapes(&classes);
        if cache.names == *names && cache.classes == shape {
            earlier = std::mem::take(&mut cache.functions);
        } else {
            cache.names = names.clone();
            cache.classes = shape;
            cache.functions.clear();
        }
    }
    let mut lowered = vec![false; found.len()];
    loop {
        for (index, (node, class)) in found.iter().enumerate() {
            if lowered[index] || !plan.keep[index] {
                continue;
            }
            lowered[index] = true;
            let node = *node;
            // The tree of a function with a syntax error cannot be trusted: skip it, not
            // the whole file (the module body is skipped when a top-level statement is
            // broken).
            let broken = if node.kind_name() == "module" {
                let mut cursor = node.walk();
                let broken = node
                    .named_children(&mut cursor)
                    .any(|n| n.is_error() || (!is_definition(n) && syntax_error_in(n).is_some()));
                broken
            } else {
                // Not `has_error()`: a zero-width MISSING hidden token (the newline the
                // grammar wants after `cdef int x;` when another statement follows on the
                // line) leaves the tree intact and is no syntax error CY000 reports.
                syntax_error_in(node).is_some()
            };
            if broken {
                module.broken.push(node_span(node));
                continue;
            }
            let key = match &cache {
                Some(_) if top_level[index] => {
                    let definition = decorated.get(&node.id()).copied().unwrap_or(node);
                    let property = accessor_property(node, source).map(str::to_string);
                    Some((
                        text(definition, source).to_string(),
                        class.clone(),
                        property,
                    ))
                }
                _ => None,
            };
            let reused = key.as_ref().and_then(|key| earlier.remove(key)).map(
                |(start, function): (usize, Function)| {
                    let moved = function.moved_by(node.start_byte() as isize - start as isize);
                    (start, moved)
                },
            );
            let previous_start = reused.as_ref().map(|(start, _)| *start);
            let function = match reused {
                Some((_, function)) => {
                    if let Some(cache) = cache.as_deref_mut() {
                        cache.reused += 1;
                    }
                    Ok(function)
                }
                None => lower_function(
                    node,
                    decorated.get(&node.id()).copied(),
                    class.clone(),
                    source,
                    names,
                    &classes,
                ),
            };
            match function {
                Ok(function) => {
                    if let Some(cache) = cache.as_deref_mut() {
                        cache.starts.push((node.start_byte(), previous_start));
                        if let Some(key) = key {
                            let kept = (node.start_byte(), function.clone());
                            cache.functions.insert(key, kept);
                        }
                    }
                    module.functions.push(function)
                }
                Err(TooDeep(reason)) => {
                    let skipped = too_deep_function(node, class.as_deref(), source, reason);
                    module.too_deep.push(skipped);
                }
            }
        }
        let helpers = helpers_with_effects(&module);
        if !plan.keep_callers_of(helpers.iter().map(|name| name.as_bytes())) {
            return module;
        }
    }
}

/// The cimported module each class's first base comes from, when a cimport names it.
fn resolve_class_bases(module: &mut Module, names: &ModuleNames) {
    for class in &mut module.classes {
        if let Some(base) = &class.base {
            if let Callee::External {
                name,
                module: Some(origin),
            } = names.resolve_name(base, &HashSet::new())
            {
                class.base_origin = Some((origin, name));
            }
        }
    }
}

/// A body lowering gave up on for nesting too deeply, as it is named on standard error.
fn too_deep_function(
    node: Node<'_>,
    class: Option<&str>,
    source: &str,
    reason: String,
) -> SkippedFunction {
    let (name, _, name_span) = function_identity(node, source);
    let name = match class {
        Some(class) => format!("{class}.{name}"),
        None => name,
    };
    SkippedFunction {
        name,
        name_span,
        reason,
    }
}

/// For each body `find_bodies` found, whether it is defined at module level or in a
/// class body: no other body but the module's encloses it.
fn defined_at_top_level(found: &[(Node<'_>, Option<String>)]) -> Vec<bool> {
    let mut order: Vec<usize> = (1..found.len()).collect();
    order.sort_by_key(|&index| {
        (
            found[index].0.start_byte(),
            std::cmp::Reverse(found[index].0.end_byte()),
        )
    });
    let mut top_level = vec![false; found.len()];
    // The end of the latest top-level body: a body starting before it is inside it.
    let mut open_until = 0;
    for index in order {
        let node = found[index].0;
        if node.start_byte() >= open_until {
            top_level[index] = true;
            open_until = node.end_byte();
        }
    }
    top_level
}

/// What lowering a method reads of the file's classes, without their positions.
fn class_shapes(classes: &Module) -> String {
    let shapes: Vec<_> = classes
        .classes
        .iter()
        .map(|class| {
            let attributes: Vec<&str> = class.attributes.iter().map(|(n, _)| n.as_str()).collect();
            (
                &class.name,
                &class.base,
                &class.base_origin,
                attributes,
                class.is_extension_type,
                &class.used_attributes,
            )
        })
        .collect();
    format!("{shapes:?}")
}

/// What planning reads of one body besides the names it mentions.
struct PlannedBody<'n, 'c> {
    /// Its name (empty for the module and a lambda).
    name: &'n [u8],
    span: Span,
    class: Option<&'c str>,
    is_c_function: bool,
}

fn body_name<'s>(node: Node<'_>, source: &'s str) -> &'s [u8] {
    node.field("name")
        .map(|n| text(n, source).as_bytes())
        .unwrap_or(b"")
}

/// The names that make a body worth lowering: the allocators and deallocators, their
/// aliases, `new` and `del`.
fn wanted_names<'n>(names: &'n ModuleNames, interesting: &'n HashSet<String>) -> FastSet<&'n [u8]> {
    let mut wanted: FastSet<&[u8]> = interesting.iter().map(|n| n.as_bytes()).collect();
    wanted.extend(names.aliases_of(interesting).map(str::as_bytes));
    wanted.extend([b"new".as_slice(), b"del".as_slice()]);
    wanted
}

/// The names planning records of each body: the wanted ones and the bodies' names.
fn plan_universe<'n>(wanted: &FastSet<&'n [u8]>, body_names: &[&'n [u8]]) -> FastSet<&'n [u8]> {
    let mut universe: FastSet<&[u8]> = wanted.iter().copied().collect();
    universe.extend(body_names.iter().copied());
    universe
}

/// Which bodies to lower: what each mentions, and which are kept so far.
struct Plan<'s> {
    mentioned: Vec<FastSet<&'s [u8]>>,
    /// The bodies that mention a name.
    mentioning: std::collections::HashMap<&'s [u8], Vec<usize>>,
    /// The C functions by name.
    c_functions: std::collections::HashMap<&'s [u8], Vec<usize>>,
    keep: Vec<bool>,
    /// Kept bodies whose calls [`Plan::keep_called_c_functions`] has not looked at.
    unscanned: Vec<usize>,
    /// The `cdef` functions that return a C value and hold no `raise`
    /// ([`ModuleNames::is_quiet`]): whether a call of one counts as raising is read off
    /// its summary, which needs the summaries of what it calls in turn.
    quiet: Vec<bool>,
}

impl<'s> Plan<'s> {
    fn new(
        found: &[(Node<'_>, Option<String>)],
        source: &'s str,
        names: &ModuleNames,
        interesting: &HashSet<String>,
    ) -> Plan<'s> {
        let body_names: Vec<&'s [u8]> = found
            .iter()
            .map(|(node, _)| body_name(*node, source))
            .collect();
        let wanted = wanted_names(names, interesting);
        let universe = plan_universe(&wanted, &body_names);
        let prefilter = WordPrefilter::of(universe.iter().copied());
        let mentioned: Vec<FastSet<&'s [u8]>> = found
            .iter()
            .map(|(node, _)| {
                let mut mentioned: FastSet<&'s [u8]> = FastSet::default();
                let mut scan = |node: Node<'_>| {
                    for identifier in identifiers(text(node, source)) {
                        if prefilter.may_hold(identifier) && universe.contains(identifier) {
                            mentioned.insert(identifier);
                        }
                    }
                };
                if node.kind_name() == "module" {
                    let mut cursor = node.walk();
                    for statement in node.named_children(&mut cursor) {
                        if !is_definition(statement) {
                            scan(statement);
                        }
                    }
                } else {
                    // Only its own text: a nested definition is a body of its own, and
                    // scanning it again with each enclosing one made deep nesting
                    // quadratic.
                    for_own_parts(*node, source, &mut scan);
                }
                mentioned
            })
            .collect();
        let bodies: Vec<PlannedBody<'s, '_>> = found
            .iter()
            .zip(&body_names)
            .map(|((node, class), name)| PlannedBody {
                name,
                span: node_span(*node),
                class: class.as_deref(),
                is_c_function: node.kind_name() == "cdef_function",
            })
            .collect();
        Plan::from_parts(&bodies, mentioned, source, &wanted, names)
    }

    /// The plan of bodies known by what [`Plan::new`] reads of their nodes, and the
    /// names each mentions (of the plan's universe, [`plan_universe`]).
    fn from_parts(
        bodies: &[PlannedBody<'s, '_>],
        mentioned: Vec<FastSet<&'s [u8]>>,
        source: &str,
        wanted: &FastSet<&[u8]>,
        module_names: &ModuleNames,
    ) -> Plan<'s> {
        let mut mentioning: std::collections::HashMap<&'s [u8], Vec<usize>> = Default::default();
        for (index, names) in mentioned.iter().enumerate() {
            for name in names {
                mentioning.entry(name).or_default().push(index);
            }
        }
        let mut keep: Vec<bool> = mentioned
            .iter()
            .zip(bodies)
            .map(|(names, body)| {
                // Finalizers, of the instance and of an exported buffer: that one frees
                // nothing is itself what CY004 reports.
                matches!(
                    body.name,
                    b"__dealloc__" | b"__del__" | b"__releasebuffer__"
                ) || names.iter().any(|n| wanted.contains(n))
            })
            .collect();
        keep_flag_setters(bodies, source, &mut keep);
        let mut c_functions: std::collections::HashMap<&'s [u8], Vec<usize>> = Default::default();
        for (index, body) in bodies.iter().enumerate() {
            if body.is_c_function {
                c_functions.entry(body.name).or_default().push(index);
            }
        }
        let quiet = bodies
            .iter()
            .map(|body| {
                body.is_c_function
                    && std::str::from_utf8(body.name).is_ok_and(|name| module_names.is_quiet(name))
            })
            .collect();
        let mut plan = Plan {
            mentioned,
            mentioning,
            c_functions,
            keep,
            unscanned: Vec::new(),
            quiet,
        };
        plan.unscanned = (0..plan.keep.len()).filter(|&i| plan.keep[i]).collect();
        plan.keep_called_c_functions();
        plan
    }

    /// The C functions the kept bodies call, one level down: their summaries say whether
    /// they read through a pointer they are given before checking it. Only C functions
    /// take pointers; a `def` function given one is rare enough. Each round looks at the
    /// bodies kept since the last (the C functions kept by a round, at the next), so a
    /// chain of helpers kept one per round stays linear.
    ///
    /// Below a quiet helper (one returning a C value with no `raise`), all the way down:
    /// whether it raises through a Python call of a helper it calls (`outer` -> `middle`
    /// -> `inner`, which calls `obj.compute()`) is in the summaries of that chain.
    fn keep_called_c_functions(&mut self) {
        let mut scanned = std::mem::take(&mut self.unscanned);
        while !scanned.is_empty() {
            let mut quiet_callees = Vec::new();
            for index in scanned {
                for name in &self.mentioned[index] {
                    for &callee in self.c_functions.get(name).into_iter().flatten() {
                        if !self.keep[callee] {
                            self.keep[callee] = true;
                            self.unscanned.push(callee);
                            if self.quiet[callee] {
                                quiet_callees.push(callee);
                            }
                        }
                    }
                }
            }
            scanned = quiet_callees;
        }
    }

    fn keep_callers_of<'h>(&mut self, helpers: impl Iterator<Item = &'h [u8]>) -> bool {
        let mut added = false;
        for helper in helpers {
            for &index in self.mentioning.get(helper).into_iter().flatten() {
                if !self.keep[index] {
                    self.keep[index] = true;
                    self.unscanned.push(index);
                    added = true;
                }
            }
        }
        if added {
            self.keep_called_c_functions();
        }
        added
    }
}

/// Keeps the methods that assign an attribute their class's `__dealloc__` mentions
/// (`close()` setting `self.closed = True`): the class model reads the flags a
/// method leaves, even in a method that names no allocator.
fn keep_flag_setters(bodies: &[PlannedBody<'_, '_>], source: &str, keep: &mut [bool]) {
    let mut read_by_dealloc: HashMap<&str, HashSet<&str>> = HashMap::new();
    for body in bodies {
        let (Some(class), b"__dealloc__" | b"__del__") = (body.class, body.name) else {
            continue;
        };
        let body = &source[body.span.start..body.span.end];
        let attributes = read_by_dealloc.entry(class).or_default();
        for (at, _) in body.match_indices("self.") {
            let rest = &body[at + 5..];
            let end = rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            if end > 0 {
                attributes.insert(&rest[..end]);
            }
        }
    }
    if read_by_dealloc.is_empty() {
        return;
    }
    for (index, body) in bodies.iter().enumerate() {
        let Some(attributes) = body.class.and_then(|c| read_by_dealloc.get(c)) else {
            continue;
        };
        if keep[index] {
            continue;
        }
        let body = &source[body.span.start..body.span.end];
        keep[index] = body.match_indices("self.").any(|(at, _)| {
            let rest = &body[at + 5..];
            let end = rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            let after = rest[end..].trim_start_matches([' ', '\t']);
            attributes.contains(&rest[..end]) && after.starts_with('=') && !after.starts_with("==")
        });
    }
}

/// Whether a text mentions any of the names, or C++ `new`: a file that mentions no
/// allocator or deallocator has no block to follow, and is not lowered at all.
pub fn mentions_any(text: &str, names: &HashSet<String>) -> bool {
    let wanted: FastSet<&[u8]> = names
        .iter()
        .map(|n| n.as_bytes())
        .chain([b"new".as_slice()])
        .collect();
    // Most words of most files fail on their first byte or length: test those before
    // hashing (this runs over every file).
    let prefilter = WordPrefilter::of(wanted.iter().copied());
    identifiers(text).any(|word| prefilter.may_hold(word) && wanted.contains(word))
}

/// The first bytes and lengths of a set of words: most words of a text fail on one of
/// them, which is cheaper than hashing the word to look it up.
struct WordPrefilter {
    first_bytes: [bool; 256],
    lengths: [bool; 64],
}

impl WordPrefilter {
    fn of<'w>(words: impl Iterator<Item = &'w [u8]>) -> WordPrefilter {
        let mut prefilter = WordPrefilter {
            first_bytes: [false; 256],
            lengths: [false; 64],
        };
        for word in words {
            // An empty word (the module's name) is never an identifier.
            if let Some(&first) = word.first() {
                prefilter.first_bytes[first as usize] = true;
                prefilter.lengths[word.len().min(63)] = true;
            }
        }
        prefilter
    }

    /// False only for a word that is none of them; `word` is not empty.
    fn may_hold(&self, word: &[u8]) -> bool {
        self.first_bytes[word[0] as usize] && self.lengths[word.len().min(63)]
    }
}

/// Sets of short names hashed with FNV-1a: hashing every word of every function with
/// SipHash cost more than the lowering it saves.
type FastSet<T> = HashSet<T, crate::ir::FnvBuild>;

/// The identifier-shaped words of a text (strings and comments included: a superset is
/// harmless here). Bytes, not chars: non-ASCII bytes count as identifier bytes.
///
/// A loop over a table of byte classes: this runs over every byte of every file that is
/// looked at, and `split` and `filter` over closures cost about three times as much.
pub(crate) fn identifiers(text: &str) -> Identifiers<'_> {
    Identifiers {
        bytes: text.as_bytes(),
        at: 0,
    }
}

/// The iterator [`identifiers`] gives.
pub(crate) struct Identifiers<'t> {
    bytes: &'t [u8],
    at: usize,
}

/// Per byte: 0 splits words, [`WORD_START`] may start one, [`WORD_DIGIT`] continues one
/// (and starts a number, which is no identifier).
const WORD_START: u8 = 1;
const WORD_DIGIT: u8 = 2;
static WORD_BYTES: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let byte = b as u8;
        table[b] = if byte.is_ascii_digit() {
            WORD_DIGIT
        } else if byte.is_ascii_alphabetic() || byte == b'_' || byte >= 0x80 {
            WORD_START
        } else {
            0
        };
        b += 1;
    }
    table
};

impl<'t> Iterator for Identifiers<'t> {
    type Item = &'t [u8];

    fn next(&mut self) -> Option<&'t [u8]> {
        let bytes = self.bytes;
        let mut at = self.at;
        loop {
            // Skip to a word.
            while at < bytes.len() && WORD_BYTES[bytes[at] as usize] == 0 {
                at += 1;
            }
            if at >= bytes.len() {
                self.at = at;
                return None;
            }
            let start = at;
            at += 1;
            while at < bytes.len() && WORD_BYTES[bytes[at] as usize] != 0 {
                at += 1;
            }
            if WORD_BYTES[bytes[start] as usize] == WORD_START {
                self.at = at;
                return Some(&bytes[start..at]);
            }
        }
    }
}

/// Calls `visit` on the parts of a definition that are not inside a nested definition,
/// in order, so that their texts together are the definition's own words: the walk
/// enters only nodes that may hold a definition (statements with a body, `ERROR`), and
/// those whose text holds a backslash (a string's escape sequences are leaves of their
/// own: `"\nmalloc"` says `malloc`); any other node is visited whole. Entering every
/// expression down to its leaves cost more than the rest of the lowering.
///
/// A Python compound statement that holds no definition ([`defines_nothing`]) is visited
/// whole too when its text is ASCII: the gaps between its parts are then blanks and
/// comments, which split words as visiting the parts one by one does, and a cursor's
/// steps through its parts cost several hundred instructions each.
pub(crate) fn for_own_parts(definition: Node<'_>, source: &str, visit: &mut impl FnMut(Node<'_>)) {
    let mut cursor = definition.walk();
    loop {
        let node = cursor.node();
        let nested = node != definition && is_definition(node);
        let kind = node.kind_name();
        // The kind first: a block's text is all of its statements, scanned at each level.
        let whole = !nested
            && node != definition
            && if may_hold_definitions(kind) {
                let text = text(node, source);
                defines_nothing(node, kind, text) && text.is_ascii() && !text.contains('\\')
            } else {
                !text(node, source).contains('\\')
            };
        if !nested && !whole && cursor.goto_first_child() {
            continue;
        }
        if !nested {
            visit(node);
        }
        if node == definition {
            return;
        }
        if cursor.goto_next_sibling() {
            continue;
        }
        loop {
            if !cursor.goto_parent() || cursor.node() == definition {
                return;
            }
            if cursor.goto_next_sibling() {
                break;
            }
        }
    }
}

/// The kinds of node a definition can lie inside (from the grammar's node types), and
/// `ERROR`, which may hold anything.
fn may_hold_definitions(kind: &str) -> bool {
    is_definition_kind(kind)
        || matches!(
            kind,
            "module"
                | "block"
                | "ERROR"
                | "if_statement"
                | "elif_clause"
                | "else_clause"
                | "for_statement"
                | "for_from_statement"
                | "while_statement"
                | "try_statement"
                | "except_clause"
                | "except_group_clause"
                | "finally_clause"
                | "with_statement"
                | "match_statement"
                | "case_clause"
                | "extern_block"
                | "cdef_block"
                | "compile_time_if"
                | "compile_time_elif_clause"
                | "compile_time_else_clause"
                | "cppclass_declaration"
                | "struct_declaration"
                | "enum_declaration"
                | "fused_type_declaration"
                | "property_block"
        )
}

/// Whether `node` (of kind `kind`, text `text`) is a Python compound statement or clause
/// that holds no definition, so that the walks looking for definitions need not enter
/// it: its text says neither `def` nor `class`, and it parsed without error. A definition
/// says one of them (`def`, `cdef`, `cpdef`, `class`), but for the declarations of a C
/// block (an extern function, `cppclass`), which stand in a block opened by `cdef`,
/// `cpdef` or `ctypedef`: within these statements, after one of those words.
fn defines_nothing(node: Node<'_>, kind: &str, text: &str) -> bool {
    matches!(
        kind,
        "if_statement"
            | "elif_clause"
            | "else_clause"
            | "for_statement"
            | "for_from_statement"
            | "while_statement"
            | "try_statement"
            | "except_clause"
            | "except_group_clause"
            | "finally_clause"
            | "with_statement"
            | "match_statement"
            | "case_clause"
    ) && !node.has_error()
        && !text.contains("def")
        && !text.contains("class")
}

/// Whether a `case` clause's pattern matches whatever the subject is: the wildcard `_`,
/// a capture (a bare name), either of them under `as` or in parentheses, or an
/// alternative (`1 | _`) holding one. Several comma-separated patterns form a sequence
/// pattern, which only sequences match.
fn case_matches_every_subject(case: Node<'_>) -> bool {
    let mut cursor = case.walk();
    let patterns: Vec<Node<'_>> = case
        .named_children(&mut cursor)
        .filter(|child| child.kind_name() == "case_pattern")
        .collect();
    let [pattern] = patterns[..] else {
        return false;
    };
    let mut pending = vec![pattern];
    while let Some(pattern) = pending.pop() {
        let mut cursor = pattern.walk();
        let children: Vec<Node<'_>> = pattern.children(&mut cursor).collect();
        let named: Vec<Node<'_>> = children.iter().copied().filter(|c| c.is_named()).collect();
        match pattern.kind_name() {
            "case_pattern" => match named[..] {
                [] => return children.iter().any(|child| child.kind_name() == "_"),
                [inner] => pending.push(inner),
                _ => {}
            },
            // `case x:`; `case Color.RED:` (a dotted name) compares with a value.
            "dotted_name" if named.len() == 1 => return true,
            // `case p as name:`: its first child is the pattern.
            "as_pattern" => pending.extend(named.first().copied()),
            "union_pattern" => {
                if children.iter().any(|child| child.kind_name() == "_") {
                    return true;
                }
                pending.extend(named);
            }
            // `case (x):` groups; `case (x,):` is a sequence pattern.
            "tuple_pattern" if !children.iter().any(|child| child.kind_name() == ",") => {
                pending.extend(named.first().filter(|_| named.len() == 1).copied());
            }
            _ => {}
        }
    }
    false
}

fn is_definition(node: Node<'_>) -> bool {
    is_definition_kind(node.kind_name())
}

fn is_definition_kind(kind: &str) -> bool {
    matches!(
        kind,
        "function_definition"
            | "cdef_function"
            | "class_definition"
            | "cdef_class"
            | "decorated_definition"
    )
}

fn node_span(node: Node<'_>) -> Span {
    Span::new(node.start_byte(), node.end_byte())
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Scope<'t> {
    Class(Node<'t>),
    Function,
}

/// The module node and every function body in the file, each with the class whose method
/// it is. Classes are recorded in `module` on the way.
fn find_bodies<'t>(
    root: Node<'t>,
    source: &str,
    module: &mut Module,
    decorated: &mut HashMap<usize, Node<'t>>,
) -> Vec<(Node<'t>, Option<String>)> {
    let mut found = vec![(root, None)];
    let mut scopes: Vec<(usize, Scope<'t>)> = Vec::new();
    let mut cursor = root.walk();
    let mut depth = 0usize;
    // The decorators (`@cython.cclass`) of decorated definitions, by definition node.
    let mut decorators: std::collections::HashMap<usize, String> = Default::default();
    // The depth of the statement whose expressions the walk is inside, if any.
    let mut inside_expression: Option<usize> = None;
    loop {
        let node = cursor.node();
        let kind = node.kind_name();
        if kind == "decorated_definition" {
            let mut names = String::new();
            let mut inner = node.walk();
            for decorator in node.named_children(&mut inner) {
                if decorator.kind_name() == "decorator" {
                    names.push_str(text(decorator, source));
                }
            }
            if let Some(definition) = node.field("definition") {
                decorators.insert(definition.id(), names);
                decorated.insert(definition.id(), node);
            }
        }
        let is_body = match kind {
            "function_definition" | "lambda" => true,
            "cdef_function" => node.field("body").is_some(),
            _ => false,
        };
        if is_body {
            let class = match scopes.last() {
                Some((_, Scope::Class(class))) => {
                    class.field("name").map(|n| text(n, source).to_string())
                }
                _ => None,
            };
            found.push((node, class));
        }
        if matches!(kind, "class_definition" | "cdef_class") {
            let decorated = decorators.get(&node.id()).map_or("", String::as_str);
            module
                .classes
                .push(class_declaration(node, source, decorated));
        }
        // Expressions hold no bodies but lambdas: a statement's expressions are entered
        // only when its text mentions one; nor does a compound statement whose text
        // names no definition and no lambda.
        let enter = if inside_expression.is_some() {
            true
        } else if holds_statements(kind) {
            let text = text(node, source);
            !defines_nothing(node, kind, text) || text.contains("lambda")
        } else if text(node, source).contains("lambda") {
            inside_expression = Some(depth);
            true
        } else {
            false
        };
        if enter && cursor.goto_first_child() {
            if matches!(kind, "class_definition" | "cdef_class") {
                scopes.push((depth, Scope::Class(node)));
            } else if opens_scope(kind) {
                scopes.push((depth, Scope::Function));
            }
            depth += 1;
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return found;
            }
            depth -= 1;
            if scopes.last().is_some_and(|&(d, _)| d == depth) {
                scopes.pop();
            }
            if inside_expression == Some(depth) {
                inside_expression = None;
            }
        }
    }
}

/// The attributes a class body declares: `cdef double* data` (also inside `cdef:`
/// blocks) and pure-Python `data: cython.p_double`.
fn class_declaration(node: Node<'_>, source: &str, decorators: &str) -> Class {
    let name_node = node.field("name");
    let base = node.field("superclasses").and_then(|list| {
        let mut cursor = list.walk();
        let first = list.named_children(&mut cursor).next();
        first.map(|n| text(n, source).to_string())
    });
    let mut attributes = Vec::new();
    if let Some(body) = node.field("body") {
        let mut pending = vec![body];
        while let Some(container) = pending.pop() {
            let mut cursor = container.walk();
            for child in container.named_children(&mut cursor) {
                match child.kind_name() {
                    "c_variable_declaration" => {
                        let mut inner = child.walk();
                        for declarator in child.fields("declarator", &mut inner) {
                            if let Some(name) = declarator_name(declarator) {
                                attributes.push((text(name, source).to_string(), node_span(name)));
                            }
                        }
                    }
                    "cdef_block" => {
                        if let Some(body) = child.field("body") {
                            pending.push(body);
                        }
                    }
                    "expression_statement" => {
                        if let Some(assignment) = child.named_child(0) {
                            if assignment.kind_name() == "assignment"
                                && assignment.field("type").is_some()
                                && assignment.field("right").is_none()
                            {
                                if let Some(left) = assignment.field("left") {
                                    if left.kind_name() == "identifier" {
                                        attributes.push((
                                            text(left, source).to_string(),
                                            node_span(left),
                                        ));
                                    }
                                }
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    attributes.sort_by_key(|(_, span)| *span);
    Class {
        name: name_node
            .map(|n| text(n, source).to_string())
            .unwrap_or_default(),
        name_span: name_node.map(node_span).unwrap_or_else(|| node_span(node)),
        base,
        base_origin: None,
        attributes,
        is_extension_type: node.kind_name() == "cdef_class" || decorators.contains("cclass"),
        used_attributes: self_attributes(text(node, source)),
    }
}

/// The names after `self.` in a class's text, without repeats.
fn self_attributes(class_text: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    let mut seen: HashSet<&str> = HashSet::new();
    let mut rest = class_text;
    while let Some(at) = rest.find("self.") {
        let before = rest[..at].chars().next_back();
        rest = &rest[at + "self.".len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let end = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        let name = &rest[..end];
        if !name.is_empty() && seen.insert(name) {
            names.push(name.to_string());
        }
    }
    names
}

/// Whether a declarator declares a plain pointer (`*s`, `**pp`): not an array of
/// pointers, a function pointer or a pointer hidden behind a typedef.
fn plain_pointer(declarator: Node<'_>) -> bool {
    let mut cursor = declarator.walk();
    let mut pointers = 0;
    for child in declarator.named_children(&mut cursor) {
        match child.kind_name() {
            "pointer_declarator" => pointers += 1,
            "identifier" => {}
            _ => return false,
        }
    }
    declarator.kind_name() == "c_declarator" && pointers > 0
}

/// The identifier a `c_declarator` declares, under its pointer and array parts.
pub(crate) fn declarator_name(declarator: Node<'_>) -> Option<Node<'_>> {
    if let Some(name) = declarator.field("name") {
        return Some(name);
    }
    let mut node = declarator;
    // Pointer and array declarators wrap the name C-style; unwrap them without recursion.
    for _ in 0..MAX_NESTING {
        if node.kind_name() == "identifier" {
            return Some(node);
        }
        if let Some(name) = node.field("name") {
            return Some(name);
        }
        node = node.field("declarator").or_else(|| {
            let mut cursor = node.walk();
            let child = node.named_children(&mut cursor).next();
            child
        })?;
    }
    None
}

/// Types that make a variable a Python object, whatever it is assigned.
/// Whether a C type names an integer (`int`, `unsigned long`, `Py_ssize_t`, `size_t`,
/// `uint32_t`, `npy_intp`): a count that `if n:` tests.
pub(super) fn is_integer_type(written: &str) -> bool {
    let words: Vec<&str> = written.split_whitespace().collect();
    !words.is_empty()
        && words.iter().all(|word| {
            let word = word.rsplit('.').next().unwrap_or(word);
            matches!(
                word,
                "int"
                    | "long"
                    | "short"
                    | "unsigned"
                    | "signed"
                    | "size_t"
                    | "ssize_t"
                    | "Py_ssize_t"
                    | "Py_hash_t"
                    | "npy_intp"
                    | "intp_t"
                    | "intptr_t"
                    | "uintptr_t"
                    | "Py_intptr_t"
                    | "Py_uintptr_t"
            ) || (word.starts_with("int") || word.starts_with("uint"))
                && word.ends_with("_t")
                && word
                    .trim_start_matches('u')
                    .trim_start_matches("int")
                    .trim_end_matches("_t")
                    .chars()
                    .all(|c| c.is_ascii_digit())
        })
}

/// Whether an integer type (see [`is_integer_type`]) is unsigned: `unsigned int`,
/// `size_t`, `uint32_t`, `uintptr_t`.
fn is_unsigned_type(written: &str) -> bool {
    written.split_whitespace().any(|word| {
        let word = word.rsplit('.').next().unwrap_or(word);
        word == "unsigned"
            || word == "size_t"
            || word == "Py_uintptr_t"
            || (word.starts_with("uint") && word.ends_with("_t"))
    })
}

/// A Python type whose instances iterate as many items as `len` counts.
fn is_sized_type(name: &str) -> bool {
    is_python_type(name) && name.trim() != "object"
}

/// A type's text with its blanks collapsed (`unsigned  long` is `unsigned long`).
fn collapse_blanks(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A C character type (`char`, `const unsigned char`, `Py_UNICODE`), whose pointers
/// Cython converts to a Python string by copying.
fn is_character_type(name: &str) -> bool {
    let name = collapse_blanks(name);
    let name = name.strip_prefix("const ").unwrap_or(&name);
    matches!(
        name,
        "char" | "signed char" | "unsigned char" | "Py_UNICODE"
    )
}

/// `char*`, `const char *`: a single pointer to a C character type.
fn is_string_pointer_type(text: &str) -> bool {
    text.trim()
        .strip_suffix('*')
        .map(str::trim_end)
        .is_some_and(|base| !base.ends_with('*') && is_character_type(base))
}

fn is_python_type(name: &str) -> bool {
    matches!(
        name.trim(),
        "object"
            | "list"
            | "dict"
            | "tuple"
            | "set"
            | "frozenset"
            | "bytes"
            | "str"
            | "unicode"
            | "bytearray"
    )
}

#[derive(Debug)]
/// Why a function's lowering was given up.
struct TooDeep(String);

type Lowered<T> = Result<T, TooDeep>;

/// A test of a local count against zero (see `Lowerer::count_test`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CountTest {
    /// `n > 0`.
    Positive,
    /// `n != 0`, `if n:`.
    NonZero,
    /// `n == 0`.
    Zero,
}

/// The ghost flags of a local count `n`: places inside `n` standing for `n > 0` and
/// `n != 0`, which the tests of `n` set and compare.
#[derive(Clone, Copy, Debug)]
struct GhostFlags {
    positive: PlaceId,
    nonzero: PlaceId,
    /// An unsigned count (`size_t n`): `n > 0` and `n != 0` are one fact.
    unsigned: bool,
}

/// The attributes of a view (a memoryview, a NumPy array) that describe it rather than
/// read the memory it views.
const VIEW_METADATA: &[&str] = &[
    "shape", "ndim", "size", "strides", "dtype", "itemsize", "nbytes", "base", "flags",
];

const POSITIVE: &str = "(> 0)";
const NONZERO: &str = "(!= 0)";

/// Where `return`, `raise`, `break` and `continue` go: through enclosing `finally` bodies.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Exit {
    Raise,
    /// `GeneratorExit` raised at a `yield` when the generator is closed: only the handlers
    /// that catch it (`except:`, `except BaseException`, `except GeneratorExit`) take it,
    /// not `except Exception`.
    GeneratorClosed,
    Return,
    /// `return -1` in a function declared `except -1`: the caller sees an exception, but
    /// here it is a return, which runs `finally` bodies and never enters an `except`.
    ErrorReturn,
    /// Break or continue to a loop's target, crossing the frames above `floor`.
    Jump {
        target: BlockId,
        floor: usize,
    },
}

enum Frame {
    /// A `try` with handlers or a `finally`: where its body's exceptions go, and (made
    /// when a `yield` in the body needs it) where a `GeneratorExit` raised at one goes.
    Try {
        dispatch: BlockId,
        generator_exit: Option<BlockId>,
    },
    /// A `finally`: abrupt exits enter its abrupt copy, then continue to these targets.
    Finally {
        abrupt_entry: BlockId,
        targets: Vec<BlockId>,
    },
}

struct LoopTargets {
    continue_to: BlockId,
    break_to: BlockId,
    frames: usize,
    /// `for i in range(n)`: the variable and the range as written (blanks removed).
    index: Option<LoopIndex>,
}

/// What a `for i in range(...)` loop does with the elements `a[i]` of pointer arrays.
#[derive(Clone, Debug)]
struct LoopIndex {
    variable: String,
    range: String,
    /// The body assigned the variable itself so far: `a[i]` is not the turn's element
    /// any more (an assignment after the test is harmless: each turn rebinds it).
    reassigned: bool,
    /// `a[...]` for each `a[i]` the body tests against NULL, with the test's span.
    tested: Vec<(PlaceId, Span)>,
}

struct Lowerer<'a> {
    source: &'a str,
    names: &'a ModuleNames,
    locals: HashSet<String>,
    /// Locals declared with a C type (`cdef Foo* x`, a typed parameter): the others are
    /// Python objects, and `del` of one unbinds it.
    c_typed: HashSet<String>,
    /// Untyped locals assigned `new T()`: Cython infers a pointer type for them.
    cpp_new_locals: HashSet<String>,
    /// Locals and parameters declared with a C integer type (`cdef Py_ssize_t n`, `int
    /// count`): `if n:` tests a count, not a pointer.
    integers: HashSet<String>,
    /// The locals among `integers` of an unsigned type (`size_t`, `unsigned int`).
    unsigned: HashSet<String>,
    /// The declared type of each of `integers`, blanks collapsed.
    integer_types: HashMap<String, String>,
    /// The ghost places made inside each local (count flags and guard tokens).
    ghosts: HashMap<String, Vec<PlaceId>>,
    /// `m = n` of two locals, as (copy, source): see `count_guards`.
    copies: Vec<(String, String)>,
    /// The conjunctions of count tests the conditions lowered so far checked.
    compounds: Vec<Compound>,
    /// The conjunction of the condition being lowered, step by step.
    compound_steps: Vec<CompoundStep>,
    /// Locals declared with a Python sequence type whose length is what it iterates
    /// (`list xs`, `tuple`, `dict`, `bytes`, ...).
    sequences: HashSet<String>,
    /// `n = len(xs)` anywhere in the function, as (count, sequence): see `count_guards`.
    measured: Vec<(String, String)>,
    /// Locals declared with a Python object type (`cdef bytes msg`): a C pointer assigned
    /// to one is converted (`msg = buf` copies the string), so it holds no block.
    python_typed: HashSet<String>,
    /// Locals and parameters declared as a pointer to a C character (`char* s`, `const
    /// unsigned char* b`): a cast of one to a Python type (`<bytes>s`) copies the string.
    strings: HashSet<String>,
    /// Locals that carry pointers inside a value the analysis does not follow: an integer
    /// handle (`h = <size_t>p`), a struct or tuple literal (`b = {'data': p}`). Where the
    /// local leaves the function, so do the pointers' blocks (`Stmt::Escape`).
    carriers: HashMap<String, Vec<PlaceId>>,
    /// Locals assigned a view of a block's memory (`view = <double[:n]>p`, `arr =
    /// np.asarray(view)`): each is made a copy of the pointer, so that freeing the block
    /// leaves it dangling, and reading it is a use of the block.
    viewers: HashSet<String>,
    /// Locals holding the Cython array a memoryview cast makes over a pointer
    /// (`cdef view.array arr = <double[:n]>p`): the array's `data` is the pointer's block,
    /// which a `callback_free_data` set on it releases. A typed memoryview
    /// (`cdef double[:] mv = <double[:n]>p`) is a slice of that array, not the array.
    view_arrays: HashSet<String>,
    /// Locals declared with a plain type name (`cdef W w`): name and type.
    declared_types: Vec<(String, String)>,
    /// The declared type of each local or parameter that has one (`cdef Counter c = obj`,
    /// `Counter c`, pure-Python `c: Counter = ...`; a function pointer declared in place
    /// as `noexcept` gets [`crate::ir::names::NOEXCEPT_POINTER`]): the declaration, not the value
    /// assigned, says what a call through it can do.
    declared: HashMap<String, String>,
    f: Function,
    current: BlockId,
    loops: Vec<LoopTargets>,
    frames: Vec<Frame>,
    depth: usize,
    /// Inside `with nogil:` (or a `nogil` function): unknown callees are C functions.
    nogil: usize,
    /// The value a `cdef` function declared `except NULL` or `except -1` (no `?`) returns
    /// to signal an error: `return NULL` there propagates an exception, it does not
    /// return to the caller. Normalized as [`error_value_text`] writes it.
    error_value: Option<String>,
    /// `a[...]` with each range a `for i in range(...)` loop assigned every `a[i]` over.
    filled: Vec<(PlaceId, String)>,
}

/// The declared error value of a `cdef` function (`except -1`, `except NULL`): the text
/// without blanks or parentheses, when it is one the caller always tests (no `?`) and
/// a literal (`-1`, `0`, `NULL`).
fn declared_error_value(
    node: Node<'_>,
    decorated: Option<Node<'_>>,
    source: &str,
) -> Option<String> {
    let written = error_value_text(&exception_clause(node, decorated, source)?);
    let value = written.strip_prefix("except")?;
    let literal = value == "NULL"
        || value
            .strip_prefix('-')
            .unwrap_or(value)
            .chars()
            .all(|c| c.is_ascii_digit())
            && !value.is_empty()
            && value != "-";
    literal.then(|| value.to_string())
}

/// `except (-1)` as `except-1`, `- 1` as `-1`: an exception value or a returned
/// expression without blanks or parentheses.
fn error_value_text(written: &str) -> String {
    written
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '(' && *c != ')')
        .collect()
}

/// The name, kind and name span of a function body (or of the module's top-level code).
fn function_identity(node: Node<'_>, source: &str) -> (String, FunctionKind, Span) {
    match node.kind_name() {
        "module" => (
            "<module>".to_string(),
            FunctionKind::Module,
            Span::new(node.start_byte(), node.start_byte()),
        ),
        "lambda" => (
            "<lambda>".to_string(),
            FunctionKind::Lambda,
            Span::new(node.start_byte(), node.start_byte() + "lambda".len()),
        ),
        _ => {
            let name = node.field("name");
            let kind = if node.kind_name() == "cdef_function" {
                if source[node.start_byte()..].starts_with("cpdef") {
                    FunctionKind::Cpdef
                } else {
                    FunctionKind::Cdef
                }
            } else {
                FunctionKind::Def
            };
            (
                name.map(|n| text(n, source).to_string())
                    .unwrap_or_default(),
                kind,
                name.map(node_span).unwrap_or_else(|| node_span(node)),
            )
        }
    }
}

/// `name` for an accessor of an old-style `property name:` block (`__get__`, `__set__`,
/// `__del__`): its `__del__` is the deleter `del obj.name` runs, no finalizer, and the
/// accessors are no methods of the class by those names.
fn property_of<'s>(node: Node<'_>, source: &'s str) -> Option<&'s str> {
    let mut ancestor = node.parent();
    while let Some(outer) = ancestor {
        match outer.kind_name() {
            "property_block" => return outer.field("name").map(|name| text(name, source)),
            "class_definition" | "cdef_class" | "function_definition" | "cdef_function" => {
                return None
            }
            _ => ancestor = outer.parent(),
        }
    }
    None
}

/// [`property_of`] for a function named like an accessor. Only an accessor's name asks
/// for its ancestors: walking up from every function is quadratic in the nesting depth
/// (tree-sitter finds a parent from the root).
fn accessor_property<'s>(node: Node<'_>, source: &'s str) -> Option<&'s str> {
    let name = node.field("name").map(|name| text(name, source))?;
    match name {
        "__get__" | "__set__" | "__del__" => property_of(node, source),
        _ => None,
    }
}

/// Whether a `decorated_definition` is a property's setter (`@name.setter`).
fn is_property_setter(decorated: Option<Node<'_>>, source: &str) -> bool {
    let Some(decorated) = decorated else {
        return false;
    };
    let mut cursor = decorated.walk();
    let setter = decorated
        .named_children(&mut cursor)
        .filter(|child| child.kind_name() == "decorator")
        .any(|decorator| {
            let written = text(decorator, source).trim_start_matches('@').trim();
            written
                .strip_suffix(".setter")
                .is_some_and(|property| !property.is_empty() && !property.contains(['(', ' ']))
        });
    setter
}

/// `decorated` is the `decorated_definition` around `node`, if any.
fn lower_function(
    node: Node<'_>,
    decorated: Option<Node<'_>>,
    class: Option<String>,
    source: &str,
    names: &ModuleNames,
    classes: &Module,
) -> Lowered<Function> {
    let (name, kind, name_span) = function_identity(node, source);
    let name = match accessor_property(node, source) {
        Some(property) => format!("{property}.{name}"),
        // `@name.setter def name(self, value)`: the old-style `property name:` block's
        // `__set__`, not a second method `name` beside the getter.
        None if is_property_setter(decorated, source) => format!("{name}.__set__"),
        None => name,
    };
    let mut function = Function::new(name, kind, node_span(node), name_span);
    let is_c_function = matches!(kind, FunctionKind::Cdef | FunctionKind::Cpdef);
    // A `def` declares one only through `@cython.exceptval`, which makes it a C function.
    let declares = is_c_function || kind == FunctionKind::Def;
    if declares && declared_noexcept(node, decorated, source) == Some(true) {
        function.exception_spec = ExceptionSpec::NoExcept;
    }
    let nogil = usize::from(is_c_function && declared_nogil(node, source));
    // A method knows every attribute its class (and the bases in this file) declares,
    // so the ownership of `self.data` can be followed even where the method only calls a
    // helper that frees it.
    if let Some(class) = &class {
        for declared in classes.class_chain(class) {
            let declared_names = declared.attributes.iter().map(|(name, _)| name);
            for attribute in declared_names.chain(&declared.used_attributes) {
                function.intern(Place {
                    root: "self".to_string(),
                    path: vec![Projection::Field(attribute.clone())],
                });
            }
        }
    }
    function.class = class;
    function.error_value = declared_error_value(node, decorated, source);
    let error_value = function.error_value.clone();
    let mut lowerer = Lowerer {
        source,
        names,
        locals: HashSet::new(),
        c_typed: HashSet::new(),
        cpp_new_locals: HashSet::new(),
        integers: HashSet::new(),
        unsigned: HashSet::new(),
        integer_types: HashMap::new(),
        ghosts: HashMap::new(),
        copies: Vec::new(),
        compounds: Vec::new(),
        compound_steps: Vec::new(),
        sequences: HashSet::new(),
        measured: Vec::new(),
        python_typed: HashSet::new(),
        strings: HashSet::new(),
        carriers: HashMap::new(),
        viewers: HashSet::new(),
        view_arrays: HashSet::new(),
        declared_types: Vec::new(),
        declared: HashMap::new(),
        current: function.entry,
        f: function,
        loops: Vec::new(),
        frames: Vec::new(),
        depth: 0,
        error_value,
        nogil,
        filled: Vec::new(),
    };
    lowerer.collect_locals(node);
    for (local, declared) in std::mem::take(&mut lowerer.declared_types) {
        if classes
            .class(&declared)
            .is_some_and(|class| class.is_extension_type)
        {
            lowerer.f.instances.insert(local, declared);
        }
    }
    if kind == FunctionKind::Module {
        lowerer.lower_statements(node)?;
    } else if kind == FunctionKind::Lambda {
        if let Some(body) = node.field("body") {
            let value = lowerer.expr(body)?;
            let span = node_span(body);
            lowerer.push(Stmt::Return { value, span });
        }
    } else if let Some(body) = node.field("body") {
        lowerer.lower_statements(body)?;
        // Falling off the end returns `None`: a return like any other, so the state where
        // the function returns normally (not where it raises) is known.
        let end = node.end_byte();
        lowerer.push(Stmt::Return {
            value: Value::Other,
            span: Span::new(end, end),
        });
    }
    let exit = lowerer.f.return_exit;
    lowerer.goto(exit);
    let mut function = lowerer.f;
    function.drop_address_taken_from_steady();
    function.shrink_to_fit();
    Ok(function)
}

impl<'a> Lowerer<'a> {
    fn text(&self, node: Node<'_>) -> &'a str {
        text(node, self.source)
    }

    fn enter(&mut self) -> Lowered<()> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(TooDeep(NESTED_TOO_DEEPLY.to_string()));
        }
        if self.f.blocks.len() > MAX_BLOCKS {
            return Err(TooDeep(format!(
                "is too large to analyze (more than {MAX_BLOCKS} blocks)"
            )));
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    fn new_block(&mut self) -> BlockId {
        self.f.new_block()
    }

    fn push(&mut self, stmt: Stmt) {
        self.f.blocks[self.current.0 as usize].stmts.push(stmt);
    }

    /// Adds `to` to where an open block (one not ended by a call, a raise or an exit) may
    /// go: a first edge is a `Goto`, more make a `Switch`.
    fn edge(&mut self, from: BlockId, to: BlockId) {
        let terminator = &mut self.f.blocks[from.0 as usize].terminator;
        match terminator {
            Terminator::Unreachable => *terminator = Terminator::Goto(to),
            Terminator::Goto(first) if *first != to => {
                *terminator = Terminator::Switch(vec![*first, to]);
            }
            Terminator::Switch(targets) if !targets.contains(&to) => targets.push(to),
            Terminator::Goto(_) | Terminator::Switch(_) => {}
            Terminator::Call { .. }
            | Terminator::Raise(_)
            | Terminator::Return
            | Terminator::Unwind => {
                debug_assert!(false, "edge from a closed block {from:?}");
            }
        }
    }

    /// Ends the current block with an edge to `target`; what follows is unreachable
    /// until something jumps to it.
    fn goto(&mut self, target: BlockId) {
        self.edge(self.current, target);
        self.current = self.new_block();
    }

    /// Continues in `block`, reached from the current block.
    fn fall_into(&mut self, block: BlockId) {
        self.edge(self.current, block);
        self.current = block;
    }

    fn place(&mut self, place: Place) -> PlaceId {
        self.f.intern(place)
    }

    /// Where an abrupt exit of this kind goes from inside the frames below `upto`.
    fn exit_target(&mut self, upto: usize, exit: Exit) -> BlockId {
        let floor = match exit {
            Exit::Jump { floor, .. } => floor,
            _ => 0,
        };
        for index in (floor..upto).rev() {
            match &self.frames[index] {
                Frame::Try { dispatch, .. } if exit == Exit::Raise => return *dispatch,
                Frame::Try { generator_exit, .. } if exit == Exit::GeneratorClosed => {
                    if let Some(dispatch) = generator_exit {
                        return *dispatch;
                    }
                    let dispatch = self.new_block();
                    if let Frame::Try { generator_exit, .. } = &mut self.frames[index] {
                        *generator_exit = Some(dispatch);
                    }
                    return dispatch;
                }
                Frame::Finally { abrupt_entry, .. } => {
                    let entry = *abrupt_entry;
                    let outer = self.exit_target(index, exit);
                    if let Frame::Finally { targets, .. } = &mut self.frames[index] {
                        if !targets.contains(&outer) {
                            targets.push(outer);
                        }
                    }
                    return entry;
                }
                _ => {}
            }
        }
        match exit {
            Exit::Raise | Exit::GeneratorClosed | Exit::ErrorReturn
                if self.f.exception_spec == ExceptionSpec::Propagates =>
            {
                self.f.unwind_exit
            }
            Exit::Raise | Exit::GeneratorClosed | Exit::ErrorReturn | Exit::Return => {
                self.f.return_exit
            }
            Exit::Jump { target, .. } => target,
        }
    }

    /// Ends the current block with a raise; a block that already branches (a handler
    /// dispatch that no clause catches everything in) gets the raise as one more way out.
    fn raise(&mut self) {
        self.raise_by(Exit::Raise);
    }

    /// As [`Self::raise`], for a raise (`Exit::Raise`) or an error return
    /// (`Exit::ErrorReturn`).
    fn raise_by(&mut self, exit: Exit) {
        self.push(Stmt::Raise);
        let target = self.exit_target(self.frames.len(), exit);
        let block = &mut self.f.blocks[self.current.0 as usize];
        if block.terminator == Terminator::Unreachable {
            block.terminator = Terminator::Raise(target);
            self.current = self.new_block();
        } else {
            self.goto(target);
        }
    }

    /// Whether a call of this function can raise (see the module documentation).
    fn can_raise(&self, callee: &Callee) -> bool {
        match callee {
            Callee::External { name, module: None } => self.names.extern_raises(name),
            Callee::External {
                name,
                module: Some(module),
            } => {
                let root = module.trim_start_matches('.').split('.').next();
                module.starts_with('.')
                    || !root.is_some_and(|root| C_LIBRARIES.contains(&root))
                    || (root == Some("cpython") && RAISING_C_API.contains(&name.as_str()))
            }
            Callee::ModuleFunction(name) | Callee::Method(name) => !self.names.is_noexcept(name),
            Callee::Unbound(_) | Callee::Unknown => self.nogil == 0,
            Callee::CppNew => false,
        }
    }

    /// Names bound inside the function: they shadow module-level allocators.
    fn collect_locals(&mut self, function: Node<'_>) {
        let mut globals = HashSet::new();
        // What may change a local behind the statements on it: a nested definition's
        // `nonlocal`, a C++ reference bound to it.
        let mut nested = false;
        let mut references = false;
        let mut cursor = function.walk();
        if !cursor.goto_first_child() {
            return;
        }
        loop {
            let node = cursor.node();
            let kind = node.kind_name();
            // Bindings live in statements; expressions bind only through a walrus, so
            // they are entered only when their statement's text holds one.
            let mut descend = !opens_scope(kind)
                && kind != "module"
                && (holds_statements(kind)
                    || matches!(
                        kind,
                        "expression_statement"
                            | "with_clause"
                            | "with_item"
                            | "c_variable_declaration"
                            | "parameters"
                            | "lambda_parameters"
                    )
                    || self.text(node).contains(":=")
                    // `a = b = p`: the inner assignment binds `b`. The arm below binds
                    // the outer target; nothing else inside an assignment binds (a
                    // walrus is caught by its text above), and each child the cursor
                    // steps over costs a climb through the block's hidden nodes.
                    || (kind == "assignment"
                        && node
                            .field("right")
                            .is_some_and(|right| right.kind_name() == "assignment")));
            match kind {
                "assignment" | "augmented_assignment" | "for_statement" | "for_in_clause" => {
                    if let Some(left) = node.field("left") {
                        self.bind_pattern(left);
                        if let Some(right) = node.field("right") {
                            self.note_measured(left, right);
                        }
                        // `c: Counter = Counter()`: pure-Python mode's declaration.
                        if let (Some(annotation), "identifier") =
                            (node.field("type"), left.kind_name())
                        {
                            let declared = self.text(annotation).trim().to_string();
                            self.declared.insert(self.text(left).to_string(), declared);
                        }
                    }
                }
                "named_expression" | "c_parameter" => {
                    if let Some(name) = node.field("name") {
                        self.bind_pattern(name);
                    }
                }
                "c_declarator" => {
                    if let Some(name) = declarator_name(node) {
                        self.bind_pattern(name);
                        references |= self
                            .source
                            .get(node.start_byte()..name.end_byte())
                            .is_some_and(|declarator| declarator.contains('&'));
                        if let Some(value) = node.field("value") {
                            self.note_measured(name, value);
                        }
                        // The cursor knows the parent; `Node::parent` searches down from
                        // the root, a cost of the depth for every declaration.
                        let mut up = cursor.clone();
                        let declared = up
                            .goto_parent()
                            .then(|| up.node())
                            .and_then(|d| d.field("type"));
                        let typed = declared.is_some_and(|t| !is_python_type(self.text(t)));
                        references |= declared.is_some_and(|t| self.text(t).contains('&'));
                        if declared.is_some_and(|t| is_sized_type(self.text(t))) {
                            self.sequences.insert(self.text(name).to_string());
                        }
                        if typed {
                            self.c_typed.insert(self.text(name).to_string());
                        } else if declared.is_some() {
                            self.python_typed.insert(self.text(name).to_string());
                        }
                        let pointer = node
                            .named_child(0)
                            .is_some_and(|first| matches!(first.kind_name(), "pointer_declarator"));
                        let single_pointer = pointer
                            && node
                                .named_child(1)
                                .is_some_and(|second| second.id() == name.id());
                        if single_pointer
                            && declared.is_some_and(|t| is_character_type(self.text(t)))
                        {
                            self.strings.insert(self.text(name).to_string());
                        }
                        if declared.is_some_and(|t| is_integer_type(self.text(t))) && !pointer {
                            self.integers.insert(self.text(name).to_string());
                            self.integer_types.insert(
                                self.text(name).to_string(),
                                declared.map_or(String::new(), |t| collapse_blanks(self.text(t))),
                            );
                            if declared.is_some_and(|t| is_unsigned_type(self.text(t))) {
                                self.unsigned.insert(self.text(name).to_string());
                            }
                        }
                        if let (Some(declared), false) = (declared, pointer) {
                            self.declared_types.push((
                                self.text(name).to_string(),
                                self.text(declared).trim().to_string(),
                            ));
                            self.declared.insert(
                                self.text(name).to_string(),
                                self.text(declared).trim().to_string(),
                            );
                        }
                        if function_pointer_noexcept(node, self.source, false) == Some(true) {
                            self.declared.insert(
                                self.text(name).to_string(),
                                crate::ir::names::NOEXCEPT_POINTER.to_string(),
                            );
                        }
                    }
                }
                "parameters" | "lambda_parameters" => {
                    let mut inner = node.walk();
                    for param in node.named_children(&mut inner) {
                        let name = match param.kind_name() {
                            "identifier" => Some(param),
                            "c_parameter" => {
                                let name = param.field("name");
                                let python = param
                                    .field("type")
                                    .is_some_and(|t| is_python_type(self.text(t)));
                                if let (Some(name), false) = (name, python) {
                                    self.c_typed.insert(self.text(name).to_string());
                                }
                                let sized = param
                                    .field("type")
                                    .is_some_and(|t| is_sized_type(self.text(t)));
                                if let (Some(name), true) = (name, sized) {
                                    self.sequences.insert(self.text(name).to_string());
                                }
                                let declared = param.field("type").map(|t| self.text(t).trim());
                                if let (Some(name), Some(declared)) = (name, declared) {
                                    if is_string_pointer_type(declared) {
                                        self.strings.insert(self.text(name).to_string());
                                    }
                                    if !self.text(param).contains(['*', '[']) {
                                        self.declared.insert(
                                            self.text(name).to_string(),
                                            declared.to_string(),
                                        );
                                    }
                                }
                                let integer = param
                                    .field("type")
                                    .is_some_and(|t| is_integer_type(self.text(t)));
                                let declarator = name.map_or("", |name| self.text(name));
                                let plain = !self.text(param).contains(['*', '[']);
                                if integer && plain && !declarator.is_empty() {
                                    self.integers.insert(declarator.to_string());
                                    self.integer_types.insert(
                                        declarator.to_string(),
                                        param.field("type").map_or(String::new(), |t| {
                                            collapse_blanks(self.text(t))
                                        }),
                                    );
                                    let unsigned = param
                                        .field("type")
                                        .is_some_and(|t| is_unsigned_type(self.text(t)));
                                    if unsigned {
                                        self.unsigned.insert(declarator.to_string());
                                    }
                                }
                                name
                            }
                            _ => param.field("name").or_else(|| {
                                let mut c = param.walk();
                                let first = param
                                    .named_children(&mut c)
                                    .find(|n| n.kind_name() == "identifier");
                                first
                            }),
                        };
                        if let Some(name) = name {
                            let name = self.text(name).to_string();
                            self.f.params.push(name.clone());
                            self.locals.insert(name);
                        }
                    }
                    descend = false;
                }
                "as_pattern" | "except_clause" => {
                    if let Some(alias) = node.field("alias") {
                        self.bind_pattern(alias);
                    }
                }
                "global_statement" | "nonlocal_statement" => {
                    let mut inner = node.walk();
                    for name in node.named_children(&mut inner) {
                        globals.insert(self.text(name).to_string());
                    }
                }
                "function_definition" | "cdef_function" | "class_definition" | "cdef_class"
                    if node != function =>
                {
                    if let Some(name) = node.field("name") {
                        self.locals.insert(self.text(name).to_string());
                    }
                    nested = true;
                    // A nested function's parameters are its own.
                    descend = false;
                }
                _ => {}
            }
            if descend && cursor.goto_first_child() {
                continue;
            }
            loop {
                if cursor.goto_next_sibling() {
                    break;
                }
                if !cursor.goto_parent() || cursor.node() == function {
                    for name in globals {
                        self.locals.remove(&name);
                        self.f.globals.push(name);
                    }
                    self.f.globals.sort();
                    self.f.locals = self.locals.iter().cloned().collect();
                    self.f.locals.sort();
                    if !nested && !references {
                        self.f.steady = self.steady_candidates();
                    }
                    return;
                }
            }
        }
    }

    /// The locals of a C integer or boolean type, sorted (see [`Function::steady`]; the
    /// address-taken ones are left out once the body is lowered).
    fn steady_candidates(&self) -> Vec<String> {
        let boolean = |name: &String| {
            self.declared.get(name).is_some_and(|declared| {
                declared.split_whitespace().all(|word| {
                    let word = word.rsplit('.').next().unwrap_or(word);
                    matches!(word, "bint" | "char" | "signed" | "unsigned")
                })
            })
        };
        let mut steady: Vec<String> = self
            .locals
            .iter()
            .filter(|name| self.c_typed.contains(*name) && !self.python_typed.contains(*name))
            .filter(|name| {
                self.integers.contains(*name)
                    || boolean(name)
                    || self
                        .declared
                        .get(*name)
                        .is_some_and(|declared| self.names.is_integer_like(declared))
            })
            .cloned()
            .collect();
        steady.sort();
        steady
    }

    /// Records the identifiers a binding target names (`a`, `a, b`, `(a, *b)`).
    fn bind_pattern(&mut self, pattern: Node<'_>) {
        let mut pending = vec![pattern];
        while let Some(node) = pending.pop() {
            match node.kind_name() {
                "identifier" => {
                    self.locals.insert(self.text(node).to_string());
                }
                "pattern_list"
                | "tuple_pattern"
                | "list_pattern"
                | "expression_list"
                | "tuple"
                | "list"
                | "parenthesized_expression"
                | "list_splat_pattern"
                | "as_pattern_target" => {
                    let mut cursor = node.walk();
                    pending.extend(node.named_children(&mut cursor));
                }
                _ => {}
            }
        }
    }

    // ----- statements -----

    /// The statements of a block (or of the module), in order.
    fn lower_statements(&mut self, container: Node<'_>) -> Lowered<()> {
        // A level of its own besides its statement's: a nested block costs a thread's
        // stack the frames of both (a `try` in a debug build most), so 200 levels are
        // about 98 nested blocks, which is what the README says.
        self.enter()?;
        let mut cursor = container.walk();
        let children: Vec<Node<'_>> = container.named_children(&mut cursor).collect();
        for child in children {
            self.statement(child)?;
        }
        self.leave();
        Ok(())
    }

    fn statement(&mut self, node: Node<'_>) -> Lowered<()> {
        self.enter()?;
        match node.kind_name() {
            "expression_statement" => {
                let mut cursor = node.walk();
                let children: Vec<Node<'_>> = node.named_children(&mut cursor).collect();
                for child in children {
                    match child.kind_name() {
                        "assignment" => self.assignment(child)?,
                        "augmented_assignment" => self.augmented_assignment(child)?,
                        _ => {
                            self.expr(child)?;
                            self.after_call_statement(child);
                        }
                    }
                }
            }
            "return_statement" => {
                let signals_error = node.named_child(0).is_some_and(|value| {
                    self.error_value.as_deref() == Some(error_value_text(self.text(value)).as_str())
                });
                if signals_error {
                    // `return -1` in a function declared `except -1`: the caller sees the
                    // exception it propagates, not a return.
                    self.f.raises.push((self.current, node_span(node)));
                    self.raise_by(Exit::ErrorReturn);
                    return Ok(());
                }
                let value = match node.named_child(0) {
                    Some(value) => self.expr(value)?,
                    None => Value::Other,
                };
                if let Some(returned) = node.named_child(0) {
                    self.escape_carried(returned, node_span(node));
                    self.return_view(returned, node_span(node));
                }
                self.push(Stmt::Return {
                    value,
                    span: node_span(node),
                });
                let target = self.exit_target(self.frames.len(), Exit::Return);
                self.goto(target);
            }
            "raise_statement" => {
                self.expressions_of(node)?;
                self.f.raises.push((self.current, node_span(node)));
                self.raise();
            }
            "assert_statement" => {
                if let Some(condition) = node.named_child(0) {
                    let holds = self.new_block();
                    let fails = self.new_block();
                    self.branch(condition, holds, fails)?;
                    self.current = fails;
                    // A failing `assert` unwinds, but it is no `raise` statement CY007
                    // reports: an assert states an invariant, and a leak on the path
                    // where the program's own invariant is broken is noise (the clang
                    // analyzer prunes failed assertions the same way).
                    self.raise();
                    self.current = holds;
                }
            }
            "delete_statement" => {
                self.forget_lengths(node_span(node));
                let mut pending = vec![node];
                while let Some(n) = pending.pop() {
                    let mut cursor = n.walk();
                    let children: Vec<Node<'_>> = n.named_children(&mut cursor).collect();
                    for target in children {
                        let untyped_local = target.kind_name() == "identifier"
                            && self.locals.contains(self.text(target))
                            && !self.c_typed.contains(self.text(target));
                        if matches!(target.kind_name(), "expression_list" | "tuple") {
                            pending.push(target);
                        } else if untyped_local {
                            // A Python object: `del` unbinds the name, no C++ delete. Unless
                            // Cython infers its type from `x = new T()`: then it is a
                            // pointer, and `del x` deletes the block.
                            let place = self.place(Place::local(self.text(target)));
                            if self.cpp_new_locals.contains(self.text(target)) {
                                self.push(Stmt::Delete {
                                    place,
                                    span: node_span(node),
                                });
                            }
                            self.push(Stmt::Assign {
                                target: place,
                                value: Value::Other,
                                span: node_span(target),
                            });
                        } else if let Some(place) = self.place_of(target)? {
                            self.push(Stmt::Delete {
                                place,
                                span: node_span(node),
                            });
                        }
                    }
                }
            }
            kind @ ("break_statement" | "continue_statement") => {
                if let Some(targets) = self.loops.last() {
                    let exit = Exit::Jump {
                        target: if kind == "break_statement" {
                            targets.break_to
                        } else {
                            targets.continue_to
                        },
                        floor: targets.frames,
                    };
                    let target = self.exit_target(self.frames.len(), exit);
                    self.goto(target);
                }
            }
            "if_statement" => self.if_statement(node)?,
            "while_statement" => self.while_statement(node)?,
            // `for i from 0 <= i < n by 2:` (old Cython) loops like a `for`.
            "for_statement" | "for_from_statement" => self.for_statement(node)?,
            "try_statement" => self.try_statement(node)?,
            "with_statement" => self.with_statement(node)?,
            "match_statement" => self.match_statement(node)?,
            "c_variable_declaration" => {
                let mut cursor = node.walk();
                let declarators: Vec<Node<'_>> = node.fields("declarator", &mut cursor).collect();
                for declarator in declarators {
                    let Some(name) = declarator_name(declarator) else {
                        continue;
                    };
                    let initializer = declarator.field("value");
                    // `cdef bint ok = p != NULL`: records the test, as `ok = p != NULL` does.
                    if let Some(test) = initializer
                        .map(|value| self.strip(value))
                        .filter(|value| self.records_null_test(*value))
                    {
                        let target = self.place(Place::local(self.text(name)));
                        let then = self.new_block();
                        let otherwise = self.new_block();
                        let after = self.new_block();
                        self.condition(test, then, otherwise)?;
                        for (block, flag) in [(then, 1), (otherwise, 0)] {
                            self.current = block;
                            self.push(Stmt::Assign {
                                target,
                                value: Value::Other,
                                span: node_span(declarator),
                            });
                            self.push(Stmt::Constant {
                                place: target,
                                value: flag,
                            });
                            self.goto(after);
                        }
                        self.current = after;
                        continue;
                    }
                    let value = match initializer {
                        Some(value) => self.expr(value)?,
                        // `cdef char* s`: garbage, never a block this analysis tracks. As
                        // holding no block (NULL), a loop that overwrites it each turn is
                        // seen to lose the blocks of earlier turns, as with `= NULL`.
                        None if plain_pointer(declarator) => Value::Null,
                        None => Value::Other,
                    };
                    let carried = match declarator.field("value") {
                        Some(value) => self.carried(value),
                        None => Vec::new(),
                    };
                    self.note_carrier(self.text(name).to_string(), carried);
                    let value = self.converted(self.text(name), value);
                    let target = self.place(Place::local(self.text(name)));
                    self.push(Stmt::Assign {
                        target,
                        value,
                        span: node_span(declarator),
                    });
                    if let Some(value) = initializer {
                        self.note_view(name, value, node_span(declarator));
                    }
                    let memoryview_typed = node
                        .field("type")
                        .is_some_and(|declared| self.text(declared).contains('['));
                    self.note_view_array(
                        self.text(name),
                        initializer.filter(|_| !memoryview_typed),
                    );
                    // `cdef bint failed = False`: a flag's first value.
                    if let Some(constant) = initializer.and_then(|value| self.constant(value)) {
                        self.push(Stmt::Constant {
                            place: target,
                            value: constant,
                        });
                    }
                    if let Some(initializer) = initializer {
                        self.note_local_value(self.text(name), initializer);
                    }
                }
            }
            "cdef_block" => {
                if let Some(body) = node.field("body") {
                    self.lower_statements(body)?;
                }
            }
            "block" => self.lower_statements(node)?,
            "compile_time_if" => self.compile_time_if(node)?,
            // Definitions run nothing now; their bodies are lowered on their own.
            "function_definition"
            | "cdef_function"
            | "class_definition"
            | "cdef_class"
            | "decorated_definition"
            | "struct_declaration"
            | "enum_declaration"
            | "ctypedef_statement"
            | "cppclass_declaration"
            | "extern_block"
            | "property_block" => {}
            // Statements that move no pointer.
            "pass_statement"
            | "import_statement"
            | "import_from_statement"
            | "cimport_statement"
            | "cimport_from_statement"
            | "future_import_statement"
            | "global_statement"
            | "nonlocal_statement"
            | "include_statement"
            | "compile_time_definition"
            | "comment"
            | "ERROR"
            | "type_alias_statement" => {}
            _ => self.expressions_of(node)?,
        }
        self.leave();
        Ok(())
    }

    /// A call statement that never returns ends its path.
    fn after_call_statement(&mut self, expression: Node<'_>) {
        if expression.kind_name() != "call" {
            return;
        }
        let Some(function) = expression.field("function") else {
            return;
        };
        let name = self.text(function);
        let first = name.split('.').next().unwrap_or(name);
        if self.locals.contains(first) {
            return;
        }
        if NEVER_RETURN.contains(&name) {
            // Whatever the call's own edges, nothing runs after it.
            let after = self.current;
            self.f.blocks[after.0 as usize].terminator = Terminator::Unreachable;
            self.current = self.new_block();
        } else if ALWAYS_RAISE.contains(&name) {
            self.raise();
        }
    }

    /// Every child expression of a node, evaluated for its effects.
    fn expressions_of(&mut self, node: Node<'_>) -> Lowered<()> {
        let mut cursor = node.walk();
        let children: Vec<Node<'_>> = node.named_children(&mut cursor).collect();
        for child in children {
            if child.kind_name() == "block" {
                // An unknown compound statement: its body may or may not run.
                let skip = self.new_block();
                let body = self.new_block();
                self.edge(self.current, skip);
                self.fall_into(body);
                self.lower_statements(child)?;
                self.fall_into(skip);
            } else {
                self.expr(child)?;
            }
        }
        Ok(())
    }

    /// `match`: the cases are tried in order and the body of the first that matches runs,
    /// then control leaves the statement (no case falls into the next). A case with a
    /// guard matches only where its guard holds, so the guard is a condition like an
    /// `if`'s (a NULL test in it refines each edge). After a case that matches every
    /// subject (`case _:`, a bare capture, without guard) no path is left unmatched.
    fn match_statement(&mut self, node: Node<'_>) -> Lowered<()> {
        let mut cursor = node.walk();
        let subjects: Vec<Node<'_>> = node
            .children_by_field_name("subject", &mut cursor)
            .collect();
        for subject in subjects {
            self.expr(subject)?;
        }
        let cases: Vec<Node<'_>> = match node.field("body") {
            Some(body) => {
                let mut cursor = body.walk();
                body.named_children(&mut cursor)
                    .filter(|child| child.kind_name() == "case_clause")
                    .collect()
            }
            None => Vec::new(),
        };
        let after = self.new_block();
        for case in cases {
            let body = self.new_block();
            let guard = case.field("guard").and_then(|clause| clause.named_child(0));
            let pattern_matches_all = case_matches_every_subject(case);
            let unmatched = (guard.is_some() || !pattern_matches_all).then(|| self.new_block());
            match (unmatched, guard) {
                (None, _) => self.edge(self.current, body),
                (Some(unmatched), None) => {
                    self.edge(self.current, body);
                    self.edge(self.current, unmatched);
                }
                (Some(unmatched), Some(guard)) => {
                    if !pattern_matches_all {
                        let guarded = self.new_block();
                        self.edge(self.current, guarded);
                        self.edge(self.current, unmatched);
                        self.current = guarded;
                    }
                    self.branch(guard, body, unmatched)?;
                }
            }
            self.current = body;
            if let Some(consequence) = case.field("consequence") {
                self.lower_statements(consequence)?;
            }
            self.goto(after);
            match unmatched {
                Some(unmatched) => self.current = unmatched,
                // Python rejects a case after one that matches everything.
                None => break,
            }
        }
        self.fall_into(after);
        Ok(())
    }

    /// A statement whose blocks run one at a time or not at all (compile-time `IF`).
    /// `IF`/`ELIF`/`ELSE`: Cython keeps one clause before it writes C. Where a condition's
    /// value is known (`DEF`s of known value, `names::compile_time_value`) only the clause
    /// it selects is lowered. An unknown condition (`UNAME_SYSNAME == "Windows"`, a `DEF`
    /// defined twice) tests a flag named after its text: every `IF` with the same text
    /// tests the same flag, so the `IF` that allocates and the `IF` that frees take the
    /// same clause on every path, as repeated runtime tests of a flag (`if pymem:`) do:
    /// each edge assumes the flag's truth.
    fn compile_time_if(&mut self, node: Node<'_>) -> Lowered<()> {
        let after = self.new_block();
        let mut cursor = node.walk();
        let alternatives: Vec<Node<'_>> = node.fields("alternative", &mut cursor).collect();
        for clause in std::iter::once(node).chain(alternatives) {
            let Some(condition) = clause.field("condition") else {
                if let Some(body) = clause.field("body") {
                    self.lower_statements(body)?;
                }
                break;
            };
            match self.names.compile_time_truth(condition, self.source) {
                Some(false) => {}
                Some(true) => {
                    if let Some(body) = clause.field("consequence") {
                        self.lower_statements(body)?;
                    }
                    break;
                }
                None => {
                    let (atom, polarity) = compile_time_atom(condition, self.source);
                    let flag = self.place(Place {
                        root: format!("(IF {atom})"),
                        path: Vec::new(),
                    });
                    let span = node_span(condition);
                    let (then, otherwise) = (self.new_block(), self.new_block());
                    self.edge(self.current, then);
                    self.edge(self.current, otherwise);
                    self.current = then;
                    self.push(Stmt::Assume {
                        place: flag,
                        non_null: polarity,
                        against_null: false,
                        span,
                    });
                    if let Some(body) = clause.field("consequence") {
                        self.lower_statements(body)?;
                    }
                    self.goto(after);
                    self.current = otherwise;
                    self.push(Stmt::Assume {
                        place: flag,
                        non_null: !polarity,
                        against_null: false,
                        span,
                    });
                }
            }
        }
        self.goto(after);
        self.current = after;
        Ok(())
    }

    fn if_statement(&mut self, node: Node<'_>) -> Lowered<()> {
        let after = self.new_block();
        let mut clause = node;
        let mut cursor = node.walk();
        let alternatives: Vec<Node<'_>> = node.fields("alternative", &mut cursor).collect();
        let mut next_alternative = alternatives.into_iter();
        loop {
            let consequence_field = if clause.kind_name() == "else_clause" {
                "body"
            } else {
                "consequence"
            };
            if clause.kind_name() == "else_clause" {
                if let Some(body) = clause.field(consequence_field) {
                    self.lower_statements(body)?;
                }
                self.goto(after);
                break;
            }
            let then = self.new_block();
            let otherwise = self.new_block();
            match clause.field("condition") {
                Some(condition) => {
                    // `if p == NULL:` then `if n != 0: raise MemoryError()`: the edge
                    // that skips the body splits on the inner count tests too, as the
                    // skipping edge of `p == NULL and n != 0` does.
                    let skipped = clause
                        .field(consequence_field)
                        .and_then(|body| self.leading_if_condition(body))
                        .map(|inner| self.count_tests_within(inner))
                        .unwrap_or_default();
                    if skipped.is_empty() {
                        self.branch(condition, then, otherwise)?;
                    } else {
                        let skip = self.new_block();
                        self.branch(condition, then, skip)?;
                        self.current = skip;
                        self.ghost_split(&skipped, otherwise);
                    }
                }
                None => {
                    self.edge(self.current, then);
                    self.edge(self.current, otherwise);
                }
            }
            self.current = then;
            if let Some(body) = clause.field(consequence_field) {
                self.lower_statements(body)?;
            }
            self.goto(after);
            self.current = otherwise;
            match next_alternative.next() {
                Some(alternative) => clause = alternative,
                None => {
                    self.goto(after);
                    break;
                }
            }
        }
        self.current = after;
        Ok(())
    }

    fn while_statement(&mut self, node: Node<'_>) -> Lowered<()> {
        let header = self.new_block();
        let body = self.new_block();
        let exit = self.new_block();
        let after = self.new_block();
        self.fall_into(header);
        match node.field("condition") {
            Some(condition) => self.branch(condition, body, exit)?,
            None => {
                self.edge(header, body);
                self.edge(header, exit);
            }
        }
        self.loop_body(node, body, header, after, None)?;
        self.loop_else(node, exit, after)
    }

    fn for_statement(&mut self, node: Node<'_>) -> Lowered<()> {
        // Before `enumerate(xs)` is called (which forgets what held of lengths).
        let measured = self.iteration_measured(node);
        for bound in ["right", "range", "step"] {
            if let Some(expression) = node.field(bound) {
                self.expr(expression)?;
            }
        }
        let header = self.new_block();
        let body = self.new_block();
        let exit = self.new_block();
        let after = self.new_block();
        self.fall_into(header);
        self.edge(header, body);
        self.edge(header, exit);
        self.current = body;
        // `for i in range(n)`: the body runs only where `n > 0`.
        if let Some(bound) = self.range_bound(node) {
            self.count_fact(bound, true, 0);
        }
        self.iterating_measured(&measured);
        if let Some(target) = node.field("left") {
            self.assign_to(target, Value::Other, node_span(target))?;
        }
        let index = self.range_index(node);
        let index = self.loop_body(node, self.current, header, after, index)?;
        if let Some(index) = index {
            self.checked_every_element(index, body, header, after, exit);
        }
        self.loop_else(node, exit, after)
    }

    /// `for i in range(n)` (any bounds): the loop's index variable and its range.
    fn range_index(&self, node: Node<'_>) -> Option<LoopIndex> {
        let variable = self.strip(node.field("left")?);
        let right = self.strip(node.field("right")?);
        let function = right.field("function")?;
        let is_range = variable.kind_name() == "identifier"
            && right.kind_name() == "call"
            && matches!(self.text(function), "range" | "xrange" | "prange");
        is_range.then(|| LoopIndex {
            variable: self.text(variable).to_string(),
            range: error_value_text(self.text(right)),
            reassigned: false,
            tested: Vec::new(),
        })
    }

    /// `for i in range(n): if a[i] == NULL: raise MemoryError()` after a loop over the
    /// same range filled every `a[i]`: when the loop runs to its end, every element was
    /// seen not NULL, so its exit edge checks `a[...]` (what every element stands for).
    /// Only where each turn that comes back to the loop's head passed the non-NULL edge of
    /// the test: a NULL element that only sets a flag, a `continue` before the test, or a
    /// test of another array leaves the elements unchecked.
    fn checked_every_element(
        &mut self,
        index: LoopIndex,
        body: BlockId,
        header: BlockId,
        after: BlockId,
        exit: BlockId,
    ) {
        for (place, span) in index.tested {
            let filled = self
                .filled
                .iter()
                .any(|(array, range)| *array == place && *range == index.range);
            if !filled || self.turn_skips_check(place, body, header, after) {
                continue;
            }
            self.f.blocks[exit.0 as usize].stmts.insert(
                0,
                Stmt::Assume {
                    place,
                    non_null: true,
                    against_null: true,
                    span,
                },
            );
        }
    }

    /// Whether some path through a loop's body (its blocks are `body` and those made
    /// after `after`) comes back to `header` without the edge that found `place` not NULL.
    fn turn_skips_check(
        &self,
        place: PlaceId,
        body: BlockId,
        header: BlockId,
        after: BlockId,
    ) -> bool {
        let passes_check = |block: BlockId| {
            self.f.block(block).stmts.iter().any(|stmt| {
                matches!(stmt, Stmt::Assume { place: tested, non_null: true, .. }
                    if *tested == place)
            })
        };
        let mut seen = HashSet::new();
        let mut pending = vec![body];
        while let Some(block) = pending.pop() {
            if block == header {
                return true;
            }
            let in_body = block == body || block.0 > after.0;
            if !in_body || passes_check(block) || !seen.insert(block) {
                continue;
            }
            pending.extend(self.f.block(block).successors());
        }
        false
    }

    /// The `else:` of a loop runs when the loop ends without `break` (from `exit`); both
    /// ways then meet at `after`.
    fn loop_else(&mut self, node: Node<'_>, exit: BlockId, after: BlockId) -> Lowered<()> {
        self.current = exit;
        if let Some(alternative) = node.field("alternative") {
            if let Some(block) = alternative.field("body") {
                self.lower_statements(block)?;
            }
        }
        self.fall_into(after);
        Ok(())
    }

    fn loop_body(
        &mut self,
        node: Node<'_>,
        start: BlockId,
        header: BlockId,
        after: BlockId,
        index: Option<LoopIndex>,
    ) -> Lowered<Option<LoopIndex>> {
        self.current = start;
        self.loops.push(LoopTargets {
            continue_to: header,
            break_to: after,
            frames: self.frames.len(),
            index,
        });
        if let Some(body) = node.field("body") {
            self.lower_statements(body)?;
        }
        let index = self.loops.pop().and_then(|targets| targets.index);
        self.goto(header);
        Ok(index)
    }

    /// A local assigned in a loop's body: if it is the index of an enclosing `for` loop,
    /// that loop's `a[i]` no longer walks the range.
    fn note_assigned(&mut self, name: &str) {
        for enclosing in &mut self.loops {
            if let Some(index) = &mut enclosing.index {
                index.reassigned |= index.variable == name;
            }
        }
    }

    /// `a[i]` with `i` the index of the innermost `for i in range(...)` loop: that loop.
    fn indexing_loop(&mut self, subscript: Node<'_>) -> Option<&mut LoopIndex> {
        let mut cursor = subscript.walk();
        let indexes: Vec<Node<'_>> = subscript.fields("subscript", &mut cursor).collect();
        let [index] = indexes[..] else { return None };
        let index = self.strip(index);
        let name = self.text(index);
        let innermost = self.loops.last_mut()?.index.as_mut()?;
        (index.kind_name() == "identifier" && innermost.variable == name).then_some(innermost)
    }

    fn with_statement(&mut self, node: Node<'_>) -> Lowered<()> {
        let mut cursor = node.walk();
        let clauses: Vec<Node<'_>> = node
            .named_children(&mut cursor)
            .filter(|n| n.kind_name() == "with_clause")
            .collect();
        // How deep inside `nogil` code the body is: `with gil:` takes it back out, where
        // calls raise as anywhere (a `nogil` function's callback, `cb(n)`).
        let mut nogil_inside = self.nogil;
        for clause in clauses {
            let mut inner = clause.walk();
            let items: Vec<Node<'_>> = clause.named_children(&mut inner).collect();
            for item in items {
                let Some(value) = item.field("value") else {
                    continue;
                };
                let manager = self.text(value);
                if manager == "nogil" || manager.starts_with("nogil(") {
                    nogil_inside = self.nogil + 1;
                    continue;
                }
                if manager == "gil" || manager.starts_with("gil(") {
                    nogil_inside = 0;
                    continue;
                }
                if value.kind_name() == "as_pattern" {
                    if let Some(manager) = value.named_child(0) {
                        self.expr(manager)?;
                    }
                    if let Some(alias) = value.field("alias") {
                        let target = alias.named_child(0).unwrap_or(alias);
                        self.assign_to(target, Value::Other, node_span(alias))?;
                    }
                } else if !matches!(self.text(value), "nogil" | "gil") {
                    self.expr(value)?;
                }
            }
        }
        if let Some(body) = node.field("body") {
            let outside = std::mem::replace(&mut self.nogil, nogil_inside);
            let lowered = self.lower_statements(body);
            self.nogil = outside;
            lowered?;
        }
        Ok(())
    }

    /// Whether an `except` clause's classes take in every exception: `Exception` or
    /// `BaseException`, alone or in a tuple (what `Exception` leaves out, `SystemExit` and
    /// `KeyboardInterrupt`, is no failure of a call the analysis follows).
    fn names_every_exception(&self, classes: Node<'_>) -> bool {
        self.names_any_of(classes, &["Exception", "BaseException"])
    }

    /// Whether an `except` clause's classes take in `GeneratorExit`: itself or
    /// `BaseException`, alone or in a tuple (`Exception` does not).
    fn names_generator_exit(&self, classes: Node<'_>) -> bool {
        self.names_any_of(classes, &["GeneratorExit", "BaseException"])
    }

    /// Whether an `except` clause's classes, alone or in a tuple, name one of `names`.
    fn names_any_of(&self, classes: Node<'_>, names: &[&str]) -> bool {
        let classes = self.strip(classes);
        let mut cursor = classes.walk();
        let members: Vec<Node<'_>> = if classes.kind_name() == "tuple" {
            classes.named_children(&mut cursor).collect()
        } else {
            vec![classes]
        };
        members
            .into_iter()
            .any(|class| names.contains(&self.text(self.strip(class))))
    }

    fn try_statement(&mut self, node: Node<'_>) -> Lowered<()> {
        let mut cursor = node.walk();
        let clauses: Vec<Node<'_>> = node.named_children(&mut cursor).collect();
        let handlers: Vec<Node<'_>> = clauses
            .iter()
            .copied()
            .filter(|n| matches!(n.kind_name(), "except_clause" | "except_group_clause"))
            .collect();
        let else_clause = clauses
            .iter()
            .copied()
            .find(|n| n.kind_name() == "else_clause");
        let finally_clause = clauses
            .iter()
            .copied()
            .find(|n| n.kind_name() == "finally_clause");

        let after = self.new_block();
        let normal_finally = self.new_block();
        let abrupt_finally = self.new_block();
        let dispatch = self.new_block();
        let continuation = if finally_clause.is_some() {
            normal_finally
        } else {
            after
        };
        if finally_clause.is_some() {
            self.frames.push(Frame::Finally {
                abrupt_entry: abrupt_finally,
                targets: Vec::new(),
            });
        }
        self.frames.push(Frame::Try {
            dispatch,
            generator_exit: None,
        });
        let body_start = self.new_block();
        self.fall_into(body_start);
        if let Some(body) = node.field("body") {
            self.lower_statements(body)?;
        }
        let Some(Frame::Try { generator_exit, .. }) = self.frames.pop() else {
            unreachable!("the try frame pushed above is the innermost frame");
        };
        if let Some(else_clause) = else_clause {
            if let Some(body) = else_clause.field("body") {
                self.lower_statements(body)?;
            }
        }
        self.goto(continuation);

        let mut catches_all = false;
        // A `yield`'s `GeneratorExit` goes to the first handler that catches it.
        let mut generator_exit = generator_exit;
        for handler in handlers {
            let entry = self.new_block();
            self.edge(dispatch, entry);
            self.current = entry;
            // `except T as e:` parses as one `as_pattern` value: the class is its first
            // child, and it catches exactly what `except T:` does.
            let (classes, alias) = match handler.field("value") {
                Some(value) if value.kind_name() == "as_pattern" => (
                    value.named_child(0),
                    value
                        .field("alias")
                        .map(|target| target.named_child(0).unwrap_or(target)),
                ),
                value => (value, handler.field("alias")),
            };
            catches_all |= classes.is_none_or(|classes| self.names_every_exception(classes));
            if let Some(from) = generator_exit {
                if classes.is_none_or(|classes| self.names_generator_exit(classes)) {
                    self.edge(from, entry);
                    generator_exit = None;
                }
            }
            if let Some(alias) = alias {
                self.assign_to(alias, Value::Other, node_span(alias))?;
            }
            let mut inner = handler.walk();
            let blocks: Vec<Node<'_>> = handler
                .named_children(&mut inner)
                .filter(|n| n.kind_name() == "block")
                .collect();
            for block in blocks {
                self.lower_statements(block)?;
            }
            self.goto(continuation);
        }
        if !catches_all {
            self.current = dispatch;
            self.raise();
        }
        if let Some(from) = generator_exit {
            self.current = from;
            self.raise_by(Exit::GeneratorClosed);
        }

        if let Some(finally_clause) = finally_clause {
            let Some(Frame::Finally { targets, .. }) = self.frames.pop() else {
                unreachable!(
                    "the finally frame is the innermost frame once the try frame is popped"
                );
            };
            let mut inner = finally_clause.walk();
            let blocks: Vec<Node<'_>> = finally_clause
                .named_children(&mut inner)
                .filter(|n| n.kind_name() == "block")
                .collect();
            self.current = normal_finally;
            for &block in &blocks {
                self.lower_statements(block)?;
            }
            self.goto(after);
            self.current = abrupt_finally;
            for &block in &blocks {
                self.lower_statements(block)?;
            }
            let end = self.current;
            for target in targets {
                self.edge(end, target);
            }
        }
        self.current = after;
        Ok(())
    }

    // ----- conditions -----

    /// The condition of an `if`, `elif`, `while` or `assert`. A NULL test inside an
    /// `and`/`or` counts as the programmer looking at the pointer on every path out of the
    /// condition, even one that short-circuits past the test
    /// (`if n > 0 and p == NULL: raise MemoryError()` then `for i in range(n): p[i]`):
    /// the correlation between `n` and `p` is beyond a path-insensitive analysis, and a
    /// false alarm costs more than a missed bug.
    fn branch(&mut self, node: Node<'_>, then: BlockId, otherwise: BlockId) -> Lowered<()> {
        let mut pending = vec![self.strip(node)];
        let mut compound = false;
        let mut atoms = Vec::new();
        let mut counts = false;
        while let Some(node) = pending.pop() {
            match node.kind_name() {
                "boolean_operator" => {
                    compound = true;
                    pending.extend(node.field("left").map(|n| self.strip(n)));
                    pending.extend(node.field("right").map(|n| self.strip(n)));
                }
                "not_operator" => {
                    pending.extend(node.field("argument").map(|n| self.strip(n)));
                }
                "comparison_operator" => atoms.push(node),
                "identifier" => counts |= self.count_test(node).is_some(),
                _ => {}
            }
        }
        // `if n > 0 and p == NULL: raise`: the count test is followed (ghost flags of
        // `n > 0` and `n != 0`), so the NULL test is a check only where it ran.
        let follows_count = counts || atoms.iter().any(|atom| self.count_test(*atom).is_some());
        if compound && !follows_count {
            for atom in atoms {
                let mut cursor = atom.walk();
                let operands: Vec<Node<'_>> = atom.named_children(&mut cursor).collect();
                if operands.len() != 2 {
                    continue;
                }
                let Some(tested) = self.tested_against_null(operands[0], operands[1]) else {
                    continue;
                };
                let tested = self.strip(tested);
                if matches!(tested.kind_name(), "identifier" | "attribute") {
                    if let Some(place) = self.place_of(tested)? {
                        self.push(Stmt::Examined { place });
                    }
                }
            }
        }
        // `p == NULL and n != 0 and m != 0`: the conjunction of the count tests gets a
        // flag of its own, set on every path out (see `count_guards`).
        let Some((compound, steps)) = self.compound_of(node) else {
            return self.condition(node, then, otherwise);
        };
        for step in &steps {
            self.push(Stmt::Assign {
                target: step.result,
                value: Value::Other,
                span: node_span(node),
            });
        }
        let outer = std::mem::replace(&mut self.compound_steps, steps);
        let (held, failed) = (self.new_block(), self.new_block());
        let lowered = self.condition(node, held, failed);
        self.compound_steps = outer;
        lowered?;
        for (block, target) in [(held, then), (failed, otherwise)] {
            self.current = block;
            for &token in &compound.tokens {
                self.push(Stmt::Constant {
                    place: token,
                    value: 1,
                });
            }
            self.goto(target);
        }
        self.remember_compound(compound);
        Ok(())
    }

    /// Lowers a condition that jumps to `then` when true and to `otherwise` when false,
    /// with short-circuit `and`/`or`/`not`, and NULL tests refined on each edge.
    fn condition(&mut self, node: Node<'_>, then: BlockId, otherwise: BlockId) -> Lowered<()> {
        self.enter()?;
        let node = self.strip(node);
        match node.kind_name() {
            "not_operator" => {
                if let Some(argument) = node.field("argument") {
                    self.condition(argument, otherwise, then)?;
                }
            }
            "boolean_operator" => {
                let operator = node
                    .field("operator")
                    .map(|n| n.kind_name())
                    .unwrap_or("and");
                let left = node.field("left");
                let right = node.field("right");
                if let (Some(left), Some(right)) = (left, right) {
                    let middle = self.new_block();
                    // `p == NULL and n != 0`: the edge that skips the right operand splits
                    // on its count tests too (a test of a local changes nothing at run
                    // time), so their ghost flags are known on every path out and what
                    // they imply outlives the join (`raise MemoryError()`, then `for i in
                    // range(n): p[i]`, where `p` is NULL only if `n == 0`).
                    let skipped = self.count_tests_within(right);
                    let past = if operator == "and" { otherwise } else { then };
                    let skip = if skipped.is_empty() {
                        past
                    } else {
                        self.new_block()
                    };
                    if operator == "and" {
                        self.condition(left, middle, skip)?;
                    } else {
                        self.condition(left, skip, middle)?;
                    }
                    if !skipped.is_empty() {
                        self.current = skip;
                        self.ghost_split(&skipped, past);
                    }
                    self.current = middle;
                    self.condition(right, then, otherwise)?;
                }
            }
            "true" => self.goto(then),
            "false" => self.goto(otherwise),
            "integer" if self.text(node) != "0" => self.goto(then),
            _ => {
                // `n > 0`, `n != 0`, `if n:` of a local count: its ghost flags, tested
                // (what they implied holds) and set on each edge, besides what the test
                // is otherwise.
                let ghost = self.ghost_test(node);
                let test = self.null_test(node)?;
                match test {
                    Some((place, non_null_when_true)) => {
                        let span = node_span(node);
                        let yes = self.new_block();
                        let no = self.new_block();
                        self.edge(self.current, yes);
                        self.edge(self.current, no);
                        // A predicate's call compares with NULL inside it.
                        let against_null =
                            matches!(node.kind_name(), "comparison_operator" | "call");
                        for (block, holds, target) in [(yes, true, then), (no, false, otherwise)] {
                            self.current = block;
                            self.push(Stmt::Assume {
                                place,
                                non_null: non_null_when_true == holds,
                                against_null,
                                span,
                            });
                            if let Some((flags, kind)) = ghost {
                                self.ghost_edge(flags, kind, holds);
                                self.carry_test_edge(node, kind, holds);
                            }
                            self.goto(target);
                        }
                    }
                    None => match self.constant_test(node)? {
                        // `self.kind == 2`, `self.size > 0`: each edge says what the flag
                        // holds.
                        Some((place, value, relation)) => {
                            let yes = self.new_block();
                            let no = self.new_block();
                            self.edge(self.current, yes);
                            self.edge(self.current, no);
                            for (block, holds, target) in
                                [(yes, true, then), (no, false, otherwise)]
                            {
                                self.current = block;
                                self.push(Stmt::Compare {
                                    place,
                                    value,
                                    relation: if holds { relation } else { relation.negated() },
                                });
                                if let Some((flags, kind)) = ghost {
                                    self.ghost_edge(flags, kind, holds);
                                    self.carry_test_edge(node, kind, holds);
                                }
                                self.goto(target);
                            }
                        }
                        None => {
                            self.expr(node)?;
                            self.mark_tested_attributes(node)?;
                            match ghost {
                                Some((flags, kind)) => {
                                    let yes = self.new_block();
                                    let no = self.new_block();
                                    self.edge(self.current, yes);
                                    self.edge(self.current, no);
                                    for (block, holds, target) in
                                        [(yes, true, then), (no, false, otherwise)]
                                    {
                                        self.current = block;
                                        self.ghost_edge(flags, kind, holds);
                                        self.carry_test_edge(node, kind, holds);
                                        self.goto(target);
                                    }
                                }
                                // `while i < n:` with `i` never below zero: `n > 0` where
                                // it holds.
                                None if self.index_bound(node).is_some() => {
                                    let yes = self.new_block();
                                    self.edge(self.current, yes);
                                    self.edge(self.current, otherwise);
                                    self.current = yes;
                                    self.index_bound_fact(node);
                                    self.goto(then);
                                }
                                None => {
                                    self.edge(self.current, then);
                                    self.goto(otherwise);
                                }
                            }
                        }
                    },
                }
            }
        }
        self.leave();
        Ok(())
    }

    /// The instance's attributes a condition reads that no edge effect evaluates
    /// (`self.n > 0`, `self.data != self.small`), each a [`Stmt::Tested`].
    fn mark_tested_attributes(&mut self, condition: Node<'_>) -> Lowered<()> {
        let mut pending = vec![condition];
        let mut visited = 0;
        while let Some(node) = pending.pop() {
            visited += 1;
            if visited > MAX_NESTING {
                break;
            }
            if node.kind_name() == "attribute" {
                let rooted_at_self = node.field("object").is_some_and(|object| {
                    object.kind_name() == "identifier" && self.text(object) == "self"
                });
                if rooted_at_self {
                    if let Some(place) = self.place_of(node)? {
                        self.push(Stmt::Tested { place });
                    }
                    continue;
                }
            }
            // `self.buf[0] == 0` reads the block's contents, not the instance's state:
            // only the index is looked into.
            if node.kind_name() == "subscript" {
                let mut cursor = node.walk();
                pending.extend(node.fields("subscript", &mut cursor));
                continue;
            }
            let mut cursor = node.walk();
            pending.extend(node.named_children(&mut cursor));
        }
        Ok(())
    }

    /// `flag == 2`, `2 != self.kind`, `self.closed is True`, `self.size > 0`, `0 < n`: the
    /// place compared with a constant, the constant, and the relation a true outcome
    /// means (the place on the left). Evaluates the compared place.
    fn constant_test(&mut self, node: Node<'_>) -> Lowered<Option<(PlaceId, i64, Relation)>> {
        if node.kind_name() == "call" && self.is_handed_an_address(node) {
            return Ok(Some((self.status_of_call(node)?, 0, Relation::NotEqual)));
        }
        if node.kind_name() != "comparison_operator" {
            return Ok(None);
        }
        let Some((left, operator, right)) = single_comparison(node) else {
            return Ok(None);
        };
        let Some(relation) = Relation::from_operator(operator) else {
            return Ok(None);
        };
        let (tested, value, relation) = match (self.constant(left), self.constant(right)) {
            (None, Some(value)) => (left, value, relation),
            (Some(value), None) => (right, value, relation.swapped()),
            _ => return Ok(None),
        };
        let tested = self.strip(tested);
        if tested.kind_name() == "call" && self.is_handed_an_address(tested) {
            return Ok(Some((self.status_of_call(tested)?, value, relation)));
        }
        if !matches!(tested.kind_name(), "identifier" | "attribute") {
            return Ok(None);
        }
        Ok(self.place_of(tested)?.map(|place| (place, value, relation)))
    }

    /// Whether a call is handed the address of a place (`posix_memalign(&p, ...)`,
    /// `fill(cython.address(buf))`): what it returns may say whether it stored through it.
    fn is_handed_an_address(&self, call: Node<'_>) -> bool {
        self.positional_args(call).into_iter().any(|argument| {
            let argument = self.strip(argument);
            argument.kind_name() == "address_of_expression"
                || (argument.kind_name() == "call" && self.is_address_call(argument))
        })
    }

    /// `cython.address(x)`, `cython.operator.address(x)`, or `address(x)` cimported from
    /// `cython.operator`: all three are `&x` (`call` lowers them so).
    fn is_address_call(&self, call: Node<'_>) -> bool {
        if let Some(name) = self.cython_function(call) {
            return matches!(name, "address" | "operator.address");
        }
        let Some(function) = call.field("function") else {
            return false;
        };
        let function = self.strip(function);
        function.kind_name() == "identifier"
            && matches!(
                self.names.resolve_name(self.text(function), &self.locals),
                Callee::External { name, module: Some(module) }
                    if name == "address" && module == "cython.operator"
            )
    }

    /// `if posix_memalign(&p, a, n) != 0:`: evaluates the call and stores its result in a
    /// place named after it (a status the edges then compare, as they do a local's), the
    /// place returned.
    fn status_of_call(&mut self, call: Node<'_>) -> Lowered<PlaceId> {
        let value = self.expr(call)?;
        let status = self.place(Place::local(self.text(call)));
        self.push(Stmt::Assign {
            target: status,
            value,
            span: node_span(call),
        });
        Ok(status)
    }

    /// The value of an integer or boolean literal (`3`, `-1`, `True`, `0x10`).
    fn constant(&self, node: Node<'_>) -> Option<i64> {
        let node = self.strip(node);
        let text = self.text(node).trim();
        match node.kind_name() {
            "true" => Some(1),
            "false" => Some(0),
            "integer" => {
                let digits = text.trim_end_matches(['l', 'L', 'u', 'U']).replace('_', "");
                match digits.get(..2) {
                    Some("0x" | "0X") => i64::from_str_radix(&digits[2..], 16).ok(),
                    _ => digits.parse().ok(),
                }
            }
            "unary_operator" if text.starts_with('-') => {
                let operand = node.field("argument")?;
                self.constant(operand).map(|value| -value)
            }
            // An enumerator or a `DEF` (`TEXT`, `Kind.TEXT`), unless a local hides it.
            "identifier" if !self.locals.contains(text) => self.names.constant(text),
            "attribute" => self.names.constant(text),
            _ => None,
        }
    }

    /// `p`, `p == NULL`, `NULL != p`, `p is not NULL`, `(p := ...)`: the place tested and
    /// whether a true outcome means it is not NULL. Evaluates the tested expression.
    fn null_test(&mut self, node: Node<'_>) -> Lowered<Option<(PlaceId, bool)>> {
        if node.kind_name() == "comparison_operator" {
            let Some((left, operator, right)) = single_comparison(node) else {
                return Ok(None);
            };
            let operands = [left, right];
            let non_null_when_true = match operator {
                "==" | "is" => false,
                "!=" | "is not" | "<>" => true,
                _ => return Ok(None),
            };
            let tested = if let Some(tested) = self.tested_against_null(operands[0], operands[1]) {
                tested
            } else {
                // `if vint is not orig_vint: del vint`: the code tells two pointers apart.
                let (left, right) = (self.strip(operands[0]), self.strip(operands[1]));
                if matches!(left.kind_name(), "identifier" | "attribute")
                    && matches!(right.kind_name(), "identifier" | "attribute")
                {
                    if let (Some(left), Some(right)) = (self.place_of(left)?, self.place_of(right)?)
                    {
                        self.f.compared.push((left, right));
                    }
                }
                return Ok(None);
            };
            let tested = self.strip(tested);
            return Ok(self.tested_place(tested)?.map(|p| (p, non_null_when_true)));
        }
        if node.kind_name() == "call" {
            return self.null_predicate_call(node);
        }
        Ok(self.tested_place(node)?.map(|p| (p, true)))
    }

    /// `is_null(p)`, a call of a predicate of this file that only tests its argument
    /// against NULL (see `ModuleNames::null_predicate`): the test the call stands for. The
    /// call itself does nothing else, so it is not lowered as a call (its other arguments
    /// must be plain values, nothing to evaluate).
    fn null_predicate_call(&mut self, call: Node<'_>) -> Lowered<Option<(PlaceId, bool)>> {
        let Some(function) = call.field("function").map(|f| self.strip(f)) else {
            return Ok(None);
        };
        if function.kind_name() != "identifier" {
            return Ok(None);
        }
        let name = self.text(function);
        let Callee::ModuleFunction(name) = self.names.resolve_name(name, &self.locals) else {
            return Ok(None);
        };
        let Some((position, non_null_when_true)) = self.names.null_predicate(&name) else {
            return Ok(None);
        };
        let has_keywords = call.field("arguments").is_some_and(|arguments| {
            let mut cursor = arguments.walk();
            let keyword = arguments
                .named_children(&mut cursor)
                .any(|n| n.kind_name() == "keyword_argument");
            keyword
        });
        let arguments = self.positional_args(call);
        let plain = |n: &Node<'_>| {
            matches!(
                n.kind_name(),
                "identifier"
                    | "attribute"
                    | "integer"
                    | "float"
                    | "string"
                    | "true"
                    | "false"
                    | "none"
            )
        };
        let others_plain = arguments
            .iter()
            .enumerate()
            .all(|(i, n)| i == position || plain(&self.strip(*n)));
        let tested = arguments.get(position).map(|n| self.strip(*n));
        match tested {
            Some(tested)
                if !has_keywords
                    && others_plain
                    && matches!(tested.kind_name(), "identifier" | "attribute" | "subscript") =>
            {
                Ok(self
                    .tested_place(tested)?
                    .map(|place| (place, non_null_when_true)))
            }
            _ => Ok(None),
        }
    }

    fn tested_place(&mut self, node: Node<'_>) -> Lowered<Option<PlaceId>> {
        match node.kind_name() {
            "subscript" => {
                let place = self.place_of(node)?;
                let span = node_span(node);
                // (A test after the body assigned the index looks at another element.)
                if let (Some(place), Some(index)) = (place, self.indexing_loop(node)) {
                    if !index.reassigned {
                        index.tested.push((place, span));
                    }
                }
                Ok(place)
            }
            "identifier" | "attribute" => self.place_of(node),
            "named_expression" => match self.expr(node)? {
                Value::Place(place) => Ok(Some(place)),
                _ => Ok(None),
            },
            _ => Ok(None),
        }
    }

    fn is_null(&self, node: Node<'_>) -> bool {
        let stripped = self.strip(node);
        match self.text(stripped) {
            "NULL" | "cython.NULL" => !self.locals.contains("NULL"),
            // `<double*>0`: a zero cast to a pointer is NULL (Cython rejects a bare `p == 0`).
            "0" => matches!(
                self.without_parentheses(node).kind_name(),
                "cast_expression" | "call"
            ),
            _ => false,
        }
    }

    /// Of the two operands of a comparison, the one tested against NULL, if the other is
    /// NULL (`p == NULL`, `<double*>0 == p`) or a zero an integer cast of a pointer is
    /// compared with (`<uintptr_t>p == 0`, `0 != <size_t>p`).
    fn tested_against_null<'t>(&self, left: Node<'t>, right: Node<'t>) -> Option<Node<'t>> {
        let zero = |node: Node<'_>| self.text(self.strip(node)) == "0";
        if self.is_null(right)
            || (zero(right) && self.integer_cast(self.without_parentheses(left)).is_some())
        {
            Some(left)
        } else if self.is_null(left)
            || (zero(left) && self.integer_cast(self.without_parentheses(right)).is_some())
        {
            Some(right)
        } else {
            None
        }
    }

    fn without_parentheses<'t>(&self, mut node: Node<'t>) -> Node<'t> {
        while node.kind_name() == "parenthesized_expression" {
            match node.named_child(0) {
                Some(inner) if inner.kind_name() != "comment" => node = inner,
                _ => break,
            }
        }
        node
    }

    /// Parentheses and casts do not change which block a pointer points to.
    fn strip<'t>(&self, mut node: Node<'t>) -> Node<'t> {
        // A loop, not recursion: each turn goes one level down.
        loop {
            match node.kind_name() {
                "parenthesized_expression" => match node.named_child(0) {
                    Some(inner) if inner.kind_name() != "comment" => node = inner,
                    _ => return node,
                },
                "cast_expression" => match node.field("value") {
                    Some(inner) => node = inner,
                    None => return node,
                },
                "call" if self.cython_function(node) == Some("cast") => {
                    match self.positional_args(node).get(1) {
                        Some(&inner) => node = inner,
                        None => return node,
                    }
                }
                _ => return node,
            }
        }
    }

    /// The operand of a cast to an integer type (`<size_t>p`, `<Py_ssize_t>p`,
    /// `cython.cast(cython.size_t, p)`).
    fn integer_cast<'t>(&self, node: Node<'t>) -> Option<Node<'t>> {
        let (target, operand) = match node.kind_name() {
            "cast_expression" => (node.field("type")?, node.field("value")?),
            "call" if self.cython_function(node) == Some("cast") => {
                let args = self.positional_args(node);
                (*args.first()?, *args.get(1)?)
            }
            _ => return None,
        };
        let name = self.text(target).trim();
        let name = name.strip_prefix("cython.").unwrap_or(name);
        let integer = matches!(
            name,
            "size_t"
                | "ssize_t"
                | "Py_ssize_t"
                | "Py_hash_t"
                | "Py_intptr_t"
                | "Py_uintptr_t"
                | "intptr_t"
                | "uintptr_t"
                | "long"
                | "ulong"
                | "longlong"
                | "ulonglong"
                | "unsigned long"
                | "long long"
                | "unsigned long long"
        );
        integer.then_some(operand)
    }

    /// The string a cast to a Python type copies: `<bytes>s`, `<object>s`, `<str>s` or
    /// `cython.cast(bytes, s)` of a `char*` (or of `<char*>p`) is a coercion, a new object
    /// made from the characters (`PyBytes_FromString`). A cast of any other pointer to a
    /// Python type reinterprets it (`<object>` of a `void*` or `PyObject*`), so is none.
    fn string_copied<'t>(&self, node: Node<'t>) -> Option<Node<'t>> {
        let (target, operand) = match node.kind_name() {
            "cast_expression" => (node.field("type")?, node.field("value")?),
            "call" if self.cython_function(node) == Some("cast") => {
                let args = self.positional_args(node);
                (*args.first()?, *args.get(1)?)
            }
            _ => return None,
        };
        if !is_python_type(self.text(target).trim().trim_end_matches('?')) {
            return None;
        }
        let string = self.without_parentheses(operand);
        let is_string = match string.kind_name() {
            "identifier" => {
                let name = self.text(string);
                self.strings.contains(name) && self.locals.contains(name)
            }
            "cast_expression" => string
                .field("type")
                .is_some_and(|t| is_string_pointer_type(self.text(t))),
            _ => false,
        };
        is_string.then_some(string)
    }

    /// `<bytes>s` of a C string: reads the block's characters, and the new object holds
    /// no pointer to it (freeing `s` after leaves the object whole).
    fn string_copy(&mut self, string: Node<'_>, cast: Node<'_>) -> Lowered<Value> {
        if let Value::Place(place) = self.expr(string)? {
            self.push(Stmt::Use {
                place,
                kind: UseKind::Deref,
                span: node_span(cast),
            });
        }
        Ok(Value::Other)
    }

    /// `<double[:n]>p`: a memoryview over a pointer.
    fn is_memoryview_cast(&self, cast: Node<'_>) -> bool {
        cast.field("type")
            .is_some_and(|t| self.text(t).contains('['))
    }

    /// Cython raises `ValueError` when the pointer of a memoryview cast is NULL, so the
    /// cast is a NULL check: past it the pointer is not NULL.
    fn memoryview_cast(&mut self, cast: Node<'_>) -> Lowered<Value> {
        let Some(value) = cast.field("value") else {
            return Ok(Value::Other);
        };
        let place = match self.expr(value)? {
            Value::Place(place) => place,
            _ => return Ok(Value::Other),
        };
        self.f.untracked.push(place);
        let span = node_span(cast);
        let viewed = self.new_block();
        let raised = self.new_block();
        self.edge(self.current, viewed);
        self.edge(self.current, raised);
        self.current = raised;
        self.push(Stmt::Assume {
            place,
            non_null: false,
            against_null: true,
            span,
        });
        self.raise();
        self.current = viewed;
        self.push(Stmt::Assume {
            place,
            non_null: true,
            against_null: true,
            span,
        });
        Ok(Value::Other)
    }

    /// For `cython.cast(...)`, `cython.sizeof(...)`: the name after `cython.`.
    fn cython_function(&self, call: Node<'_>) -> Option<&'a str> {
        // The function is the call's first child, so its text starts the call's: most
        // calls are ruled out without the field lookup (`strip` asks of every call).
        if !self.text(call).starts_with("cython.") {
            return None;
        }
        let function = call.field("function")?;
        let name = self.text(function);
        let rest = name.strip_prefix("cython.")?;
        if self.locals.contains("cython") {
            return None;
        }
        Some(rest)
    }

    /// `dereference(p)` (`cython.operator`) reads `*p`: a use of each argument's block.
    fn dereference(&mut self, call: Node<'_>) -> Lowered<Value> {
        for argument in self.positional_args(call) {
            if let Some(place) = self.place_of(argument)? {
                self.push(Stmt::Use {
                    place,
                    kind: UseKind::Deref,
                    span: node_span(call),
                });
            }
        }
        Ok(Value::Other)
    }

    /// `cython.address(x)`, `cython.operator.address(x)`: `&x`, so `x` can change behind
    /// the code from here on (a write through the pointer).
    fn address_of(&mut self, call: Node<'_>) -> Lowered<Value> {
        let mut address = Value::Other;
        for argument in self.positional_args(call) {
            if let Some(place) = self.place_of(argument)? {
                self.push(Stmt::AddressTaken { place });
                address = Value::Address(place);
            }
        }
        Ok(address)
    }

    fn positional_args<'t>(&self, call: Node<'t>) -> Vec<Node<'t>> {
        let Some(arguments) = call.field("arguments") else {
            return Vec::new();
        };
        let mut cursor = arguments.walk();
        arguments
            .named_children(&mut cursor)
            .filter(|n| !matches!(n.kind_name(), "keyword_argument" | "comment"))
            .collect()
    }

    // ----- assignments -----

    fn assignment(&mut self, node: Node<'_>) -> Lowered<()> {
        let Some(left) = node.field("left") else {
            return Ok(());
        };
        let Some(mut right) = node.field("right") else {
            // `x: cython.p_double`: a declaration; the variable holds nothing known.
            return self.assign_to(left, Value::Other, node_span(node));
        };
        let mut targets = vec![left];
        for _ in 0..MAX_NESTING {
            if right.kind_name() != "assignment" {
                break;
            }
            if let Some(next_left) = right.field("left") {
                targets.push(next_left);
            }
            match right.field("right") {
                Some(next) => right = next,
                None => break,
            }
        }
        // `ok = p != NULL`: a flag that records a NULL test, lowered as the test's two
        // edges with the flag set to 1 or 0 on each, so a later `if not ok: raise` is
        // known to stop the NULL path. (Each edge of a compound test says exactly which
        // tests held: `ok = a != NULL or b != NULL` checks neither where `ok` is true.)
        let stripped = self.strip(right);
        let left_is_name = self.strip(left).kind_name() == "identifier";
        if targets.len() == 1 && left_is_name && self.records_null_test(stripped) {
            let then = self.new_block();
            let otherwise = self.new_block();
            let after = self.new_block();
            self.condition(stripped, then, otherwise)?;
            for (block, flag) in [(then, 1), (otherwise, 0)] {
                self.current = block;
                self.assign_to(left, Value::Other, node_span(node))?;
                if let Some(place) = self.place_of(self.strip(left))? {
                    self.push(Stmt::Constant { place, value: flag });
                }
                self.goto(after);
            }
            self.current = after;
            return Ok(());
        }
        if targets.len() == 1 {
            if let Some(pairs) = self.unpacked_pairs(left, right) {
                return self.simultaneous_assignment(&pairs, node_span(node));
            }
        }
        let value = self.expr(right)?;
        if let Value::Call(call) = value {
            if self.f.call(call).callee == Callee::CppNew {
                for target in &targets {
                    let target = self.strip(*target);
                    if target.kind_name() == "identifier" {
                        self.cpp_new_locals.insert(self.text(target).to_string());
                    }
                }
            }
        }
        let single = matches!(
            self.strip(left).kind_name(),
            "identifier" | "attribute" | "subscript"
        );
        let constant = if single { self.constant(right) } else { None };
        let carried = self.carried(right);
        for target in &targets {
            let target = self.strip(*target);
            match target.kind_name() {
                "identifier" => self.note_carrier(self.text(target).to_string(), carried.clone()),
                // `self.handle = <size_t>p`, `table[<size_t>p] = n`: stored where it
                // outlives the function, the value (or the key) carries the block out.
                "attribute" | "subscript" if self.outlives(target) => {
                    let mut stored = carried.clone();
                    if target.kind_name() == "subscript" {
                        let mut cursor = target.walk();
                        let keys: Vec<Node<'_>> = target.fields("subscript", &mut cursor).collect();
                        for key in keys {
                            stored.extend(self.carried(key));
                        }
                    }
                    for place in stored {
                        self.push(Stmt::Escape {
                            place,
                            span: node_span(node),
                        });
                    }
                }
                _ => {}
            }
        }
        for target in targets {
            let value = if single { value } else { Value::Other };
            self.assign_to(target, value, node_span(node))?;
            let stripped = self.strip(target);
            if single && stripped.kind_name() == "identifier" {
                self.note_view(stripped, right, node_span(node));
            }
            if stripped.kind_name() == "identifier" {
                self.note_view_array(self.text(stripped), Some(right).filter(|_| single));
            }
            if single && stripped.kind_name() == "attribute" {
                self.note_array_callback(right);
            }
            if let Some(constant) = constant {
                let target = self.strip(target);
                if matches!(target.kind_name(), "identifier" | "attribute") {
                    if let Some(place) = self.place_of(target)? {
                        self.push(Stmt::Constant {
                            place,
                            value: constant,
                        });
                    }
                }
            }
            let target = self.strip(target);
            if target.kind_name() == "identifier" {
                self.note_local_value(self.text(target), right);
            }
        }
        Ok(())
    }

    /// `a, b = x, y` (any mix of tuple and list brackets, no starred or nested element):
    /// each target with the expression it receives.
    fn unpacked_pairs<'t>(
        &self,
        left: Node<'t>,
        right: Node<'t>,
    ) -> Option<Vec<(Node<'t>, Node<'t>)>> {
        const SEQUENCES: &[&str] = &[
            "pattern_list",
            "tuple_pattern",
            "list_pattern",
            "expression_list",
            "tuple",
            "list",
        ];
        let (left, right) = (self.strip(left), self.strip(right));
        if !SEQUENCES.contains(&left.kind_name()) || !SEQUENCES.contains(&right.kind_name()) {
            return None;
        }
        let mut cursor = left.walk();
        let targets: Vec<Node<'t>> = left.named_children(&mut cursor).collect();
        let mut cursor = right.walk();
        let values: Vec<Node<'t>> = right.named_children(&mut cursor).collect();
        let plain = |node: &Node<'t>| {
            matches!(
                self.strip(*node).kind_name(),
                "identifier" | "attribute" | "subscript"
            )
        };
        let unstarred = |node: &Node<'t>| {
            !matches!(
                node.kind_name(),
                "list_splat" | "list_splat_pattern" | "dictionary_splat" | "comment"
            )
        };
        (targets.len() == values.len()
            && targets.len() > 1
            && targets.iter().all(plain)
            && values.iter().all(unstarred))
        .then(|| targets.into_iter().zip(values).collect())
    }

    /// `a, b = b, a`, `cur, nxt = nxt, NULL`, `a, b = malloc(n), malloc(n)`: Python
    /// evaluates every value, then assigns the targets left to right. A pointer a target
    /// before it overwrites is read first, into a temporary only this assignment names.
    fn simultaneous_assignment(
        &mut self,
        pairs: &[(Node<'_>, Node<'_>)],
        span: Span,
    ) -> Lowered<()> {
        let mut values = Vec::with_capacity(pairs.len());
        for (_, value) in pairs {
            values.push((
                self.expr(*value)?,
                self.carried(*value),
                self.constant(*value),
            ));
        }
        // Earlier targets only: a value is read before its own target is written.
        let mut assigned: Vec<Place> = Vec::new();
        for (index, (target, _)) in pairs.iter().enumerate() {
            if let Value::Place(source) = values[index].0 {
                let read = self.f.place(source).clone();
                let clobbered = assigned
                    .iter()
                    .any(|earlier| *earlier == read || earlier.strictly_contains(&read));
                if clobbered {
                    let saved =
                        self.place(Place::local(&format!("({read} before the assignment)")));
                    self.push(Stmt::Assign {
                        target: saved,
                        value: Value::Place(source),
                        span,
                    });
                    values[index].0 = Value::Place(saved);
                }
            }
            if let Some(place) = self.written_place(*target) {
                assigned.push(place);
            }
        }
        for ((target, _), (value, carried, constant)) in pairs.iter().zip(values) {
            let target = self.strip(*target);
            match target.kind_name() {
                "identifier" => self.note_carrier(self.text(target).to_string(), carried),
                "attribute" | "subscript" if self.outlives(target) => {
                    for place in carried {
                        self.push(Stmt::Escape { place, span });
                    }
                }
                _ => {}
            }
            self.assign_to(target, value, span)?;
            if let Some(constant) = constant {
                if matches!(target.kind_name(), "identifier" | "attribute") {
                    if let Some(place) = self.place_of(target)? {
                        self.push(Stmt::Constant {
                            place,
                            value: constant,
                        });
                    }
                }
            }
        }
        Ok(())
    }

    /// The place an identifier or attribute chain (`a`, `s.buf`) names, read off the
    /// text without evaluating anything; `None` for any other target.
    fn written_place(&self, node: Node<'_>) -> Option<Place> {
        let mut fields = Vec::new();
        let mut node = self.strip(node);
        for _ in 0..MAX_NESTING {
            match node.kind_name() {
                "identifier" => {
                    fields.reverse();
                    return Some(Place {
                        root: self.text(node).to_string(),
                        path: fields,
                    });
                }
                "attribute" => {
                    let name = node.field("attribute")?;
                    fields.push(Projection::Field(self.text(name).to_string()));
                    node = self.strip(node.field("object")?);
                }
                _ => return None,
            }
        }
        None
    }

    /// The pointers `node` carries inside a value the analysis does not follow: the
    /// operand of an integer cast, the pointers among the elements of a tuple, the
    /// values of a dict literal, the keyword arguments of a call (`Buf(data=p)`), and
    /// what a carrier local carries; a local or a field (`<size_t>self.data`) there. A
    /// plain pointer (`p`) is not carried: the dataflow follows it.
    fn carried(&mut self, node: Node<'_>) -> Vec<PlaceId> {
        let mut carried = Vec::new();
        // (node, inside a composite value: a plain pointer there is carried)
        let mut pending = vec![(node, false)];
        let mut budget = MAX_NESTING * 16;
        while let Some((node, inside)) = pending.pop() {
            if budget == 0 {
                break;
            }
            budget -= 1;
            if let Some(operand) = self.integer_cast(node) {
                pending.push((operand, true));
                continue;
            }
            let node = self.strip(node);
            match node.kind_name() {
                "identifier" => {
                    let name = self.text(node);
                    if let Some(places) = self.carriers.get(name) {
                        carried.extend(places.iter().copied());
                    } else if inside && self.locals.contains(name) {
                        carried.push(self.place(Place::local(name)));
                    }
                }
                // `<size_t>self.data`: the attribute's pointer, as a local's.
                "attribute" if inside => {
                    if let Some(place) = self.written_place(node) {
                        if place.root == "self" || self.locals.contains(place.root.as_str()) {
                            carried.push(self.place(place));
                        }
                    }
                }
                "expression_list" | "tuple" | "dictionary" => {
                    let mut cursor = node.walk();
                    for child in node.named_children(&mut cursor) {
                        pending.push((child, true));
                    }
                }
                "pair" => {
                    if let Some(value) = node.field("value") {
                        pending.push((value, true));
                    }
                }
                "call" => {
                    // A keyword argument's text holds its `=`: without one there is none
                    // to walk the arguments for.
                    let keyword = node
                        .field("arguments")
                        .filter(|arguments| self.text(*arguments).contains('='));
                    if let Some(arguments) = keyword {
                        let mut cursor = arguments.walk();
                        for argument in arguments.named_children(&mut cursor) {
                            if argument.kind_name() == "keyword_argument" {
                                if let Some(value) = argument.field("value") {
                                    pending.push((value, true));
                                }
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        carried.sort();
        carried.dedup();
        carried
    }

    /// The value a local receives: a pointer stored into a local of a Python object type
    /// is converted (`cdef bytes msg = buf` copies the string), not held.
    fn converted(&self, local: &str, value: Value) -> Value {
        match value {
            Value::Place(_) if self.python_typed.contains(local) => Value::Other,
            _ => value,
        }
    }

    /// The pointer whose memory `node` is a view of, without copying it: a memoryview
    /// cast `<double[:n]>p` (a Cython array that neither copies nor owns `p`), a local
    /// holding such a view, and `np.asarray(view)`, `np.frombuffer(view)` or
    /// `memoryview(view)` of one (never copies). `np.array(view)`, `view.copy()` and
    /// `bytes(view)` copy, and are no view. With whether a local view was on the way.
    fn view_source(&mut self, node: Node<'_>) -> Option<(PlaceId, bool)> {
        let mut node = node;
        for _ in 0..MAX_NESTING {
            match node.kind_name() {
                "parenthesized_expression" => node = node.named_child(0)?,
                "cast_expression" if self.is_memoryview_cast(node) => {
                    let operand = self.strip(node.field("value")?);
                    let place = self.written_place(operand)?;
                    let known = place.root == "self" || self.locals.contains(place.root.as_str());
                    return known.then(|| (self.place(place), false));
                }
                "identifier" if self.viewers.contains(self.text(node)) => {
                    return Some((self.place(Place::local(self.text(node))), true));
                }
                "call" => {
                    let function = self.text(node.field("function")?);
                    let arguments = node.field("arguments")?;
                    let mut cursor = arguments.walk();
                    let given: Vec<Node<'_>> = arguments
                        .named_children(&mut cursor)
                        .filter(|argument| argument.kind_name() != "comment")
                        .collect();
                    // `np.asarray(view, dtype=...)` may convert, and then copies.
                    let shares = match function {
                        "np.asarray" | "numpy.asarray" | "np.asanyarray" | "numpy.asanyarray"
                        | "memoryview" => given.len() == 1,
                        "np.frombuffer" | "numpy.frombuffer" => true,
                        _ => false,
                    };
                    let first = *given.first()?;
                    if !shares || first.kind_name() == "keyword_argument" {
                        return None;
                    }
                    node = first;
                }
                _ => return None,
            }
        }
        None
    }

    /// `name = value`, after its assignment: if the value is a view of a block's memory,
    /// `name` holds the pointer too.
    fn note_view(&mut self, name: Node<'_>, value: Node<'_>, span: Span) {
        if let Some((source, _)) = self.view_source(value) {
            let target = self.place(Place::local(self.text(name)));
            self.push(Stmt::Assign {
                target,
                value: Value::Place(source),
                span,
            });
            self.viewers.insert(self.text(name).to_string());
        }
    }

    /// `name = value`: whether `name` now holds the Cython array a memoryview cast made
    /// over a pointer (`<double[:n]>p`, `<double[:n, :m]>p`, or a local holding one).
    fn note_view_array(&mut self, name: &str, value: Option<Node<'_>>) {
        let mut value = value;
        // Parentheses only: `strip` would also take the cast off.
        while let Some(inner) = value
            .filter(|value| value.kind_name() == "parenthesized_expression")
            .and_then(|value| value.named_child(0))
        {
            value = Some(inner);
        }
        let array = value.is_some_and(|value| match value.kind_name() {
            "cast_expression" => self.is_memoryview_cast(value),
            "identifier" => self.view_arrays.contains(self.text(value)),
            _ => false,
        });
        if array {
            self.view_arrays.insert(name.to_string());
        } else {
            self.view_arrays.remove(name);
        }
    }

    /// `return <double[:n]>p` (or a local view, `np.asarray(view)`): the caller reads
    /// the block's memory after the function returns. A place no code names holds it
    /// from here, so that a release on the way out (a `finally`) leaves it dangling at
    /// the return exit; and the return reads it, as the caller will.
    fn return_view(&mut self, returned: Node<'_>, span: Span) {
        let Some((source, through_local)) = self.view_source(returned) else {
            return;
        };
        if !through_local {
            self.push(Stmt::Use {
                place: source,
                kind: UseKind::Deref,
                span,
            });
        }
        let returned = self.place(Place::local(crate::ir::RETURNED_VIEW));
        self.push(Stmt::Assign {
            target: returned,
            value: Value::Place(source),
            span,
        });
    }

    /// `name` was assigned: it carries these pointers now (or nothing).
    fn note_carrier(&mut self, name: String, carried: Vec<PlaceId>) {
        if carried.is_empty() {
            self.carriers.remove(&name);
        } else {
            self.carriers.insert(name, carried);
        }
    }

    /// The pointers `node` carries leave the function here.
    fn escape_carried(&mut self, node: Node<'_>, span: Span) {
        for place in self.carried(node) {
            self.push(Stmt::Escape { place, span });
        }
    }

    /// `self.x`, a global's attribute or element: outlives the call.
    fn outlives(&self, target: Node<'_>) -> bool {
        let mut node = target;
        for _ in 0..MAX_NESTING {
            node = self.strip(node);
            match node.kind_name() {
                "attribute" => match node.field("object") {
                    Some(object) => node = object,
                    None => return false,
                },
                "subscript" => match node.field("value") {
                    Some(value) => node = value,
                    None => return false,
                },
                "identifier" => {
                    let name = self.text(node);
                    return name == "self" || !self.locals.contains(name);
                }
                _ => return false,
            }
        }
        false
    }

    /// Whether `target` outlives the call ([`Self::outlives`]) or lies in a parameter,
    /// which the caller keeps (`handles.append(h)` on a `list handles` argument).
    fn outlives_or_parameter(&self, target: Node<'_>) -> bool {
        self.outlives(target)
            || self
                .written_place(target)
                .is_some_and(|place| self.f.params.contains(&place.root))
    }

    /// Whether an expression is a NULL test of a pointer and nothing else (`p != NULL`,
    /// `p is NULL`, `not p`, or such tests combined by `and`/`or`): a flag assigned it
    /// records the test.
    fn records_null_test(&self, node: Node<'_>) -> bool {
        match node.kind_name() {
            "comparison_operator" => {
                let mut cursor = node.walk();
                let operands: Vec<Node<'_>> = node.named_children(&mut cursor).collect();
                operands.len() == 2 && self.tested_against_null(operands[0], operands[1]).is_some()
            }
            "not_operator" => node
                .field("argument")
                .is_some_and(|inner| self.records_null_test(self.strip(inner))),
            // `ok = a != NULL and b != NULL`: NULL tests combined.
            "boolean_operator" => ["left", "right"].iter().all(|side| {
                node.field(side)
                    .is_some_and(|operand| self.records_null_test(self.strip(operand)))
            }),
            _ => false,
        }
    }

    /// A test of a local count against zero: `n > 0`, `n >= 1`, `0 < n`, `1 <= n`
    /// (positive), `n != 0`, `0 != n`, and the truth of a local of a C integer type (`n`,
    /// `not n` by its swapped edges) (non-zero), `n == 0` (zero): the local's name and
    /// the kind of test.
    fn count_test(&self, node: Node<'_>) -> Option<(&'a str, CountTest)> {
        if node.kind_name() == "identifier" {
            let name = self.text(node);
            return self
                .integers
                .contains(name)
                .then_some((name, CountTest::NonZero));
        }
        if node.kind_name() != "comparison_operator" {
            return None;
        }
        let (left, operator, right) = single_comparison(node)?;
        let (left, right) = (self.strip(left), self.strip(right));
        let (name, bound, operator) = match (left.kind_name(), right.kind_name()) {
            ("identifier", "integer") => (left, right, operator),
            ("integer", "identifier") => (
                right,
                left,
                match operator {
                    "<" => ">",
                    "<=" => ">=",
                    ">" => "<",
                    ">=" => "<=",
                    other => other,
                },
            ),
            _ => return None,
        };
        let kind = match (operator, self.text(bound)) {
            (">", "0") | (">=", "1") => CountTest::Positive,
            ("!=" | "<>" | "is not", "0") => CountTest::NonZero,
            ("==" | "is", "0") => CountTest::Zero,
            _ => return None,
        };
        Some((self.text(name), kind))
    }

    /// The ghost flags of a count test (`n > 0` and `n != 0` as places inside `n`,
    /// forgotten with it), with the kind of test; `None` for a name that is a constant.
    fn ghost_test(&mut self, node: Node<'_>) -> Option<(GhostFlags, CountTest)> {
        let (name, kind) = self.count_test(node)?;
        if self.names.constant(name).is_some() {
            return None;
        }
        let flags = GhostFlags {
            positive: self.ghost(name, POSITIVE),
            nonzero: self.ghost(name, NONZERO),
            unsigned: self.unsigned.contains(name),
        };
        Some((flags, kind))
    }

    /// What an edge of a count test says of its ghost flags, pushed on the current block:
    /// each flag the edge decides is compared (what its earlier values implied holds) and,
    /// for the flag the test is about, set (what holds now is what it implies later).
    /// `n > 0` implies `n != 0`; `n == 0` implies not `n > 0`; the other ways say nothing.
    fn ghost_edge(&mut self, flags: GhostFlags, kind: CountTest, holds: bool) {
        let (tested, mut positive, mut nonzero) = match (kind, holds) {
            (CountTest::Positive, true) => (flags.positive, Some(true), Some(true)),
            (CountTest::Positive, false) => (flags.positive, Some(false), None),
            (CountTest::NonZero, true) | (CountTest::Zero, false) => {
                (flags.nonzero, None, Some(true))
            }
            (CountTest::NonZero, false) | (CountTest::Zero, true) => {
                (flags.nonzero, Some(false), Some(false))
            }
        };
        if flags.unsigned {
            positive = positive.or(nonzero);
            nonzero = positive;
        }
        for (place, value) in [(flags.positive, positive), (flags.nonzero, nonzero)] {
            if let Some(value) = value {
                self.push(Stmt::Compare {
                    place,
                    value: 1,
                    relation: Relation::equality(value),
                });
            }
        }
        let value = if tested == flags.positive {
            positive
        } else {
            nonzero
        };
        if flags.unsigned {
            // Both flags are the one fact the test decided: set both.
            for (place, value) in [(flags.positive, positive), (flags.nonzero, nonzero)] {
                if let Some(value) = value {
                    self.push(Stmt::Constant {
                        place,
                        value: i64::from(value),
                    });
                }
            }
        } else if let Some(value) = value {
            self.push(Stmt::Constant {
                place: tested,
                value: i64::from(value),
            });
        }
        if let Some(value) = value {
            self.compound_step(tested, value);
        }
    }

    /// The condition of the `if` statement a body starts with (comments aside).
    fn leading_if_condition<'t>(&self, body: Node<'t>) -> Option<Node<'t>> {
        let mut cursor = body.walk();
        let first = body
            .named_children(&mut cursor)
            .find(|statement| statement.kind_name() != "comment")?;
        (first.kind_name() == "if_statement")
            .then(|| first.field("condition"))
            .flatten()
    }

    /// The count tests among the operands of a condition (through `and`, `or`, `not`
    /// and parentheses), each with its ghost flags.
    fn count_tests_within(&mut self, node: Node<'_>) -> Vec<(GhostFlags, CountTest)> {
        let mut tests = Vec::new();
        let mut pending = vec![self.strip(node)];
        while let Some(node) = pending.pop() {
            match node.kind_name() {
                "boolean_operator" => {
                    pending.extend(node.field("left").map(|n| self.strip(n)));
                    pending.extend(node.field("right").map(|n| self.strip(n)));
                }
                "not_operator" => {
                    pending.extend(node.field("argument").map(|n| self.strip(n)));
                }
                _ => tests.extend(self.ghost_test(node)),
            }
        }
        tests
    }

    /// Splits the current path on each count test (both edges, as [`Self::ghost_edge`]
    /// writes them), then goes to `target`.
    fn ghost_split(&mut self, tests: &[(GhostFlags, CountTest)], target: BlockId) {
        for &(flags, kind) in tests {
            let next = self.new_block();
            let from = self.current;
            for holds in [true, false] {
                let block = self.new_block();
                self.edge(from, block);
                self.current = block;
                self.ghost_edge(flags, kind, holds);
                self.edge(self.current, next);
            }
            self.current = next;
        }
        self.edge(self.current, target);
    }

    /// `for i in range(n)` (or `range(k, n)`, `range(k, n, step)`, `prange(n)`): the count
    /// `n`, positive in the body.
    fn range_bound(&self, node: Node<'_>) -> Option<&'a str> {
        let right = self.strip(node.field("right")?);
        let function = right.field("function");
        let ranges = |f: Node<'_>| {
            let callee = self.text(f);
            matches!(callee, "range" | "xrange" | "prange") || callee.ends_with(".prange")
        };
        if right.kind_name() != "call" || function.is_none_or(|f| !ranges(f)) {
            return None;
        }
        let arguments: Vec<Node<'_>> = self.positional_args(right);
        // `range(k, n)` with a constant `k >= 0` (and a positive step) runs its body only
        // where `n > k`, so `n > 0`.
        let natural = |node: &Node<'_>| self.constant(*node).is_some_and(|k| k >= 0);
        let positive = |node: &Node<'_>| self.constant(*node).is_some_and(|k| k > 0);
        let bound = match arguments.as_slice() {
            [bound] => *bound,
            [start, bound] if natural(start) => *bound,
            [start, bound, step] if natural(start) && positive(step) => *bound,
            // `range(n - 1, -1, -1)`: a negative step from `n - c` runs its body only where
            // `n - c > stop`, so `n > 0` when `stop + c >= 0`.
            [start, stop, step] if self.constant(*step).is_some_and(|k| k < 0) => {
                let (count, offset) = self.count_minus_constant(*start)?;
                match self.constant(*stop) {
                    Some(stop) if stop.saturating_add(offset) >= 0 => count,
                    _ => return None,
                }
            }
            _ => return None,
        };
        let bound = self.strip(bound);
        if bound.kind_name() != "identifier" {
            return None;
        }
        Some(self.text(bound))
    }

    /// `n` or `n - c` with a constant `c >= 0`: the name's node and `c`.
    fn count_minus_constant<'t>(&self, node: Node<'t>) -> Option<(Node<'t>, i64)> {
        let node = self.strip(node);
        if node.kind_name() == "identifier" {
            return Some((node, 0));
        }
        if node.kind_name() != "binary_operator"
            || node.field("operator").map(|o| o.kind_name()) != Some("-")
        {
            return None;
        }
        let left = self.strip(node.field("left")?);
        let offset = self.constant(node.field("right")?)?;
        (left.kind_name() == "identifier" && offset >= 0).then_some((left, offset))
    }

    fn augmented_assignment(&mut self, node: Node<'_>) -> Lowered<()> {
        if let Some(right) = node.field("right") {
            self.expr(right)?;
        }
        // `p += n` moves within the same block: the place keeps what it points to.
        if let Some(left) = node.field("left") {
            self.place_of(left)?;
            // `n -= 1`: what `n` held, and what `n > 0` said, no longer hold.
            let left = self.strip(left);
            if left.kind_name() == "identifier" {
                let name = self.text(left);
                self.note_assigned(name);
                let place = self.place(Place::local(name));
                self.push(Stmt::Modified { place });
                self.forget_ghosts_changed(name, node);
            }
        }
        Ok(())
    }

    fn assign_to(&mut self, target: Node<'_>, value: Value, span: Span) -> Lowered<()> {
        self.enter()?;
        let target = self.strip(target);
        // `xs[a:b] = ys` may change how many items `xs` holds.
        if target.kind_name() == "subscript" {
            self.forget_lengths(span);
        }
        match target.kind_name() {
            "identifier" | "attribute" | "subscript" => {
                let value = if target.kind_name() == "identifier" {
                    self.converted(self.text(target), value)
                } else {
                    value
                };
                if let Some(place) = self.place_of(target)? {
                    let copied = match &value {
                        Value::Place(source) if target.kind_name() == "identifier" => Some(*source),
                        _ => None,
                    };
                    self.push(Stmt::Assign {
                        target: place,
                        value,
                        span,
                    });
                    if let Some(source) = copied {
                        self.copy_struct_fields(place, source, span);
                    }
                    if target.kind_name() == "subscript" {
                        if let Some(index) = self.indexing_loop(target) {
                            let range = index.range.clone();
                            self.filled.push((place, range));
                        }
                    }
                } else if let (Value::Place(source), false) =
                    (value, target.kind_name() == "identifier")
                {
                    // `(self.slots + i).data = p`: stored through a pointer the analysis
                    // does not name, into memory that is not a local: handed off.
                    self.push(Stmt::Escape {
                        place: source,
                        span,
                    });
                }
                if target.kind_name() == "identifier" {
                    self.note_assigned(self.text(target));
                }
            }
            "pattern_list" | "tuple_pattern" | "list_pattern" | "expression_list" | "tuple"
            | "list" | "list_splat_pattern" | "list_splat" => {
                let mut cursor = target.walk();
                let elements: Vec<Node<'_>> = target.named_children(&mut cursor).collect();
                for element in elements {
                    self.assign_to(element, Value::Other, span)?;
                }
            }
            _ => {}
        }
        self.leave();
        Ok(())
    }

    /// `b = a` of two locals declared as the same struct type of this module (`cdef Buf
    /// a, b`): a value copy, so each pointer field `b` gets is a copy of `a`'s (`b.data`
    /// then holds the block `a.data` holds). Only the fields this function has named on
    /// `a` so far can hold a block the analysis tracks. Pointers to structs are not
    /// copies of their fields (`b.data` is then `a.data` itself), so they are left out.
    fn copy_struct_fields(&mut self, target: PlaceId, source: PlaceId, span: Span) {
        let (target_place, source_place) = (self.f.place(target), self.f.place(source));
        if !target_place.path.is_empty() || !source_place.path.is_empty() {
            return;
        }
        let struct_type = |name: &str| {
            self.declared
                .get(name)
                .filter(|declared| self.names.is_struct(declared))
        };
        let (Some(target_type), Some(source_type)) = (
            struct_type(&target_place.root),
            struct_type(&source_place.root),
        ) else {
            return;
        };
        if target_type != source_type || target_place.root == source_place.root {
            return;
        }
        let target_root = target_place.root.clone();
        let fields: Vec<(PlaceId, Vec<Projection>)> = self
            .f
            .places
            .iter()
            .enumerate()
            .filter(|(_, place)| {
                place.root == source_place.root
                    && !place.path.is_empty()
                    && place
                        .path
                        .iter()
                        .all(|step| matches!(step, Projection::Field(_)))
            })
            .map(|(index, place)| (PlaceId(index as u32), place.path.clone()))
            .collect();
        for (field, path) in fields {
            let copy = self.place(Place {
                root: target_root.clone(),
                path,
            });
            self.push(Stmt::Assign {
                target: copy,
                value: Value::Place(field),
                span,
            });
        }
    }

    // ----- expressions -----

    /// The place an expression denotes, evaluating what it reads through on the way:
    /// `p[i]` reads through `p`, `s.buf` reads through `s`.
    fn place_of(&mut self, node: Node<'_>) -> Lowered<Option<PlaceId>> {
        self.enter()?;
        let node = self.strip(node);
        let place = match node.kind_name() {
            "identifier" => {
                let name = self.text(node);
                if matches!(name, "NULL" | "True" | "False" | "None") {
                    None
                } else {
                    Some(self.place(Place::local(name)))
                }
            }
            "attribute" => {
                let object = node.field("object");
                let attribute = node.field("attribute");
                match (object, attribute) {
                    (Some(object), Some(attribute)) => {
                        let base = self.place_of(object)?;
                        // `arr.shape` of a view: its own fields, not the block's memory.
                        let metadata = self.strip(object).kind_name() == "identifier"
                            && self.viewers.contains(self.text(self.strip(object)))
                            && VIEW_METADATA.contains(&self.text(attribute));
                        match base {
                            Some(base) => {
                                if !metadata {
                                    self.push(Stmt::Use {
                                        place: base,
                                        kind: UseKind::Deref,
                                        span: node_span(node),
                                    });
                                }
                                let mut place = self.f.place(base).clone();
                                place
                                    .path
                                    .push(Projection::Field(self.text(attribute).to_string()));
                                Some(self.place(place))
                            }
                            None => None,
                        }
                    }
                    _ => None,
                }
            }
            "subscript" => {
                let value = node.field("value");
                let mut cursor = node.walk();
                let indexes: Vec<Node<'_>> = node.fields("subscript", &mut cursor).collect();
                for index in &indexes {
                    self.expr(*index)?;
                }
                match value {
                    Some(value) => {
                        let stripped = self.strip(value);
                        let (base, kind) = if stripped.kind_name() == "binary_operator" {
                            match self.expr(stripped)? {
                                Value::Place(place) => (Some(place), UseKind::Arithmetic),
                                _ => (None, UseKind::Deref),
                            }
                        } else if stripped.kind_name() == "call" {
                            // `malloc(n)[0]`: the fresh block is read through at once; a
                            // place named after the call holds it.
                            match self.expr(stripped)? {
                                Value::Call(call) => {
                                    let held = self.place(Place::local(self.text(stripped)));
                                    self.push(Stmt::Assign {
                                        target: held,
                                        value: Value::Call(call),
                                        span: node_span(stripped),
                                    });
                                    (Some(held), UseKind::Deref)
                                }
                                _ => (None, UseKind::Deref),
                            }
                        } else {
                            (self.place_of(stripped)?, UseKind::Deref)
                        };
                        // `a[0]` and `a[1]` are distinct elements; `a[i]` may be any.
                        let constant = match indexes[..] {
                            [index] if index.kind_name() == "integer" => {
                                self.text(index).parse::<u64>().ok()
                            }
                            _ => None,
                        };
                        match base {
                            Some(base) => {
                                self.push(Stmt::Use {
                                    place: base,
                                    kind,
                                    span: node_span(node),
                                });
                                let mut place = self.f.place(base).clone();
                                place.path.push(Projection::Index);
                                let any = self.place(place.clone());
                                match constant {
                                    Some(index) => {
                                        place.path.pop();
                                        place.path.push(Projection::Element(index));
                                        Some(self.place(place))
                                    }
                                    None => Some(any),
                                }
                            }
                            None => None,
                        }
                    }
                    None => None,
                }
            }
            _ => {
                self.expr(node)?;
                None
            }
        };
        self.leave();
        Ok(place)
    }

    /// `a + b`, and a chain of them: the value is a pointer's when pointer arithmetic keeps
    /// it (`p + 1`, `1 + p`, `p - 1`).
    fn binary_chain(&mut self, node: Node<'_>) -> Lowered<Value> {
        // `a + b + c + ...` nests to the left, one level per term: the chain is
        // walked down its left operands in a loop and evaluated left to right, so
        // a long sum counts as no nesting (generated polynomials reach hundreds
        // of terms).
        let mut chain = vec![node];
        let mut leftmost = node.field("left");
        while let Some(left) = leftmost.filter(|left| left.kind_name() == "binary_operator") {
            chain.push(left);
            leftmost = left.field("left");
        }
        let mut value = match leftmost {
            Some(left) => self.expr(left)?,
            None => Value::Other,
        };
        for link in chain.into_iter().rev() {
            let operator = link.field("operator").map(|n| n.kind_name());
            let right = match link.field("right") {
                Some(right) => self.expr(right)?,
                None => Value::Other,
            };
            value = match (operator, value, right) {
                (Some("+" | "-"), Value::Place(place), _) => Value::Place(place),
                (Some("+"), _, Value::Place(place)) => Value::Place(place),
                _ => Value::Other,
            };
        }
        Ok(value)
    }

    fn expr(&mut self, node: Node<'_>) -> Lowered<Value> {
        self.enter()?;
        if let Some(pointer) = self.integer_cast(node) {
            // `<size_t>p`: a number (logged, hashed, a dict key), no read through `p`.
            if let Value::Place(place) = self.expr(pointer)? {
                self.f.untracked.push(place);
            }
            self.leave();
            return Ok(Value::Other);
        }
        if node.kind_name() == "cast_expression" && self.is_memoryview_cast(node) {
            let value = self.memoryview_cast(node);
            self.leave();
            return value;
        }
        if let Some(string) = self.string_copied(node) {
            let value = self.string_copy(string, node);
            self.leave();
            return value;
        }
        let node = self.strip(node);
        let value = match node.kind_name() {
            "identifier" if self.viewers.contains(self.text(node)) => {
                // Reading the view reads the block's memory (`arr.sum()`, `arr / 2`,
                // `np.array(view)` copying it).
                let place = self.place(Place::local(self.text(node)));
                self.push(Stmt::Use {
                    place,
                    kind: UseKind::Deref,
                    span: node_span(node),
                });
                Value::Other
            }
            "identifier" => match self.text(node) {
                "NULL" if !self.locals.contains("NULL") => Value::Null,
                "True" | "False" | "None" => Value::Other,
                _ => self.place_of(node)?.map_or(Value::Other, Value::Place),
            },
            "attribute" | "subscript" => {
                if self.is_null(node) {
                    Value::Null
                } else {
                    self.place_of(node)?.map_or(Value::Other, Value::Place)
                }
            }
            "call" => self.call(node)?,
            "list_comprehension"
            | "set_comprehension"
            | "dictionary_comprehension"
            | "generator_expression" => {
                self.comprehension(node)?;
                Value::Other
            }
            "new_expression" => {
                let mut args = Vec::new();
                if let Some(arguments) = node.field("arguments") {
                    let mut cursor = arguments.walk();
                    let children: Vec<Node<'_>> = arguments.named_children(&mut cursor).collect();
                    for argument in children {
                        args.push(self.expr(argument)?);
                    }
                }
                self.emit_call(Callee::CppNew, args, node_span(node))
            }
            "named_expression" => {
                let value = match node.field("value") {
                    Some(value) => self.expr(value)?,
                    None => Value::Other,
                };
                match node.field("name") {
                    Some(name) => {
                        let target = self.place(Place::local(self.text(name)));
                        self.push(Stmt::Assign {
                            target,
                            value,
                            span: node_span(node),
                        });
                        Value::Place(target)
                    }
                    None => Value::Other,
                }
            }
            "binary_operator" => self.binary_chain(node)?,
            "yield" => self.yield_point(node)?,
            "conditional_expression" => {
                let mut cursor = node.walk();
                let parts: Vec<Node<'_>> = node.named_children(&mut cursor).collect();
                if let [chosen, condition, alternative] = parts[..] {
                    // `a if cond else b`: a branch like an `if` (the test narrows `a` and
                    // `b`), its result in a place named after the expression.
                    let then = self.new_block();
                    let otherwise = self.new_block();
                    let after = self.new_block();
                    let result = self.place(Place::local(self.text(node)));
                    self.branch(condition, then, otherwise)?;
                    let mut pointer = false;
                    for (block, arm) in [(then, chosen), (otherwise, alternative)] {
                        self.current = block;
                        let value = self.expr(arm)?;
                        pointer |= matches!(value, Value::Place(_) | Value::Call(_));
                        self.push(Stmt::Assign {
                            target: result,
                            value,
                            span: node_span(arm),
                        });
                        self.goto(after);
                    }
                    self.current = after;
                    if pointer {
                        Value::Place(result)
                    } else {
                        Value::Other
                    }
                } else {
                    for part in parts {
                        self.expr(part)?;
                    }
                    Value::Other
                }
            }
            "address_of_expression" => {
                if let Some(argument) = node.field("argument") {
                    let argument = self.strip(argument);
                    let element_of = (argument.kind_name() == "subscript")
                        .then(|| argument.field("value"))
                        .flatten();
                    if argument.kind_name() == "identifier" {
                        let place = self.place(Place::local(self.text(argument)));
                        self.push(Stmt::AddressTaken { place });
                        self.leave();
                        return Ok(Value::Address(place));
                    } else if let Some(array) = element_of {
                        // `&p[n]` is `p + n`: arithmetic on the pointer, no read through it.
                        let mut cursor = argument.walk();
                        let indexes: Vec<Node<'_>> =
                            argument.fields("subscript", &mut cursor).collect();
                        for index in indexes {
                            self.expr(index)?;
                        }
                        if let Value::Place(base) = self.expr(array)? {
                            let mut element = self.f.place(base).clone();
                            element.path.push(Projection::Index);
                            let place = self.place(element);
                            self.push(Stmt::AddressTaken { place });
                            self.leave();
                            return Ok(Value::Place(base));
                        }
                    } else if let Some(place) = self.place_of(argument)? {
                        self.push(Stmt::AddressTaken { place });
                        self.leave();
                        return Ok(Value::Address(place));
                    }
                }
                Value::Other
            }
            // Not evaluated at run time, or evaluated later.
            "sizeof_expression"
            | "lambda"
            | "string"
            | "integer"
            | "float"
            | "true"
            | "false"
            | "none"
            | "comment"
            | "concatenated_string"
            | "ellipsis" => Value::Other,
            _ => {
                let mut cursor = node.walk();
                let children: Vec<Node<'_>> = node.named_children(&mut cursor).collect();
                for child in children {
                    self.expr(child)?;
                }
                Value::Other
            }
        };
        self.leave();
        Ok(value)
    }

    /// `yield value`: a generator suspended here that is closed or garbage-collected gets
    /// `GeneratorExit` raised at the `yield`, a point that can raise like a call (no
    /// callee: nothing is called, no block is passed). Out of line: `expr` recurses, and
    /// its frame is what bounds the nesting a thread's stack takes.
    #[inline(never)]
    fn yield_point(&mut self, node: Node<'_>) -> Lowered<Value> {
        let mut cursor = node.walk();
        let children: Vec<Node<'_>> = node.named_children(&mut cursor).collect();
        for child in children {
            self.expr(child)?;
        }
        self.emit_raising_point(
            Callee::Unknown,
            Vec::new(),
            node_span(node),
            true,
            Exit::GeneratorClosed,
        );
        Ok(Value::Other)
    }

    /// `[p[i] for i in range(n)]`: the first iterable is evaluated where the expression
    /// is, the rest (the other clauses, then the body) on a branch that may not run at
    /// all, where a `range(n)` clause says `n > 0` as a `for` loop's body does.
    fn comprehension(&mut self, node: Node<'_>) -> Lowered<()> {
        let mut cursor = node.walk();
        let clauses: Vec<Node<'_>> = node
            .named_children(&mut cursor)
            .filter(|child| matches!(child.kind_name(), "for_in_clause" | "if_clause"))
            .collect();
        let body = self.new_block();
        let after = self.new_block();
        for (index, clause) in clauses.iter().enumerate() {
            if clause.kind_name() == "if_clause" {
                let mut inner = clause.walk();
                let conditions: Vec<Node<'_>> = clause.named_children(&mut inner).collect();
                for condition in conditions {
                    self.expr(condition)?;
                }
                continue;
            }
            if let Some(iterable) = clause.field("right") {
                self.expr(iterable)?;
            }
            if index == 0 {
                self.edge(self.current, body);
                self.edge(self.current, after);
                self.current = body;
            }
            if let Some(bound) = self.range_bound(*clause) {
                self.count_fact(bound, true, 0);
            }
            if let Some(target) = clause.field("left") {
                self.assign_to(target, Value::Other, node_span(target))?;
            }
        }
        if clauses.is_empty() {
            self.fall_into(body);
        }
        if let Some(element) = node.field("body") {
            self.expr(element)?;
        }
        self.fall_into(after);
        Ok(())
    }

    fn call(&mut self, node: Node<'_>) -> Lowered<Value> {
        let Some(function) = node.field("function") else {
            return Ok(Value::Other);
        };
        if let Some(name) = self.cython_function(node) {
            match name {
                "sizeof" | "typeof" => return Ok(Value::Other),
                "address" | "operator.address" => return self.address_of(node),
                "operator.dereference" => return self.dereference(node),
                "declare" => {
                    return match self.positional_args(node).get(1) {
                        Some(&value) => self.expr(value),
                        None => Ok(Value::Other),
                    };
                }
                _ => {}
            }
        }
        let function = self.strip(function);
        let quiet_by_declaration = self.cannot_raise_by_declaration(function);
        let mut receiver = None;
        let mut returned_by_c = false;
        let callee = match function.kind_name() {
            "identifier" => {
                let name = self.text(function);
                if name == "sizeof" && !self.locals.contains(name) {
                    return Ok(Value::Other);
                }
                self.names.resolve_name(name, &self.locals)
            }
            "attribute" => {
                let (callee, object) = self.attribute_callee(function)?;
                receiver = object;
                // `typeid(x).name()`: a method of what a C function returned.
                let object_is_a_call = function
                    .field("object")
                    .is_some_and(|object| self.strip(object).kind_name() == "call");
                returned_by_c = (object_is_a_call
                    && self.f.calls.last().is_some_and(|call| call.text.is_none()))
                    || function
                        .field("object")
                        .is_some_and(|object| self.reads_through_dereference(object));
                callee
            }
            _ => {
                self.expr(function)?;
                Callee::Unknown
            }
        };
        if let Callee::External {
            name,
            module: Some(module),
        } = &callee
        {
            // `from cython.operator cimport dereference as deref`: `deref(p)` reads `*p`.
            if name == "dereference" && module == "cython.operator" {
                return self.dereference(node);
            }
            // `from cython.operator cimport address`: `address(c)` is `&c`.
            if name == "address" && module == "cython.operator" {
                return self.address_of(node);
            }
        }
        let mut args = Vec::new();
        let mut function_args = Vec::new();
        let generator = node
            .field("arguments")
            .filter(|arguments| arguments.kind_name() == "generator_expression");
        if let Some(generator) = generator {
            // `sum(p[i] for i in range(n))`: the generator is the one argument.
            self.expr(generator)?;
            args.push(Value::Other);
        } else if let Some(arguments) = node.field("arguments") {
            let mut cursor = arguments.walk();
            let children: Vec<Node<'_>> = arguments.named_children(&mut cursor).collect();
            for argument in children.iter().copied() {
                match argument.kind_name() {
                    "keyword_argument" => {
                        if let Some(value) = argument.field("value") {
                            if let Value::Place(place) = self.expr(value)? {
                                self.f.untracked.push(place);
                                // `keep(ptr=p)` binds `p` to the callee's parameter as a
                                // positional argument would; which one is not modelled, so
                                // the block is handed off like a struct literal's field.
                                let span = node_span(argument);
                                self.push(Stmt::Escape { place, span });
                            }
                        }
                    }
                    "comment" => {}
                    _ => {
                        function_args.extend(self.function_argument(argument));
                        let value = self.expr(argument)?;
                        if matches!(value, Value::Other) {
                            let carried = self.carried(argument);
                            self.f.untracked.extend(carried);
                        }
                        args.push(value);
                    }
                }
            }
            // `self.handles.append(<Py_ssize_t>p)`: a method of a container that outlives
            // the call keeps the handle, and with it the block.
            let keeper = function.kind_name() == "attribute"
                && function
                    .field("object")
                    .is_some_and(|object| self.outlives_or_parameter(object));
            if keeper {
                for argument in children {
                    let span = node_span(argument);
                    for place in self.carried(argument) {
                        self.push(Stmt::Escape { place, span });
                    }
                }
            }
        }
        let c_level = match &callee {
            Callee::ModuleFunction(name) | Callee::Method(name) => {
                self.names.is_quiet(name) || self.names.is_silent(name)
            }
            Callee::Unknown => {
                // `grp._redef()` where every `_redef` of the file raises nothing of its own.
                let silent_method = function.kind_name() == "attribute"
                    && function
                        .field("attribute")
                        .is_some_and(|name| self.names.is_silent(self.text(name)));
                // `out[:n].decode()`: a slice of a C pointer is a Python object (bytes, a
                // list), whose methods are Python's.
                let sliced = function
                    .field("object")
                    .is_some_and(|object| self.is_slice(object));
                returned_by_c
                    || silent_method
                    || (!sliced && receiver.is_some_and(|place| self.is_c_value(place)))
                    || (function.kind_name() == "identifier"
                        && !self.locals.contains(self.text(function))
                        && self.names.is_struct(self.text(function)))
            }
            _ => false,
        };
        let can_raise = !quiet_by_declaration
            && !self.is_ord_of_c_character(function, &callee, node)
            && self.can_raise(&callee);
        let value = self.emit_call_that_raises(callee, args, node_span(node), can_raise);
        if let Value::Call(id) = value {
            let call = &mut self.f.calls[id.0 as usize];
            call.receiver = receiver;
            call.c_level = c_level;
            call.function_args = function_args;
            // Asked there, not here: this frame is on the path of every nested call
            // (`g(g(g(...)))`), whose depth the stack bounds.
            self.note_capsule_destructor(node, id);
        }
        Ok(value)
    }

    /// `arr.callback_free_data = free`, just lowered as an assignment: the array calls the
    /// function on its `arr.data` when it dies.
    fn note_array_callback(&mut self, value: Node<'_>) {
        let Some(Stmt::Assign { target, .. }) = self.f.blocks[self.current.0 as usize].stmts.last()
        else {
            return;
        };
        let mut data = self.f.place(*target).clone();
        if !matches!(data.path.last(), Some(Projection::Field(name)) if name == "callback_free_data")
        {
            return;
        }
        data.path.pop();
        data.path.push(Projection::Field("data".to_string()));
        let Some(function) = self.named_function(value) else {
            return;
        };
        let array = (data.path.len() == 1 && self.view_arrays.contains(data.root.as_str()))
            .then(|| Place::local(&data.root));
        let data = self.place(data);
        self.f.release_callbacks.push(ReleaseCallback {
            holder: CallbackHolder::ArrayData(data),
            function,
            span: node_span(value),
        });
        // `arr = <double[:n]>p`: the array's `data` is `p`'s block, which `arr` holds as
        // a view of it; from here the array releases it.
        if let Some(array) = array {
            let array = self.place(array);
            self.push(Stmt::Assign {
                target: data,
                value: Value::Place(array),
                span: node_span(value),
            });
        }
    }

    /// `PyCapsule_New(p, name, destructor)` naming a function: the capsule's destructor
    /// releases `p` when the capsule dies. Any other call is no capsule.
    fn note_capsule_destructor(&mut self, node: Node<'_>, call: CallId) {
        let Callee::External { name, .. } = &self.f.calls[call.0 as usize].callee else {
            return;
        };
        let Some(argument) = capsule_destructor(name) else {
            return;
        };
        let Some(&destructor) = self.positional_args(node).get(argument) else {
            return;
        };
        if let Some(function) = self.named_function(destructor) {
            self.f.release_callbacks.push(ReleaseCallback {
                holder: CallbackHolder::Capsule(call),
                function,
                span: node_span(destructor),
            });
        }
    }

    /// The function a name (`_destroy`, `free`) or a module's dotted name
    /// (`stdlib.free`) means where it is written as a value, not called.
    fn named_function(&self, node: Node<'_>) -> Option<Callee> {
        let node = self.strip(node);
        match node.kind_name() {
            "identifier" => match self.names.resolve_name(self.text(node), &self.locals) {
                Callee::Unknown => None,
                callee => Some(callee),
            },
            "attribute" => {
                let name = self.text(node.field("attribute")?);
                let mut receiver = Vec::new();
                let mut object = node.field("object")?;
                for _ in 0..MAX_NESTING {
                    match object.kind_name() {
                        "identifier" => {
                            receiver.push(self.text(object));
                            receiver.reverse();
                            let module = self.names.resolve_module(&receiver, &self.locals)?;
                            return Some(Callee::External {
                                name: name.to_string(),
                                module: Some(module),
                            });
                        }
                        "attribute" => {
                            receiver.push(self.text(object.field("attribute")?));
                            object = object.field("object")?;
                        }
                        _ => return None,
                    }
                }
                None
            }
            _ => None,
        }
    }

    /// The function an argument passes (`free`, `_done`, `&on_done`, `<destructor>f`), or
    /// `Callee::Unknown` for a cast to a function-pointer type of something else.
    fn function_argument(&self, argument: Node<'_>) -> Option<Callee> {
        let mut node = argument;
        loop {
            match node.kind_name() {
                "parenthesized_expression" => node = node.named_child(0)?,
                "address_of_expression" => node = node.field("argument")?,
                "cast_expression" => {
                    let to_function_pointer = node.field("type").is_some_and(|ty| {
                        ty.kind_name() == "function_pointer_type" || self.text(ty).contains("(*")
                    });
                    if to_function_pointer {
                        return Some(Callee::Unknown);
                    }
                    node = node.field("value")?;
                }
                "identifier" => {
                    let callee = self.names.resolve_name(self.text(node), &self.locals);
                    return matches!(callee, Callee::External { .. } | Callee::ModuleFunction(_))
                        .then_some(callee);
                }
                _ => return None,
            }
        }
    }

    /// `ord(c)` of a local declared as a C character (`cdef char c`, `Py_UCS4 ch`):
    /// Cython compiles it to the character's code, with no Python call that could raise.
    fn is_ord_of_c_character(&self, function: Node<'_>, callee: &Callee, node: Node<'_>) -> bool {
        if function.kind_name() != "identifier"
            || !matches!(callee, Callee::Unbound(name) if name == "ord")
        {
            return false;
        }
        let [argument] = self.positional_args(node)[..] else {
            return false;
        };
        let argument = self.strip(argument);
        let name = self.text(argument);
        argument.kind_name() == "identifier"
            && self.locals.contains(name)
            && self.c_typed.contains(name)
            && self.declared.get(name).is_some_and(|declared| {
                let declared = collapse_blanks(declared);
                let declared = declared.strip_prefix("const ").unwrap_or(&declared);
                matches!(
                    declared,
                    "char" | "signed char" | "unsigned char" | "Py_UCS4" | "Py_UNICODE"
                )
            })
    }

    /// Whether what a call names cannot raise by its declaration, whatever the value
    /// behind it: a local or parameter declared as a `noexcept` function pointer
    /// (`cdef cb_t f = square`; `f(x)`), or a `noexcept` method or function pointer
    /// attribute of an object whose class the code declares (`cdef Counter c = obj`,
    /// `(<Counter>obj).get()`, `self.callback(x)`, `Acc.helper(3)` of a static method).
    fn cannot_raise_by_declaration(&self, function: Node<'_>) -> bool {
        match function.kind_name() {
            "identifier" => {
                let name = self.text(function);
                self.locals.contains(name)
                    && self
                        .declared
                        .get(name)
                        .is_some_and(|declared| self.names.is_noexcept_pointer_type(declared))
            }
            "attribute" => {
                let member = function.field("attribute").map(|m| self.text(m));
                let class = function
                    .field("object")
                    .and_then(|object| self.declared_class(object));
                match (class, member) {
                    (Some(class), Some(member)) => {
                        self.names.member_call_raises(&class, member) == Some(false)
                    }
                    _ => false,
                }
            }
            _ => false,
        }
    }

    /// The class an expression's declaration gives it: a cast (`<Counter>obj`,
    /// `<Counter?>obj`, `cython.cast(Counter, obj)`), a declared local or parameter,
    /// `self` in a method, or a class named itself (`Acc.helper`).
    fn declared_class(&self, object: Node<'_>) -> Option<String> {
        let object = self.without_parentheses(object);
        let declared = match object.kind_name() {
            "cast_expression" => self.text(object.field("type")?),
            "call" if self.cython_function(object) == Some("cast") => {
                self.text(*self.positional_args(object).first()?)
            }
            "identifier" => {
                let name = self.text(object);
                if name == "self" && self.f.class.is_some() && !self.f.params.is_empty() {
                    return self.f.class.clone();
                }
                if self.locals.contains(name) {
                    self.declared.get(name)?
                } else if self.names.is_class(name) {
                    name
                } else {
                    return None;
                }
            }
            _ => return None,
        };
        let declared = declared.trim().trim_end_matches('?').trim();
        self.names.is_class(declared).then(|| declared.to_string())
    }

    /// `deref(p).get()`, `deref(it).second.size()`: the object is what a C or C++ pointer
    /// points to, whose methods are C++ methods.
    fn reads_through_dereference(&self, object: Node<'_>) -> bool {
        let mut node = self.strip(object);
        for _ in 0..MAX_NESTING {
            match node.kind_name() {
                "attribute" | "subscript" => match node.field("object").or(node.field("value")) {
                    Some(inner) => node = self.strip(inner),
                    None => return false,
                },
                "call" => {
                    if self.cython_function(node) == Some("operator.dereference") {
                        return true;
                    }
                    let Some(function) = node.field("function") else {
                        return false;
                    };
                    let callee = match function.kind_name() {
                        "identifier" => self.names.resolve_name(self.text(function), &self.locals),
                        _ => return false,
                    };
                    return matches!(
                        callee,
                        Callee::External { name, module: Some(module) }
                            if name == "dereference" && module == "cython.operator"
                    );
                }
                _ => return false,
            }
        }
        false
    }

    /// `p[a:b]`, `p[:n]`: a slice, which Cython copies into a new Python object.
    fn is_slice(&self, node: Node<'_>) -> bool {
        let node = self.strip(node);
        if node.kind_name() != "subscript" {
            return false;
        }
        let mut cursor = node.walk();
        let sliced = node
            .fields("subscript", &mut cursor)
            .any(|index| index.kind_name() == "slice");
        sliced
    }

    /// Whether what `place` names is a C or C++ value, whose methods are C++ methods: a
    /// local declared with a C type that is not an extension type of this file, or a name
    /// neither local nor bound by the file (a `cdef` module variable, a name from a `.pxd`
    /// or a `cimport *`). Python imports, classes and module variables are bound.
    fn is_c_value(&self, place: PlaceId) -> bool {
        let root = self.f.place(place).root.as_str();
        if root == "self" {
            return false;
        }
        if self.locals.contains(root) {
            return self.c_typed.contains(root) && !self.f.instances.contains_key(root);
        }
        self.names.binding(root).is_none() && !PYTHON_MODULES.contains(&root)
    }

    /// `stdlib.malloc`, `libc.stdlib.malloc`, `self.helper`, `obj.method`.
    fn attribute_callee(&mut self, function: Node<'_>) -> Lowered<(Callee, Option<PlaceId>)> {
        let mut parts = Vec::new();
        let mut node = function;
        let mut dotted = true;
        for _ in 0..MAX_NESTING {
            match node.kind_name() {
                "attribute" => {
                    match node.field("attribute") {
                        Some(attribute) => parts.push(self.text(attribute)),
                        None => dotted = false,
                    }
                    match node.field("object") {
                        Some(object) => node = object,
                        None => {
                            dotted = false;
                            break;
                        }
                    }
                }
                "identifier" => {
                    parts.push(self.text(node));
                    break;
                }
                _ => {
                    dotted = false;
                    break;
                }
            }
        }
        parts.reverse();
        if dotted && parts.len() >= 2 {
            let (name, receiver) = parts.split_last().expect("two parts or more");
            if receiver == ["self"] && !self.f.params.is_empty() && self.f.class.is_some() {
                return Ok((Callee::Method(name.to_string()), None));
            }
            if let Some(module) = self.names.resolve_module(receiver, &self.locals) {
                let callee = Callee::External {
                    name: name.to_string(),
                    module: Some(module),
                };
                return Ok((callee, None));
            }
        }
        // A method of some object: the call reads through it (`v.push_back(1)` on a C++
        // pointer, `ops.fn(1)` through a struct pointer's field); a Python object holds no
        // block, so its use says nothing.
        let mut object_place = None;
        if let Some(object) = function.field("object") {
            object_place = self.place_of(object)?;
            if let Some(place) = object_place {
                self.push(Stmt::Use {
                    place,
                    kind: UseKind::Deref,
                    span: node_span(function),
                });
            }
        }
        Ok((Callee::Unknown, object_place))
    }

    /// A call that cannot raise is a statement; one that can ends the block, and what
    /// follows it (the assignment of its result, say) is in the block it returns to.
    fn emit_call(&mut self, callee: Callee, args: Vec<Value>, span: Span) -> Value {
        let can_raise = self.can_raise(&callee);
        self.emit_call_that_raises(callee, args, span, can_raise)
    }

    /// As [`Self::emit_call`], with whether the callee can raise known already.
    fn emit_call_that_raises(
        &mut self,
        callee: Callee,
        args: Vec<Value>,
        span: Span,
        can_raise: bool,
    ) -> Value {
        self.emit_raising_point(callee, args, span, can_raise, Exit::Raise)
    }

    /// As [`Self::emit_call_that_raises`], for a point whose exception goes where `exit`
    /// (a raise, or a `yield`'s `GeneratorExit`) leads.
    fn emit_raising_point(
        &mut self,
        callee: Callee,
        args: Vec<Value>,
        span: Span,
        can_raise: bool,
        exit: Exit,
    ) -> Value {
        let id = CallId(self.f.calls.len() as u32);
        let always_fails = matches!(&callee, Callee::External { .. } | Callee::Unbound(_))
            && ALWAYS_FAIL.contains(&callee.display_name());
        let can_raise = always_fails || can_raise;
        let text = can_raise.then(|| call_text(&self.source[span.start..span.end]));
        // An extern of the file's `.pxd` that binds nothing the analysis follows is not
        // bound here: its calls are `Unbound` by the Cython name, which is the C name
        // unless the declaration renames it (then the call stays a hand-off).
        let const_pointee_args = match &callee {
            Callee::External { name, module: None } | Callee::Unbound(name) => {
                self.names.const_pointee_parameters(name).to_vec()
            }
            _ => Vec::new(),
        };
        self.f.calls.push(Call {
            callee,
            args,
            span,
            text,
            receiver: None,
            c_level: false,
            const_pointee_args,
            function_args: Vec::new(),
        });
        if !can_raise {
            self.push(Stmt::Call(id));
            return Value::Call(id);
        }
        let unwind = self.exit_target(self.frames.len(), exit);
        let return_to = self.new_block();
        self.f.blocks[self.current.0 as usize].terminator = Terminator::Call {
            call: id,
            return_to: (!always_fails).then_some(return_to),
            unwind,
        };
        self.current = return_to;
        self.forget_lengths(span);
        Value::Call(id)
    }
}

/// Modules a file may use without importing them (builtins reached as names).
const PYTHON_MODULES: &[&str] = &["builtins", "__builtins__"];

/// Longest call text kept for messages, in characters.
const CALL_TEXT_LIMIT: usize = 60;

/// A call's text for a message: one line, whitespace runs made one space, and past
/// [`CALL_TEXT_LIMIT`] characters cut with `...`.
fn call_text(written: &str) -> Box<str> {
    let mut text = String::with_capacity(written.len().min(CALL_TEXT_LIMIT + 3));
    for (index, word) in written.split_whitespace().enumerate() {
        if index > 0 && !text.ends_with('(') {
            text.push(' ');
        }
        text.push_str(word);
    }
    if text.chars().count() > CALL_TEXT_LIMIT {
        let cut: String = text.chars().take(CALL_TEXT_LIMIT).collect();
        text = format!("{}...", cut.trim_end());
    }
    text.into_boxed_str()
}

/// The proposition an unknown compile-time condition tests, and whether the condition
/// says it holds (true) or fails (false): `not (c)` is `c` negated, `A != B` is `A == B`
/// negated, so that `IF X != "v"` takes the `ELSE` clause wherever `IF X == "v"` took
/// its first one. Operands are compared by their text with whitespace collapsed.
fn compile_time_atom(condition: Node<'_>, source: &str) -> (String, bool) {
    let collapsed = |node: Node<'_>| {
        let written: Vec<&str> = text(node, source).split_whitespace().collect();
        written.join(" ")
    };
    let mut node = condition;
    let mut polarity = true;
    // Bounded as the evaluation is; deeper nesting keeps its text.
    for _ in 0..32 {
        match node.kind_name() {
            "parenthesized_expression" => match node.named_child(0) {
                Some(inner) => node = inner,
                None => break,
            },
            "not_operator" => match node.field("argument") {
                Some(inner) => {
                    node = inner;
                    polarity = !polarity;
                }
                None => break,
            },
            "comparison_operator" => {
                if let Some((left, operator @ ("==" | "!=" | "<>"), right)) =
                    single_comparison(node)
                {
                    if operator != "==" {
                        polarity = !polarity;
                    }
                    return (
                        format!("{} == {}", collapsed(left), collapsed(right)),
                        polarity,
                    );
                }
                break;
            }
            _ => break,
        }
    }
    (collapsed(node), polarity)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{parse, Dialect};

    fn lower(text: &str) -> Module {
        let tree = parse(text, Dialect::PurePython);
        let names = ModuleNames::collect(tree.root_node(), text);
        let everything: HashSet<String> = ["malloc", "free", "helper", "f", "m", "len", "x"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        lower_module(tree.root_node(), text, &names, &everything, |_| Vec::new())
    }

    /// The words `identifiers` gives are those of splitting on every byte that is no
    /// identifier byte and dropping the empty words and those starting with a digit.
    mod words {
        use super::*;
        use proptest::prelude::*;

        fn split_words(text: &str) -> Vec<&[u8]> {
            text.as_bytes()
                .split(|&b| !(b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80))
                .filter(|word| word.first().is_some_and(|b| !b.is_ascii_digit()))
                .collect()
        }

        #[test]
        fn identifiers_of_examples() {
            for text in [
                "",
                " ",
                "p = <int*>malloc(n)",
                "9lives _x x9 9 é_ü \\nmalloc",
                "a.b[c](d)\n\t# free(p)",
                "ab",
                "1a2b c",
            ] {
                assert_eq!(
                    identifiers(text).collect::<Vec<_>>(),
                    split_words(text),
                    "{text:?}"
                );
            }
        }

        proptest! {
            #[test]
            fn identifiers_split_as_split_does(text in "[a-c0-9_ .()\\\\\n\"é€]{0,40}") {
                prop_assert_eq!(identifiers(&text).collect::<Vec<_>>(), split_words(&text));
            }
        }
    }

    /// Lowers `text` as a .pyx with `cache`.
    fn lower_cached(text: &str, cache: &mut LoweringCache) -> Module {
        let tree = parse(text, Dialect::Cython);
        let names = ModuleNames::collect(tree.root_node(), text);
        let everything: HashSet<String> =
            ["malloc", "free"].iter().map(|s| s.to_string()).collect();
        lower_module_reusing(
            tree.root_node(),
            text,
            &names,
            &everything,
            |_| Vec::new(),
            Some(cache),
        )
    }

    #[test]
    fn steady_locals_are_c_integers_and_booleans_nothing_changes_behind_the_code() {
        let text = "from libc.stdlib cimport malloc, free\n\
                    def f(int n, bint c, bint d, e, double x, int* q, list xs):\n    \
                    cdef char* p = <char*>malloc(n)\n    cdef int mode = 0\n    \
                    cdef size_t k\n    cdef object o = None\n    set_flag(&d)\n    \
                    free(p)\n\n\
                    def g(bint c):\n    cdef char* p = <char*>malloc(1)\n    \
                    def inner():\n        nonlocal c\n        c = False\n    free(p)\n\n\
                    def h(int c):\n    cdef char* p = <char*>malloc(1)\n    \
                    cdef int* r = cython.address(c)\n    free(p)\n\n\
                    def i(int c):\n    cdef char* p = <char*>malloc(1)\n    \
                    cdef int* r = cython.operator.address(c)\n    free(p)\n\n\
                    from cython.operator cimport address\n\
                    def j(int c):\n    cdef char* p = <char*>malloc(1)\n    \
                    cdef int* r = address(c)\n    free(p)\n";
        let module = lower_cached(text, &mut LoweringCache::default());
        let steady = |name: &str| {
            let function = module.functions.iter().find(|f| f.name == name).unwrap();
            function.steady.clone()
        };
        // Not `d` (its address is taken), `e`, `o`, `xs` (Python objects), `x` (a
        // float), `q` and `p` (pointers).
        assert_eq!(steady("f"), ["c", "k", "mode", "n"]);
        // A nested definition may rebind any of them through `nonlocal`.
        assert!(steady("g").is_empty());
        assert!(steady("h").is_empty());
        // The other two spellings of `&c`.
        assert!(steady("i").is_empty());
        assert!(steady("j").is_empty());
    }

    #[test]
    fn reused_functions_are_what_lowering_them_again_gives() {
        let text = "from libc.stdlib cimport malloc, free\n\
                    cdef class Box:\n    cdef char* data\n    \
                    def fill(self, size_t n):\n        self.data = <char*> malloc(n)\n\n\
                    def first(size_t n):\n    cdef char* p = <char*> malloc(n)\n    \
                    p[0] = 1\n    free(p)\n\n\
                    @cython.boundscheck(False)\n\
                    def second(size_t n):\n    cdef char* q = <char*> malloc(n)\n    \
                    if q == NULL:\n        raise MemoryError()\n    \
                    def inner():\n        return q[0]\n    free(q)\n";
        let mut cache = LoweringCache::default();
        lower_cached(text, &mut cache);
        // An edit in `first` moves `second` (and its nested `inner`) by 5 bytes.
        let edited = text.replace("p[0] = 1", "p[0] = 12345");
        let reused = lower_cached(&edited, &mut cache);
        // `Box.fill` and `second` are reused; `first` changed, `inner` is nested, and the
        // module's own body is never kept.
        assert_eq!(cache.reused, 2);
        let mut fresh = LoweringCache::default();
        let again = lower_cached(&edited, &mut fresh);
        assert_eq!(fresh.reused, 0);
        // `place_ids` shows only its length (its order varies); `places` holds the same.
        let shown = |module: &Module| format!("{:?}", module.functions);
        assert_eq!(shown(&reused), shown(&again));
        // A change to what the module binds invalidates everything.
        let rebound = edited.replace("cimport malloc, free", "cimport malloc, free, calloc");
        lower_cached(&rebound, &mut cache);
        assert_eq!(cache.reused, 0);
    }

    fn function<'m>(module: &'m Module, name: &str) -> &'m Function {
        module.functions.iter().find(|f| f.name == name).unwrap()
    }

    fn assumes(function: &Function) -> Vec<(String, bool)> {
        let mut found: Vec<_> = function
            .blocks
            .iter()
            .flat_map(|block| &block.stmts)
            .filter_map(|stmt| match stmt {
                Stmt::Assume {
                    place, non_null, ..
                } => Some((function.place(*place).to_string(), *non_null)),
                _ => None,
            })
            .collect();
        found.sort();
        found
    }

    #[test]
    fn every_null_test_spelling_refines_both_edges() {
        for condition in [
            "not p",
            "p == NULL",
            "p is NULL",
            "NULL == p",
            "p",
            "p is not NULL",
            "p != NULL",
            "(p)",
        ] {
            let text = format!("def f(p):\n    if {condition}:\n        pass\n");
            let module = lower(&text);
            assert_eq!(
                assumes(function(&module, "f")),
                vec![("p".to_string(), false), ("p".to_string(), true)],
                "{condition}"
            );
        }
    }

    #[test]
    fn a_call_of_a_null_test_predicate_refines_its_argument() {
        for (body, call) in [
            ("return p == NULL", "pred(buf)"),
            ("return p is NULL", "pred(buf)"),
            ("return (NULL == p)", "pred(<char*>buf)"),
            ("return not p", "pred(buf)"),
            ("\"Doc.\"\n    return p != NULL", "not pred(buf)"),
            ("return p", "not pred(buf)"),
        ] {
            let text = format!(
                "cdef bint pred(void* p) noexcept:\n    {body}\n\
                 def f(char* buf):\n    if {call}:\n        pass\n"
            );
            let module = lower(&text);
            let refined = assumes(function(&module, "f"));
            let expected = vec![("buf".to_string(), false), ("buf".to_string(), true)];
            assert_eq!(refined, expected, "{body} / {call}");
        }
    }

    #[test]
    fn a_helper_that_does_more_than_a_null_test_refines_nothing() {
        for helper in [
            "cdef bint pred(void* p) noexcept:\n    print(1)\n    return p == NULL\n",
            "cdef bint pred(void* p, void* q) noexcept:\n    return q == NULL\n",
            "cdef bint pred(void* p, size_t n) noexcept:\n    return n == 0\n",
            "cdef bint pred(object p):\n    return not p\n",
            "cdef bint pred(void* p) noexcept:\n    return p == NULL\n\
             cdef bint pred(void* p) noexcept:\n    return p != NULL\n",
        ] {
            let text =
                format!("{helper}def f(char* buf, char* q):\n    if pred(buf, q):\n        pass\n");
            let module = lower(&text);
            let refined = assumes(function(&module, "f"));
            assert!(refined.iter().all(|(place, _)| place != "buf"), "{helper}");
        }
    }

    #[test]
    fn short_circuit_conditions_test_each_operand() {
        let module = lower("def f(p, q):\n    if p == NULL or not q:\n        return\n");
        assert_eq!(
            assumes(function(&module, "f")),
            vec![
                ("p".to_string(), false),
                ("p".to_string(), true),
                ("q".to_string(), false),
                ("q".to_string(), true)
            ]
        );
    }

    #[test]
    fn attribute_and_element_places_are_distinct() {
        let module = lower("def f(self, s):\n    self.data = s.buf\n    s.items[3] = self.data\n");
        let places: Vec<String> = function(&module, "f")
            .places
            .iter()
            .map(ToString::to_string)
            .collect();
        for expected in ["self.data", "s.buf", "s.items[...]"] {
            assert!(places.contains(&expected.to_string()), "{places:?}");
        }
    }

    #[test]
    fn finally_is_lowered_on_the_normal_and_the_abrupt_path() {
        let module = lower(
            "from cython.cimports.libc.stdlib import free\n\
             def f(p, n):\n    try:\n        if n:\n            return 1\n    finally:\n        free(p)\n    return 0\n",
        );
        let f = function(&module, "f");
        let frees = f
            .calls
            .iter()
            .filter(|call| call.callee.display_name() == "free")
            .count();
        assert_eq!(frees, 2);
    }

    #[test]
    fn functions_passed_as_arguments_are_recorded() {
        let module = lower(
            "from libc.stdlib cimport malloc, free\n\
             cdef extern from \"x.h\":\n    void put(const char* t, void* d)\n\
             cdef void done(void* p) noexcept:\n    pass\n\
             def f(void* q, int n):\n    cdef char* p = <char*>malloc(1)\n    \
             put(p, free)\n    put(p, done)\n    put(p, &done)\n    \
             put(p, <void (*)(void*)>q)\n    put(p, (<void*>done))\n    put(p, q)\n    \
             put(p, n)\n",
        );
        let passed: Vec<Vec<String>> = function(&module, "f")
            .calls
            .iter()
            .filter(|call| call.callee.display_name() == "put")
            .map(|call| {
                call.function_args
                    .iter()
                    .map(|f| format!("{f:?}"))
                    .collect()
            })
            .collect();
        let external_free = "External { name: \"free\", module: Some(\"libc.stdlib\") }";
        let done = "ModuleFunction(\"done\")";
        assert_eq!(
            passed,
            vec![
                vec![external_free.to_string()],
                vec![done.to_string()],
                vec![done.to_string()],
                vec!["Unknown".to_string()],
                vec![done.to_string()],
                vec![],
                vec![],
            ]
        );
    }

    /// The terminator of the block that ends in the call of `name`.
    fn call_terminator<'f>(f: &'f Function, name: &str) -> Option<&'f Terminator> {
        f.blocks.iter().map(|block| &block.terminator).find(|t| {
            matches!(t, Terminator::Call { call, .. } if f.call(*call).callee.display_name() == name)
        })
    }

    #[test]
    fn a_call_that_can_raise_unwinds_to_the_handler_or_the_unwind_exit() {
        let module = lower(
            "from cython.cimports.libc.stdlib import malloc\n\
             def g():\n    pass\n\
             def f(n):\n    p = malloc(n)\n    try:\n        g()\n    except ValueError:\n        \
             pass\n    len(p)\n    raise ValueError\n",
        );
        let f = function(&module, "f");
        // `malloc` cannot raise: a statement, no block of its own.
        assert!(call_terminator(f, "malloc").is_none());
        let Some(Terminator::Call {
            return_to: Some(_),
            unwind: handler,
            ..
        }) = call_terminator(f, "g")
        else {
            panic!("g() ends its block: {:?}", f.blocks);
        };
        assert_ne!(*handler, f.unwind_exit);
        let Some(Terminator::Call { unwind, .. }) = call_terminator(f, "len") else {
            panic!("len() ends its block");
        };
        assert_eq!(*unwind, f.unwind_exit);
        // `raise ValueError`; the dispatch re-raises what `except ValueError` does not
        // catch as one more way out of its switch.
        let raises = f
            .blocks
            .iter()
            .filter(|b| b.terminator == Terminator::Raise(f.unwind_exit));
        assert_eq!(raises.count(), 1);
        let rethrows = f.blocks.iter().filter(|b| {
            matches!(&b.terminator, Terminator::Switch(targets) if targets.contains(&f.unwind_exit))
        });
        assert_eq!(rethrows.count(), 1);
        assert_eq!(f.block(f.return_exit).terminator, Terminator::Return);
        assert_eq!(f.block(f.unwind_exit).terminator, Terminator::Unwind);
    }

    #[test]
    fn a_raise_in_a_noexcept_function_leaves_through_the_return_exit() {
        let text =
            "cdef void f(int* p) noexcept:\n    if p == NULL:\n        raise MemoryError()\n";
        let tree = parse(text, Dialect::Cython);
        let names = ModuleNames::collect(tree.root_node(), text);
        let everything: HashSet<String> = ["f"].iter().map(|s| s.to_string()).collect();
        let module = lower_module(tree.root_node(), text, &names, &everything, |_| Vec::new());
        let f = function(&module, "f");
        assert_eq!(f.exception_spec, ExceptionSpec::NoExcept);
        let to_return = f
            .blocks
            .iter()
            .filter(|b| b.terminator == Terminator::Raise(f.return_exit));
        assert_eq!(to_return.count(), 1);
        let into_unwind = f
            .blocks
            .iter()
            .filter(|b| b.successors().any(|s| s == f.unwind_exit));
        assert_eq!(into_unwind.count(), 0);
    }

    #[test]
    fn an_error_return_inside_try_skips_its_handlers_and_runs_its_finally() {
        let handled = lower(
            "cdef int f(int n) except -1:\n    try:\n        return -1\n    except ValueError:\n        n = 2\n    return 0\n",
        );
        let f = function(&handled, "f");
        // The only raise is the error return, and it goes straight out: no dispatch.
        let raises: Vec<&Terminator> = f
            .blocks
            .iter()
            .map(|b| &b.terminator)
            .filter(|t| matches!(t, Terminator::Raise(_)))
            .collect();
        assert_eq!(raises, [&Terminator::Raise(f.unwind_exit)]);
        let finally = lower(
            "cdef int f(int n) except -1:\n    try:\n        return -1\n    finally:\n        n = 2\n    return 0\n",
        );
        let f = function(&finally, "f");
        let Some(Terminator::Raise(entry)) = f
            .blocks
            .iter()
            .map(|b| &b.terminator)
            .find(|t| matches!(t, Terminator::Raise(_)))
        else {
            panic!("the error return raises");
        };
        // Into the abrupt copy of the `finally` body, which then leaves by the unwind exit.
        assert_ne!(*entry, f.unwind_exit);
        assert!(f
            .block(*entry)
            .stmts
            .iter()
            .any(|s| matches!(s, Stmt::Assign { .. })));
        let mut reached = vec![*entry];
        let mut seen = HashSet::new();
        while let Some(block) = reached.pop() {
            if seen.insert(block) {
                reached.extend(f.block(block).successors());
            }
        }
        assert!(seen.contains(&f.unwind_exit));
    }

    #[test]
    fn exceptval_decorators_read_as_except_clauses() {
        let cases = [
            (
                "@cython.exceptval(-1)",
                Some(ExceptionSpec::Propagates),
                Some("-1"),
            ),
            (
                "@cython.exceptval(-1, check=False)",
                Some(ExceptionSpec::Propagates),
                Some("-1"),
            ),
            (
                "@cython.exceptval(-1, check=True)",
                Some(ExceptionSpec::Propagates),
                None,
            ),
            (
                "@cython.exceptval(check=True)",
                Some(ExceptionSpec::Propagates),
                None,
            ),
            (
                "@cython.exceptval(check=False)",
                Some(ExceptionSpec::NoExcept),
                None,
            ),
            (
                "@cython.exceptval(cython.NULL)",
                Some(ExceptionSpec::Propagates),
                Some("NULL"),
            ),
            (
                "@cython.exceptval(value=0)",
                Some(ExceptionSpec::Propagates),
                Some("0"),
            ),
            (
                "@cython.locals(n=cython.int)",
                Some(ExceptionSpec::Propagates),
                None,
            ),
        ];
        for (decorator, spec, error_value) in cases {
            let text =
                format!("import cython\n@cython.cfunc\n{decorator}\ndef f(n):\n    return 0\n");
            let tree = parse(&text, Dialect::PurePython);
            let names = ModuleNames::collect(tree.root_node(), &text);
            let everything: HashSet<String> = ["f"].iter().map(|s| s.to_string()).collect();
            let module = lower_module(tree.root_node(), &text, &names, &everything, |_| Vec::new());
            let f = function(&module, "f");
            assert_eq!(Some(f.exception_spec), spec, "{decorator}");
            assert_eq!(f.error_value.as_deref(), error_value, "{decorator}");
            assert_eq!(
                names.is_noexcept("f"),
                spec == Some(ExceptionSpec::NoExcept),
                "{decorator}"
            );
        }
    }

    #[test]
    fn callees_resolve_through_imports_and_locals() {
        let module = lower(
            "import cython.cimports.libc.stdlib as stdlib\n\
             from cython.cimports.libc.stdlib import free as release\n\
             def helper():\n    pass\n\
             class C:\n    def m(self):\n        self.helper()\n\
             def f(free):\n    stdlib.malloc(1)\n    release(2)\n    helper()\n    free(3)\n    len(4)\n",
        );
        let callees: Vec<Callee> = function(&module, "f")
            .calls
            .iter()
            .map(|call| call.callee.clone())
            .collect();
        assert_eq!(
            callees,
            vec![
                Callee::External {
                    name: "malloc".to_string(),
                    module: Some("libc.stdlib".to_string())
                },
                Callee::External {
                    name: "free".to_string(),
                    module: Some("libc.stdlib".to_string())
                },
                Callee::ModuleFunction("helper".to_string()),
                Callee::Unknown,
                Callee::Unbound("len".to_string()),
            ]
        );
        let method = function(&module, "m");
        assert_eq!(method.class.as_deref(), Some("C"));
        assert_eq!(method.calls[0].callee, Callee::Method("helper".to_string()));
    }

    #[test]
    fn a_method_that_does_nothing_outside_nogil_raises_nothing_of_its_own() {
        let module = lower(
            "class G:\n    def quiet(self):\n        with nogil:\n            x = 1\n    \
             def loud(self):\n        print(1)\n\
             def f(grp):\n    grp.quiet()\n    grp.loud()\n    x = 1\n",
        );
        let c_level: Vec<bool> = function(&module, "f")
            .calls
            .iter()
            .map(|call| call.c_level)
            .collect();
        assert_eq!(c_level, [true, false]);
    }

    #[test]
    fn module_level_code_is_a_body() {
        let module = lower("x = 1\ndef f():\n    pass\n");
        assert_eq!(module.functions[0].kind, FunctionKind::Module);
        assert_eq!(module.functions.len(), 2);
    }
}
