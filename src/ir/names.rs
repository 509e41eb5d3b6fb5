//! Module-level name resolution: which function a name in a call means.
//!
//! Every binding form of Cython and of pure-Python mode is read: `cimport a.b [as c]`,
//! `from a.b cimport x [as y]`, `cdef extern from "h.h": void* malloc(size_t)`,
//! `from cython.cimports.a.b import x`, `import cython.cimports.a.b as c`, and the
//! module's own functions. A local variable of the calling function shadows all of them
//! (the lowering passes its locals in).

use std::collections::{HashMap, HashSet};

use tree_sitter::Node;

use crate::ir::kinds::KindName;
use crate::ir::lower::{declarator_name, for_own_parts, identifiers};
use crate::ir::Callee;
use crate::parse::Fields;

/// What a module-level name is bound to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Binding {
    /// A C function (or anything else) from a cimported module or an extern block.
    Function {
        name: String,
        module: Option<String>,
    },
    /// A cimported module, by its full dotted name (`libc.stdlib`).
    Module(String),
    /// A function defined in this file.
    ModuleFunction(String),
    /// Bound to something that is not a function we know: a Python import, a class, a
    /// module-level variable.
    Other,
}

/// Pure-Python mode spells `cimport` as an import from this package.
const CIMPORTS_PREFIX: &str = "cython.cimports.";

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ModuleNames {
    bindings: HashMap<String, Binding>,
    /// Named integer constants: enumerators (`cdef enum Kind: TEXT = 1`, counted from the
    /// last explicit value) and `DEF X = 3`; also as `Kind.TEXT`. What a tag attribute is
    /// set to and compared with, for the class model's guards.
    constants: HashMap<String, i64>,
    /// Every `DEF` name of this file and its value where it is known: an integer or
    /// boolean expression of literals and earlier known `DEF`s, defined once (a name
    /// defined twice, `IF A: DEF N = 1 ELSE: DEF N = 2`, is unknown).
    compile_time: HashMap<String, Option<CompileTimeValue>>,
    /// Functions and methods of this file (by name) whose exceptions never reach their
    /// caller: declared `noexcept`.
    noexcept: HashSet<String>,
    /// `cdef` functions and methods of this file that return a C value and hold no
    /// `raise` statement: Cython 3 lets their exceptions through, but they have none of
    /// their own (`cdef double angle(...)`, `cdef void list_free(...)`).
    quiet: HashSet<String>,
    /// Functions and methods of this file (by name) whose body makes no call and holds no
    /// `raise` statement outside `with nogil:` (`def _redef(self): with nogil: ierr =
    /// nc_redef(self._grpid)`): a call of one raises nothing of its own.
    silent: HashSet<String>,
    /// Functions and methods of this file (by name) with a body that may raise: a name
    /// defined both ways is not silent.
    loud: HashSet<String>,
    /// C functions declared in this file (by C name) with an exception spec (`except -1`,
    /// `except +`): unlike other extern functions, a call to one can raise.
    raising_externs: HashSet<String>,
    /// C functions declared in an extern block of this file (by C name), with the
    /// positions of their parameters that point to `const` data (`const char*`,
    /// `double const*`; not `char* const`, a const pointer to mutable data). A C function
    /// cannot free through such a pointer without a cast, and C APIs do not take
    /// ownership through one: the caller still owns what it passes there. Declared twice,
    /// only the positions both declarations make const.
    const_pointee_parameters: HashMap<String, Vec<usize>>,
    /// Struct and union types declared in this file: `Buf(data=p, n=n)` builds a C value,
    /// a call that cannot raise.
    structs: HashSet<String>,
    /// `cdef` functions of this file whose body is exactly `return` of a NULL test of one
    /// pointer parameter (`return p == NULL`, `return p is not NULL`, `return not p`): a
    /// branch on a call of one narrows the argument as the test itself would. By name:
    /// the parameter's position and whether a true result means it is not NULL.
    null_predicates: HashMap<String, (usize, bool)>,
    /// Names defined as a function more than once: no predicate summary for them.
    redefined: HashSet<String>,
    /// What each class of this file (or of its `.pxd`) declares that a call can name:
    /// `obj.m(...)` on an `obj` known to be of the class, `Klass.m(...)`.
    classes: HashMap<String, ClassMembers>,
    /// Function pointer types (`ctypedef double (*cb_t)(double) noexcept`, or one declared
    /// in an extern block without an exception spec): a call through one cannot raise.
    noexcept_pointer_types: HashSet<String>,
    /// Plain `ctypedef`s (not of a pointer, array or function), by name: the type they
    /// name, blanks collapsed; a name defined twice as different types maps to "".
    typedefs: HashMap<String, String>,
    /// The names of the enum types declared in this file (`cdef enum Kind`, `ctypedef
    /// enum Kind`, `cpdef enum Kind`): a value of one is a C integer.
    enum_types: HashSet<String>,
}

/// The members of one class that decide whether a call through them can raise.
#[derive(Clone, Debug, Default, PartialEq)]
struct ClassMembers {
    /// The base class named first.
    base: Option<String>,
    /// Methods by name: whether declared `noexcept` (a `cdef` method, or in pure-Python
    /// mode `@cython.exceptval(check=False)`).
    methods: HashMap<String, bool>,
    /// Attributes by name, with their declared type (`cdef cb_t callback`); a function
    /// pointer declared in place (`cdef double (*fn)(double) noexcept`) has the type
    /// [`NOEXCEPT_POINTER`].
    attributes: HashMap<String, String>,
}

/// The declared type of an attribute or local that is a `noexcept` function pointer
/// written in place rather than through a `ctypedef`.
pub const NOEXCEPT_POINTER: &str = "<noexcept function pointer>";

/// Whether a declarator declares a function pointer (`(*f)(double)`), and if so whether a
/// call through it cannot raise: declared `noexcept`, or (in an extern block) declared
/// without an exception spec, which Cython reads as `noexcept` there.
pub fn function_pointer_noexcept(
    declarator: Node<'_>,
    source: &str,
    in_extern: bool,
) -> Option<bool> {
    declarator.field("parameters")?;
    let mut cursor = declarator.walk();
    let pointer = declarator
        .named_children(&mut cursor)
        .any(|child| child.kind_name() == "pointer_declarator");
    if !pointer {
        return None;
    }
    Some(match declarator.field("exception") {
        Some(spec) => text(spec, source).trim_start().starts_with("noexcept"),
        None => in_extern,
    })
}

/// Whether a `cdef` function with a body returns a C value (not a Python object, not
/// `object`, not untyped) and holds no `raise` statement anywhere in its body.
fn raises_only_by_its_spec(function: Node<'_>, source: &str) -> bool {
    let Some(return_type) = function.field("return_type") else {
        return false;
    };
    let returned = text(return_type, source).trim();
    let python_object = matches!(
        returned,
        "object" | "list" | "dict" | "tuple" | "set" | "bytes" | "str" | "unicode"
    ) || returned.contains('.')
        || returned.starts_with(|c: char| c.is_ascii_uppercase()) && !returned.contains('*');
    if python_object {
        return false;
    }
    let Some(body) = function.field("body") else {
        return false;
    };
    // Only the body's own words: a nested definition's `raise` does not run here, and
    // searching every nested body's text again made nested definitions quadratic.
    let mut says_raise_or_gil = false;
    for_own_parts(body, source, &mut |part| {
        says_raise_or_gil = says_raise_or_gil
            || identifiers(text(part, source)).any(|word| word == b"raise" || word == b"gil");
    });
    !says_raise_or_gil
}

/// Whether a function's body does nothing that can raise outside `with nogil:` (where
/// Cython allows no Python operation): its statements there are only declarations without a value, a
/// docstring, `pass` and a bare `return`, and no `with gil:` takes the GIL back.
///
/// The statements are looked at before the text is searched for `gil`: a body holding a
/// nested definition fails at once, so nested definitions never make this quadratic.
fn raises_nothing_of_its_own(body: Node<'_>, source: &str) -> bool {
    let mut cursor = body.walk();
    // Lazily: the first statement that can raise ends the walk of a long body.
    let quiet_statements =
        body.named_children(&mut cursor)
            .all(|statement| match statement.kind_name() {
                "comment" | "pass_statement" => true,
                // `cdef int n = len(x)` initializes by a call.
                "c_variable_declaration" => !text(statement, source).contains(['=', '(']),
                "return_statement" => statement.named_child_count() == 0,
                "expression_statement" => {
                    statement.named_child_count() == 1
                        && statement
                            .named_child(0)
                            .is_some_and(|n| n.kind_name() == "string")
                }
                "with_statement" => text(statement, source)
                    .trim_start_matches("with")
                    .trim_start()
                    .strip_prefix("nogil")
                    .is_some_and(|rest| rest.trim_start().starts_with(':')),
                _ => false,
            });
    quiet_statements
        && !text(body, source)
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .any(|word| word == "gil")
}

/// What a `cdef` function's header says of exceptions: `Some(true)` for `noexcept`,
/// `Some(false)` for an `except ...` clause, `None` for no spec.
pub fn declared_noexcept(
    function: Node<'_>,
    decorated: Option<Node<'_>>,
    source: &str,
) -> Option<bool> {
    Some(exception_clause(function, decorated, source)?.starts_with("noexcept"))
}

/// The exception clause a function declares, without blanks (`except-1`, `except?-1`,
/// `except*`, `except+`, `noexcept`): the `cdef` header's, or in pure-Python mode the
/// one `@cython.exceptval(...)` stands for (`exceptval(-1)` is `except -1`,
/// `exceptval(-1, check=True)` is `except? -1`, `exceptval(check=True)` is `except *`,
/// `exceptval(check=False)` is `noexcept`).
///
/// `decorated` is the function's parent when the caller's walk knows it (a `decorated_definition`
/// or anything else): asking the tree for a parent walks down from the root, which made
/// N nested functions quadratic.
pub fn exception_clause(
    function: Node<'_>,
    decorated: Option<Node<'_>>,
    source: &str,
) -> Option<String> {
    let without_blanks = |node: Node<'_>| -> String {
        text(node, source)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect()
    };
    if let Some(spec) = function.field("exception") {
        return Some(without_blanks(spec));
    }
    let decorated = decorated.filter(|parent| parent.kind_name() == "decorated_definition")?;
    let mut cursor = decorated.walk();
    let decorators: Vec<Node<'_>> = decorated
        .named_children(&mut cursor)
        .filter(|child| child.kind_name() == "decorator")
        .collect();
    decorators.into_iter().find_map(|decorator| {
        let written = without_blanks(decorator);
        let arguments = written
            .strip_prefix("@cython.exceptval(")
            .or_else(|| written.strip_prefix("@exceptval("))?
            .strip_suffix(')')?;
        let (mut value, mut check) = (None, None);
        for argument in arguments.split(',').filter(|a| !a.is_empty()) {
            match argument.strip_prefix("check=") {
                Some(flag) => check = Some(flag == "True"),
                None => {
                    let argument = argument.strip_prefix("value=").unwrap_or(argument);
                    value = Some(argument.strip_prefix("cython.").unwrap_or(argument));
                }
            }
        }
        Some(match (value, check) {
            (None, Some(false)) => "noexcept".to_string(),
            (None, _) => "except*".to_string(),
            (Some(value), Some(true)) => format!("except?{value}"),
            (Some(value), _) => format!("except{value}"),
        })
    })
}

/// Whether a `cdef` function is declared `nogil` (its header, before the body).
pub fn declared_nogil(function: Node<'_>, source: &str) -> bool {
    let Some(parameters) = function.field("parameters") else {
        return false;
    };
    let end = function
        .field("body")
        .map_or(function.end_byte(), |body| body.start_byte());
    source
        .get(parameters.end_byte()..end)
        .is_some_and(|header| {
            header
                .split(|c: char| !c.is_alphanumeric() && c != '_')
                .any(|w| w == "nogil")
        })
}

/// `Some((k, non_null_when_true))` when `function`'s body (after an optional docstring)
/// is a single `return` of a NULL test of its `k`-th parameter, a pointer.
fn null_predicate(function: Node<'_>, source: &str) -> Option<(usize, bool)> {
    let body = function.field("body")?;
    let mut cursor = body.walk();
    let statements: Vec<Node<'_>> = body
        .named_children(&mut cursor)
        .filter(|n| n.kind_name() != "comment")
        .collect();
    let returned = match statements.as_slice() {
        [only] => *only,
        [doc, only]
            if doc.kind_name() == "expression_statement"
                && doc
                    .named_child(0)
                    .is_some_and(|n| n.kind_name() == "string") =>
        {
            *only
        }
        _ => return None,
    };
    if returned.kind_name() != "return_statement" {
        return None;
    }
    let (tested, non_null_when_true) = null_test_of(returned.named_child(0)?, source)?;
    let parameters = function.field("parameters")?;
    let mut cursor = parameters.walk();
    let position = parameters
        .named_children(&mut cursor)
        .filter(|n| n.kind_name() != "comment")
        .position(|parameter| {
            parameter.kind_name() == "c_parameter"
                && parameter
                    .field("name")
                    .is_some_and(|name| text(name, source) == tested)
                && parameter
                    .field("type")
                    .is_some_and(|ty| text(ty, source).contains('*'))
        })?;
    Some((position, non_null_when_true))
}

/// Cython's own names (`libc.string`) for const-qualified types.
const CONST_TYPEDEFS: &[&str] = &["const_char", "const_uchar", "const_schar", "const_void"];

/// The positions of a C function declaration's parameters whose type is a single-level
/// pointer to `const` data: `const double*`, `char const *`, `const_char*`. Not
/// `char* const` (the pointer is const, the data is not), nor `const char**` (the array
/// of pointers it points to is mutable).
fn const_pointee_positions(function: Node<'_>, source: &str) -> Vec<usize> {
    let Some(parameters) = function.field("parameters") else {
        return Vec::new();
    };
    let mut cursor = parameters.walk();
    parameters
        .named_children(&mut cursor)
        .filter(|n| n.kind_name() != "comment")
        .enumerate()
        .filter(|(_, parameter)| {
            parameter.kind_name() == "c_parameter"
                && parameter
                    .field("type")
                    .is_some_and(|ty| points_to_const(text(ty, source)))
        })
        .map(|(position, _)| position)
        .collect()
}

/// Whether a written C type is a single-level pointer to `const` data.
fn points_to_const(written: &str) -> bool {
    if written.matches('*').count() != 1 || written.contains(['[', '(', '&']) {
        return false;
    }
    let (pointee, _) = written.split_once('*').expect("one star");
    pointee
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .any(|word| word == "const" || CONST_TYPEDEFS.contains(&word))
}

/// The name a NULL test of a plain name tests, and whether a true outcome means it is not
/// NULL: `p == NULL`, `NULL != p`, `p is NULL`, `not p`, `p`, in parentheses.
fn null_test_of<'s>(mut node: Node<'_>, source: &'s str) -> Option<(&'s str, bool)> {
    let mut negated = false;
    loop {
        match node.kind_name() {
            "parenthesized_expression" => node = node.named_child(0)?,
            "not_operator" => {
                negated = !negated;
                node = node.field("argument")?;
            }
            _ => break,
        }
    }
    let (name, non_null_when_true) = match node.kind_name() {
        "identifier" => (node, true),
        "comparison_operator" => {
            let (left, operator, right) = single_comparison(node)?;
            let (left, right) = (&left, &right);
            let non_null_when_true = match operator {
                "==" | "is" => false,
                "!=" | "is not" | "<>" => true,
                _ => return None,
            };
            let is_null = |n: &Node<'_>| matches!(text(*n, source), "NULL" | "cython.NULL");
            let tested = if is_null(right) {
                *left
            } else if is_null(left) {
                *right
            } else {
                return None;
            };
            (tested, non_null_when_true)
        }
        _ => return None,
    };
    if name.kind_name() != "identifier" {
        return None;
    }
    Some((text(name, source), non_null_when_true != negated))
}

/// The operands and the operator of a comparison of exactly two operands (`a == b`, `p is
/// not NULL`); `None` for a chain (`0 < i < n`).
///
/// Read by index, not with a cursor: a cursor's step to a sibling costs several hundred
/// instructions, and conditions ask this several times each. A comparison has an
/// operator (anonymous, in `operators`) between each two operands, and a comment among
/// them is a named child as well, so two named children are exactly `left op right`.
pub(crate) fn single_comparison<'t>(node: Node<'t>) -> Option<(Node<'t>, &'t str, Node<'t>)> {
    if node.named_child_count() != 2 {
        return None;
    }
    let operator = node.field("operators")?;
    Some((
        node.named_child(0)?,
        operator.kind_name(),
        node.named_child(1)?,
    ))
}

pub(crate) fn text<'t>(node: Node<'_>, source: &'t str) -> &'t str {
    source.get(node.start_byte()..node.end_byte()).unwrap_or("")
}

impl ModuleNames {
    /// Collects the bindings of a whole file. Imports and extern blocks count wherever they
    /// are (a function-level cimport is rare and binds the same function); definitions
    /// count only at module level.
    pub fn collect(root: Node<'_>, source: &str) -> ModuleNames {
        let mut names = ModuleNames::default();
        names.collect_more(root, source);
        names
    }

    /// [`ModuleNames::collect`] over one more tree of the same file: the trees of a
    /// file's groups of top-level statements, visited in order, bind what the whole
    /// file's tree binds (each group's root is a `module` node, which binds nothing).
    pub fn collect_more(&mut self, root: Node<'_>, source: &str) {
        let names = self;
        let mut cursor = root.walk();
        // The extern blocks and function or class bodies the cursor is inside, by depth.
        let mut scopes: Vec<(usize, bool)> = Vec::new();
        // The classes among them, by depth: whose members the cursor visits.
        let mut classes: Vec<(usize, String)> = Vec::new();
        // The nodes the cursor is inside, outermost first (a function's parent says
        // whether it is decorated).
        let mut ancestors: Vec<Node<'_>> = Vec::new();
        let mut depth = 0usize;
        loop {
            let node = cursor.node();
            let kind = node.kind_name();
            let in_extern = scopes.iter().any(|&(_, is_extern)| is_extern);
            let at_module_level = scopes.iter().all(|&(_, is_extern)| is_extern);
            let parent = ancestors.last().copied();
            // A member when the innermost scope is the class's own body.
            let class = classes
                .last()
                .filter(|(class_depth, _)| scopes.last().is_some_and(|(d, _)| d == class_depth))
                .map(|(_, name)| name.as_str());
            if let Some(class) = class {
                names.visit_member(node, parent, class, source);
            }
            let binds_more = names.visit(node, parent, kind, source, in_extern, at_module_level);
            let descend = binds_more && holds_statements(kind);
            if descend && cursor.goto_first_child() {
                ancestors.push(node);
                if kind == "extern_block" {
                    scopes.push((depth, true));
                } else if opens_scope(kind) {
                    scopes.push((depth, false));
                    if matches!(kind, "class_definition" | "cdef_class") {
                        let name = node.field("name").map(|n| text(n, source).to_string());
                        classes.push((depth, name.unwrap_or_default()));
                    }
                }
                depth += 1;
                continue;
            }
            loop {
                if cursor.goto_next_sibling() {
                    break;
                }
                if !cursor.goto_parent() {
                    return;
                }
                ancestors.pop();
                depth -= 1;
                if scopes.last().is_some_and(|&(d, _)| d == depth) {
                    scopes.pop();
                }
                if classes.last().is_some_and(|(d, _)| *d == depth) {
                    classes.pop();
                }
            }
        }
    }

    /// Records a member of `class` declared by `node`, a statement of the class body.
    fn visit_member(
        &mut self,
        node: Node<'_>,
        parent: Option<Node<'_>>,
        class: &str,
        source: &str,
    ) {
        // Looked up before it is inserted: every statement of a class body comes here, and
        // the name is copied once per class.
        if !self.classes.contains_key(class) {
            self.classes
                .insert(class.to_string(), ClassMembers::default());
        }
        let Some(members) = self.classes.get_mut(class) else {
            return;
        };
        match node.kind_name() {
            "cdef_function" | "function_definition" => {
                if let Some(name) = node.field("name") {
                    let noexcept = declared_noexcept(node, parent, source) == Some(true);
                    members
                        .methods
                        .insert(text(name, source).to_string(), noexcept);
                }
            }
            "c_variable_declaration" => {
                let declared = node
                    .field("type")
                    .map(|t| text(t, source).trim().to_string());
                let mut cursor = node.walk();
                for declarator in node.children_by_field_name("declarator", &mut cursor) {
                    let Some(name) = declarator_name(declarator) else {
                        continue;
                    };
                    let declared = match function_pointer_noexcept(declarator, source, false) {
                        Some(true) => Some(NOEXCEPT_POINTER.to_string()),
                        Some(false) => None,
                        None => declared.clone(),
                    };
                    if let Some(declared) = declared {
                        members
                            .attributes
                            .insert(text(name, source).to_string(), declared);
                    }
                }
            }
            _ => {}
        }
    }

    /// Records what `node` binds; returns whether its children may bind more.
    fn visit(
        &mut self,
        node: Node<'_>,
        parent: Option<Node<'_>>,
        kind: &str,
        source: &str,
        in_extern: bool,
        at_module_level: bool,
    ) -> bool {
        match kind {
            "cimport_statement" => {
                self.bind_module_imports(node, source, "");
                false
            }
            "import_statement" => {
                self.bind_module_imports(node, source, CIMPORTS_PREFIX);
                false
            }
            "cimport_from_statement" => {
                self.bind_from_import(node, source, true);
                false
            }
            "import_from_statement" => {
                self.bind_from_import(node, source, false);
                false
            }
            "cdef_function" | "function_definition" => {
                if let Some(name) = node.field("name") {
                    let name = text(name, source).to_string();
                    let has_body = node.field("body").is_some();
                    let spec = declared_noexcept(node, parent, source);
                    if spec == Some(true) {
                        self.noexcept.insert(name.clone());
                    }
                    if at_module_level && has_body && !in_extern {
                        let seen = self.null_predicates.remove(&name).is_some()
                            || matches!(self.bindings.get(&name), Some(Binding::ModuleFunction(_)));
                        if seen {
                            self.redefined.insert(name.clone());
                        }
                        let predicate = (kind == "cdef_function")
                            .then(|| null_predicate(node, source))
                            .flatten();
                        if let Some(predicate) =
                            predicate.filter(|_| !self.redefined.contains(&name))
                        {
                            self.null_predicates.insert(name.clone(), predicate);
                        }
                    }
                    if kind == "cdef_function" && has_body && raises_only_by_its_spec(node, source)
                    {
                        self.quiet.insert(name.clone());
                    }
                    if let (Some(body), false) = (node.field("body"), in_extern) {
                        if raises_nothing_of_its_own(body, source) {
                            self.silent.insert(name.clone());
                        } else {
                            self.loud.insert(name.clone());
                        }
                    }
                    if in_extern || !has_body {
                        // `void* xmalloc "malloc" (size_t)`: the C name says which function.
                        let c_name = node
                            .field("c_name")
                            .map(|n| text(n, source).trim_matches(['"', '\'']).to_string());
                        let c_name = c_name.unwrap_or_else(|| name.clone());
                        // Outside an extern block a prototype is a cdef function declared
                        // ahead: it propagates unless it says `noexcept`.
                        if spec == Some(false) || (spec.is_none() && !in_extern) {
                            self.raising_externs.insert(c_name.clone());
                        }
                        if in_extern {
                            // A capsule keeps its name for its life: declared in the
                            // file's own extern block, as cimported from `cpython`, its
                            // `const char*` hands the block off.
                            let keeps_name = super::capsules::capsule_function(&c_name)
                                .is_some_and(|function| function.keeps_name);
                            let positions = if keeps_name {
                                Vec::new()
                            } else {
                                const_pointee_positions(node, source)
                            };
                            self.const_pointee_parameters
                                .entry(c_name.clone())
                                .and_modify(|earlier| earlier.retain(|p| positions.contains(p)))
                                .or_insert(positions);
                        }
                        let binding = Binding::Function {
                            name: c_name,
                            module: None,
                        };
                        self.bindings.insert(name, binding);
                    } else if at_module_level {
                        self.bindings
                            .insert(name.clone(), Binding::ModuleFunction(name));
                    }
                }
                // Function bodies bind nothing at module level, but may hold imports.
                true
            }
            "ctypedef_statement" => {
                let mut cursor = node.walk();
                for declarator in node.children_by_field_name("declarator", &mut cursor) {
                    let noexcept = function_pointer_noexcept(declarator, source, in_extern);
                    if let (Some(true), Some(name)) = (noexcept, declarator_name(declarator)) {
                        self.noexcept_pointer_types
                            .insert(text(name, source).to_string());
                    }
                    // `ctypedef int mode_t`: only a declarator that is its bare name.
                    let plain = declarator_name(declarator)
                        .filter(|name| text(*name, source) == text(declarator, source).trim());
                    if let (Some(name), Some(written)) = (plain, node.field("type")) {
                        let written = text(written, source)
                            .split_whitespace()
                            .collect::<Vec<_>>()
                            .join(" ");
                        self.typedefs
                            .entry(text(name, source).to_string())
                            .and_modify(|earlier| {
                                if *earlier != written {
                                    earlier.clear();
                                }
                            })
                            .or_insert(written);
                    }
                }
                false
            }
            "class_definition" | "cdef_class" | "struct_declaration" | "cppclass_declaration"
                if at_module_level =>
            {
                if let Some(name) = node.field("name") {
                    let name = text(name, source).to_string();
                    if matches!(kind, "class_definition" | "cdef_class") {
                        let base = node.field("superclasses").and_then(|list| {
                            let mut cursor = list.walk();
                            let first = list.named_children(&mut cursor).next();
                            first.map(|n| text(n, source).to_string())
                        });
                        self.classes.entry(name.clone()).or_default().base = base;
                    }
                    if node.kind_name() == "struct_declaration" {
                        self.structs.insert(name.clone());
                    }
                    self.bindings.insert(name, Binding::Other);
                }
                true
            }
            "enum_declaration" => {
                if let Some(name) = node.field("name") {
                    self.enum_types.insert(text(name, source).to_string());
                }
                self.bind_enumerators(node, source);
                false
            }
            "compile_time_definition" => {
                let name = node.field("name");
                let value = node.field("value");
                if let (Some(name), Some(value)) = (name, value) {
                    let name = text(name, source).to_string();
                    let known = self.compile_time_value(value, source);
                    self.compile_time
                        .entry(name.clone())
                        .and_modify(|earlier| *earlier = None)
                        .or_insert(known);
                    if let Some(value) = integer_literal(text(value, source)) {
                        self.constants.insert(name, value);
                    }
                }
                false
            }
            "expression_statement" if at_module_level => {
                let mut cursor = node.walk();
                for assignment in node.named_children(&mut cursor) {
                    let left = assignment
                        .field("left")
                        .filter(|_| assignment.kind_name() == "assignment");
                    if let Some(left) = left.filter(|left| left.kind_name() == "identifier") {
                        self.bindings
                            .insert(text(left, source).to_string(), Binding::Other);
                    }
                }
                false
            }
            _ => true,
        }
    }

    /// The enumerators of an enum with known values: an explicit literal, or one more
    /// than the one before (from 0). An enumerator whose value is an expression ends it.
    fn bind_enumerators(&mut self, node: Node<'_>, source: &str) {
        let Some(body) = node.field("body") else {
            return;
        };
        let enum_name = node.field("name").map(|n| text(n, source));
        let mut next = 0i64;
        let mut cursor = body.walk();
        for enumerator in body.named_children(&mut cursor) {
            if enumerator.kind_name() != "enumerator" {
                continue;
            }
            let Some(name) = enumerator.field("name") else {
                continue;
            };
            let value = match enumerator.field("value") {
                Some(value) => match integer_literal(text(value, source)) {
                    Some(value) => value,
                    None => return,
                },
                None => next,
            };
            let name = text(name, source);
            self.constants.insert(name.to_string(), value);
            if let Some(enum_name) = enum_name {
                self.constants.insert(format!("{enum_name}.{name}"), value);
            }
            next = value.saturating_add(1);
        }
    }

    /// The value of a named constant (`TEXT`, `Kind.TEXT`, a `DEF`).
    pub fn constant(&self, name: &str) -> Option<i64> {
        self.constants.get(name).copied()
    }

    /// Whether a compile-time condition (an `IF`/`ELIF` condition) holds, as Cython
    /// decides it: `Some` where every name it needs is a `DEF` of known value or the
    /// condition's truth follows without the unknown part (`X or True`, `K == 1 or
    /// UNAME_SYSNAME == "Linux"` with `K` 1: `or` is true when either side is, `and` false
    /// when either side is, whatever the other). `None` for anything that cannot be
    /// evaluated, which includes Cython's predefined names (`UNAME_SYSNAME`: they depend
    /// on the machine that builds), never a guess of false.
    pub fn compile_time_truth(&self, node: Node<'_>, source: &str) -> Option<bool> {
        self.truth_within(node, source, 0)
    }

    fn truth_within(&self, node: Node<'_>, source: &str, depth: usize) -> Option<bool> {
        if depth > 32 {
            return None;
        }
        let truth = |node: Node<'_>| self.truth_within(node, source, depth + 1);
        match node.kind_name() {
            "parenthesized_expression" => truth(node.named_child(0)?),
            "not_operator" => truth(node.field("argument")?).map(|holds| !holds),
            "boolean_operator" => {
                let left = node.field("left").and_then(truth);
                let right = node.field("right").and_then(truth);
                match node.field("operator")?.kind_name() {
                    "and" => match (left, right) {
                        (Some(false), _) | (_, Some(false)) => Some(false),
                        (Some(true), Some(true)) => Some(true),
                        _ => None,
                    },
                    "or" => match (left, right) {
                        (Some(true), _) | (_, Some(true)) => Some(true),
                        (Some(false), Some(false)) => Some(false),
                        _ => None,
                    },
                    _ => None,
                }
            }
            _ => self
                .compile_time_within(node, source, depth + 1)
                .map(|value| value.truthy()),
        }
    }

    /// The value of a compile-time expression (a `DEF` value, an operand of an `IF`
    /// condition) where every name in it is a `DEF` of known value: Cython's compile-time
    /// types (integers and booleans, floats, `str` and `bytes` literals, tuples), `not`,
    /// `and`/`or` (which give an operand, as in Python), comparisons (chained too),
    /// arithmetic, `len()`. `None` for anything else.
    pub fn compile_time_value(&self, node: Node<'_>, source: &str) -> Option<CompileTimeValue> {
        self.compile_time_within(node, source, 0)
    }

    fn compile_time_within(
        &self,
        node: Node<'_>,
        source: &str,
        depth: usize,
    ) -> Option<CompileTimeValue> {
        use CompileTimeValue::{Bytes, Float, Int, Str, Tuple};
        // Deeper than any hand-written condition; the bound keeps the recursion shallow.
        if depth > 32 {
            return None;
        }
        let value = |node: Node<'_>| self.compile_time_within(node, source, depth + 1);
        match node.kind_name() {
            "integer" => integer_literal(text(node, source)).map(Int),
            "float" => {
                let written: String = text(node, source).chars().filter(|c| *c != '_').collect();
                written
                    .parse::<f64>()
                    .ok()
                    .filter(|v| v.is_finite())
                    .map(Float)
            }
            "true" => Some(Int(1)),
            "false" => Some(Int(0)),
            "string" => string_literal(node, source),
            "concatenated_string" => {
                let mut cursor = node.walk();
                let mut parts = node.named_children(&mut cursor).map(value);
                let first = parts.next()??;
                parts.try_fold(first, |joined, part| match (joined, part?) {
                    (Str(a), Str(b)) => Str(a + &b).within_len_cap(),
                    (Bytes(mut a), Bytes(b)) => {
                        a.extend(b);
                        Bytes(a).within_len_cap()
                    }
                    _ => None,
                })
            }
            "tuple" => {
                let mut cursor = node.walk();
                let items: Option<Vec<CompileTimeValue>> =
                    node.named_children(&mut cursor).map(value).collect();
                items.map(Tuple)
            }
            "identifier" => self.compile_time.get(text(node, source)).cloned().flatten(),
            "parenthesized_expression" => value(node.named_child(0)?),
            "not_operator" => self
                .truth_within(node.field("argument")?, source, depth + 1)
                .map(|holds| Int(i64::from(!holds))),
            "boolean_operator" => {
                let left = value(node.field("left")?)?;
                match (node.field("operator")?.kind_name(), left.truthy()) {
                    ("and", false) | ("or", true) => Some(left),
                    ("and" | "or", _) => value(node.field("right")?),
                    _ => None,
                }
            }
            "unary_operator" => {
                let operand = value(node.field("argument")?)?;
                match (node.field("operator")?.kind_name(), operand) {
                    ("-", Int(v)) => v.checked_neg().map(Int),
                    ("-", Float(v)) => Some(Float(-v)),
                    ("+", number @ (Int(_) | Float(_))) => Some(number),
                    ("~", Int(v)) => Some(Int(!v)),
                    _ => None,
                }
            }
            "comparison_operator" => {
                let mut cursor = node.walk();
                let operands: Vec<Node<'_>> = node.named_children(&mut cursor).collect();
                let mut cursor = node.walk();
                let operators: Vec<&str> = node
                    .fields("operators", &mut cursor)
                    .map(|n| n.kind_name())
                    .collect();
                if operands.len() != operators.len() + 1 || operators.is_empty() {
                    return None;
                }
                // A chain (`0 < N < 8`) holds when every link does.
                let mut left = value(operands[0])?;
                for (operator, right) in operators.iter().zip(&operands[1..]) {
                    let right = value(*right)?;
                    if !left.compare(operator, &right)? {
                        return Some(Int(0));
                    }
                    left = right;
                }
                Some(Int(1))
            }
            "binary_operator" => {
                let left = value(node.field("left")?)?;
                let right = value(node.field("right")?)?;
                left.arithmetic(node.field("operator")?.kind_name(), right)
            }
            "call" => {
                let function = node.field("function")?;
                let arguments = node.field("arguments")?;
                let mut cursor = arguments.walk();
                let arguments: Vec<Node<'_>> = arguments.named_children(&mut cursor).collect();
                match (text(function, source), arguments.as_slice()) {
                    ("len", [argument]) => match value(*argument)? {
                        Str(s) => i64::try_from(s.chars().count()).ok().map(Int),
                        Bytes(b) => i64::try_from(b.len()).ok().map(Int),
                        Tuple(items) => i64::try_from(items.len()).ok().map(Int),
                        _ => None,
                    },
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// `cimport a.b`, `cimport a.b as c`, and pure-Python `import cython.cimports.a.b as c`.
    fn bind_module_imports(&mut self, node: Node<'_>, source: &str, strip: &str) {
        let mut cursor = node.walk();
        for name in node.fields("name", &mut cursor) {
            let (dotted, alias) = imported_name(name, source);
            let Some(dotted) = dotted else { continue };
            let is_cimport = strip.is_empty() || dotted.starts_with(strip);
            let module = dotted.strip_prefix(strip).unwrap_or(dotted);
            match alias {
                Some(alias) => {
                    let binding = if is_cimport {
                        Binding::Module(module.to_string())
                    } else {
                        Binding::Other
                    };
                    self.bindings.insert(alias.to_string(), binding);
                }
                None => {
                    // `cimport libc.stdlib` binds `libc`; the dotted rest is resolved at the
                    // call. `import cython.cimports.libc.stdlib` binds `cython`.
                    let first = dotted.split('.').next().unwrap_or(dotted);
                    let binding = if is_cimport && strip.is_empty() {
                        Binding::Module(first.to_string())
                    } else if first == "cython" {
                        Binding::Module("cython".to_string())
                    } else {
                        Binding::Other
                    };
                    self.bindings.insert(first.to_string(), binding);
                }
            }
        }
    }

    /// `from a.b cimport x as y` and pure-Python `from cython.cimports.a.b import x as y`.
    fn bind_from_import(&mut self, node: Node<'_>, source: &str, is_cimport: bool) {
        let module = node
            .field("module_name")
            .map(|n| text(n, source))
            .unwrap_or("");
        let (is_cimport, module) = if is_cimport {
            (true, module)
        } else if module == "cython.cimports" {
            (true, "")
        } else if let Some(rest) = module.strip_prefix(CIMPORTS_PREFIX) {
            (true, rest)
        } else {
            (false, module)
        };
        let mut cursor = node.walk();
        for name in node.fields("name", &mut cursor) {
            let (original, alias) = imported_name(name, source);
            let Some(original) = original else { continue };
            let local = alias.unwrap_or(original);
            let binding = if !is_cimport {
                Binding::Other
            } else {
                Binding::Function {
                    name: original.to_string(),
                    module: Some(module.to_string()),
                }
            };
            self.bindings.insert(local.to_string(), binding);
        }
    }

    /// The local names bound to functions whose own name is one of `originals`
    /// (`c_malloc` for `from libc.stdlib cimport malloc as c_malloc`).
    pub fn aliases_of<'s>(
        &'s self,
        originals: &'s HashSet<String>,
    ) -> impl Iterator<Item = &'s str> {
        self.bindings
            .iter()
            .filter_map(move |(local, binding)| match binding {
                Binding::Function { name, .. } if originals.contains(name) => Some(local.as_str()),
                _ => None,
            })
    }

    /// Whether a `cdef` function or method of this file named `name` returns a C value and
    /// holds no `raise` statement (see [`ModuleNames::quiet`]).
    pub fn is_quiet(&self, name: &str) -> bool {
        self.quiet.contains(name)
    }

    /// The parameter a NULL-test predicate of this file tests, and whether its true result
    /// means that argument is not NULL (see [`ModuleNames::null_predicates`]).
    pub fn null_predicate(&self, name: &str) -> Option<(usize, bool)> {
        self.null_predicates.get(name).copied()
    }

    /// Whether every function or method of this file named `name` has a body that makes
    /// no call and holds no `raise` outside `with nogil:` (see [`ModuleNames::silent`]).
    pub fn is_silent(&self, name: &str) -> bool {
        self.silent.contains(name) && !self.loud.contains(name)
    }

    /// Whether `name` is a struct or union type of this file (its constructor is a C
    /// value, not a Python call).
    pub fn is_struct(&self, name: &str) -> bool {
        self.structs.contains(name)
    }

    /// Whether a declared type is a C integer or boolean once this file's `ctypedef`s are
    /// followed (`ctypedef int mode_t`, `ctypedef mode_t level_t`, in an extern block
    /// too), an enum of this file, or `Py_UCS4`: a value that only its own assignments
    /// change. A typedef of a struct, a pointer or an unknown type is none.
    pub fn is_integer_like(&self, declared: &str) -> bool {
        let mut written = declared.trim();
        for _ in 0..16 {
            let integer = super::lower::is_integer_type(written)
                || written.split_whitespace().all(|word| {
                    let word = word.rsplit('.').next().unwrap_or(word);
                    matches!(
                        word,
                        "bint" | "char" | "signed" | "unsigned" | "Py_UCS4" | "Py_UNICODE"
                    )
                });
            if integer || self.enum_types.contains(written) {
                return !written.is_empty();
            }
            match self.typedefs.get(written) {
                Some(next) => written = next,
                None => return false,
            }
        }
        false
    }

    /// Whether a function or method of this file named `name` is declared `noexcept`.
    pub fn is_noexcept(&self, name: &str) -> bool {
        self.noexcept.contains(name)
    }

    /// Whether `name` is a class of this file (or of its `.pxd`).
    pub fn is_class(&self, name: &str) -> bool {
        self.classes.contains_key(name)
    }

    /// Whether a call of `member` of an object of `class` cannot raise: a method of the
    /// class or its bases declared `noexcept`, or an attribute holding a `noexcept`
    /// function pointer. `None` when the file does not declare the member.
    pub fn member_call_raises(&self, class: &str, member: &str) -> Option<bool> {
        let mut next = Some(class);
        for _ in 0..64 {
            let members = self.classes.get(next?)?;
            if let Some(&noexcept) = members.methods.get(member) {
                return Some(!noexcept);
            }
            if let Some(declared) = members.attributes.get(member) {
                return Some(!self.is_noexcept_pointer_type(declared));
            }
            next = members.base.as_deref();
        }
        None
    }

    /// Whether a call through a value of this declared type cannot raise: a `noexcept`
    /// function pointer type.
    pub fn is_noexcept_pointer_type(&self, declared: &str) -> bool {
        let declared = declared.trim();
        declared == NOEXCEPT_POINTER || self.noexcept_pointer_types.contains(declared)
    }

    /// Whether the C function declared here under this C name has an `except` spec.
    pub fn extern_raises(&self, c_name: &str) -> bool {
        self.raising_externs.contains(c_name)
    }

    /// The positions of the parameters of the extern C function declared under this C
    /// name that point to `const` data (see [`ModuleNames::const_pointee_parameters`]).
    pub fn const_pointee_parameters(&self, c_name: &str) -> &[usize] {
        self.const_pointee_parameters
            .get(c_name)
            .map_or(&[], Vec::as_slice)
    }

    /// Adds which parameters of the outer file's externs point to const data, without
    /// overriding this file's own declarations.
    pub fn inherit_const_pointees(&mut self, outer: &ModuleNames) {
        for (name, positions) in &outer.const_pointee_parameters {
            self.const_pointee_parameters
                .entry(name.clone())
                .or_insert_with(|| positions.clone());
        }
    }

    /// Adds the `DEF`s of the files this one sees (its `.pxd`, the files it includes, the
    /// file that includes it) to its own, which win. A name two of them define with
    /// different values (`IF X: include "a.pxi" ELSE: include "b.pxi"`) is unknown.
    pub fn inherit_compile_time(&mut self, outers: &[&ModuleNames]) {
        let mut seen: HashMap<&str, Option<&CompileTimeValue>> = HashMap::new();
        for outer in outers {
            for (name, value) in &outer.compile_time {
                seen.entry(name.as_str())
                    .and_modify(|earlier| {
                        if *earlier != value.as_ref() {
                            *earlier = None;
                        }
                    })
                    .or_insert(value.as_ref());
            }
        }
        for (name, value) in seen {
            self.compile_time
                .entry(name.to_string())
                .or_insert_with(|| value.cloned());
        }
    }

    /// Adds what the cimports and extern declarations of a file this one sees bind (a
    /// `.pyx` sees its `.pxd`'s, a `.pxi` those of the file that includes it), without
    /// overriding this file's own names. The outer file's own functions and other names
    /// are not this file's.
    pub fn inherit(&mut self, outer: &ModuleNames) {
        for (name, value) in &outer.constants {
            self.constants.entry(name.clone()).or_insert(*value);
        }
        for (name, binding) in &outer.bindings {
            if matches!(binding, Binding::Function { .. } | Binding::Module(_)) {
                self.bindings
                    .entry(name.clone())
                    .or_insert_with(|| binding.clone());
            }
        }
        // An extern declared in the outer file raises as it says there, and its
        // parameters point to const data as it says there.
        self.raising_externs
            .extend(outer.raising_externs.iter().cloned());
        self.inherit_const_pointees(outer);
        // A class a `.pxd` declares is the class the `.pyx` implements: the `.pxd`
        // declares its attributes, and its methods' exception specs.
        self.noexcept_pointer_types
            .extend(outer.noexcept_pointer_types.iter().cloned());
        for (class, outer_members) in &outer.classes {
            let members = self.classes.entry(class.clone()).or_default();
            if members.base.is_none() {
                members.base.clone_from(&outer_members.base);
            }
            for (name, noexcept) in &outer_members.methods {
                members.methods.entry(name.clone()).or_insert(*noexcept);
            }
            for (name, declared) in &outer_members.attributes {
                members
                    .attributes
                    .entry(name.clone())
                    .or_insert_with(|| declared.clone());
            }
        }
    }

    pub fn binding(&self, name: &str) -> Option<&Binding> {
        self.bindings.get(name)
    }

    /// The callee a plain name `f(...)` means inside a function with these locals.
    pub fn resolve_name(&self, name: &str, locals: &HashSet<String>) -> Callee {
        if locals.contains(name) {
            return Callee::Unknown;
        }
        match self.bindings.get(name) {
            Some(Binding::Function { name, module }) => Callee::External {
                name: name.clone(),
                module: module.clone(),
            },
            Some(Binding::ModuleFunction(name)) => Callee::ModuleFunction(name.clone()),
            Some(Binding::Module(_)) | Some(Binding::Other) => Callee::Unknown,
            None => Callee::Unbound(name.to_string()),
        }
    }

    /// The module a dotted receiver (`stdlib`, `libc.stdlib`, `cython.cimports.libc.stdlib`)
    /// names, if it names one through a cimport.
    pub fn resolve_module(&self, dotted: &[&str], locals: &HashSet<String>) -> Option<String> {
        let (first, rest) = dotted.split_first()?;
        if locals.contains(*first) {
            return None;
        }
        let base = match self.bindings.get(*first)? {
            Binding::Module(module) => module.clone(),
            // `from libc cimport stdlib`: the imported name is itself a module; `from .
            // cimport alloc` names the sibling `.alloc`.
            Binding::Function {
                name,
                module: Some(module),
            } if !module.is_empty() && module.chars().all(|c| c == '.') => {
                format!("{module}{name}")
            }
            Binding::Function {
                name,
                module: Some(module),
            } if !module.is_empty() => format!("{module}.{name}"),
            Binding::Function {
                name,
                module: Some(_),
            } => name.clone(),
            _ => return None,
        };
        let mut module = base;
        for part in rest {
            module.push('.');
            module.push_str(part);
        }
        if let Some(stripped) = module.strip_prefix(CIMPORTS_PREFIX) {
            module = stripped.to_string();
        }
        Some(module)
    }
}

/// Nodes that may hold statements (and so bindings, definitions, bodies); expressions
/// never do, so walks need not enter them (lambdas aside, see the lowering).
pub(crate) fn holds_statements(kind: &str) -> bool {
    matches!(
        kind,
        "module"
            | "block"
            | "function_definition"
            | "cdef_function"
            | "class_definition"
            | "cdef_class"
            | "decorated_definition"
            | "if_statement"
            | "elif_clause"
            | "else_clause"
            | "for_statement"
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
            | "property_block"
            | "cppclass_declaration"
            | "ERROR"
    )
}

/// Nodes whose inside is not module scope.
pub(crate) fn opens_scope(kind: &str) -> bool {
    matches!(
        kind,
        "function_definition"
            | "cdef_function"
            | "lambda"
            | "class_definition"
            | "cdef_class"
            | "cppclass_declaration"
            | "struct_declaration"
    )
}

/// The name an import clause imports and the alias it binds it to, if any: `a.b` and `c`
/// for `a.b as c`.
fn imported_name<'s>(name: Node<'_>, source: &'s str) -> (Option<&'s str>, Option<&'s str>) {
    match name.kind_name() {
        "aliased_import" => (
            name.field("name").map(|n| text(n, source)),
            name.field("alias").map(|n| text(n, source)),
        ),
        _ => (Some(text(name, source)), None),
    }
}

/// A value of Cython's compile-time language (what a `DEF` may hold): booleans are the
/// integers 0 and 1, as in Python.
#[derive(Clone, Debug, PartialEq)]
pub enum CompileTimeValue {
    Int(i64),
    Float(f64),
    Str(String),
    Bytes(Vec<u8>),
    Tuple(Vec<CompileTimeValue>),
}

/// The longest `str`, `bytes` or tuple value the evaluator keeps: each `DEF` may join
/// the one before it to itself (`DEF B = A + A`), so forty lines could ask for a terabyte.
/// A longer value is unknown, as is any condition that reads it.
const MAX_COMPILE_TIME_LEN: usize = 4096;

impl CompileTimeValue {
    /// `self`, unless it is longer than [`MAX_COMPILE_TIME_LEN`].
    fn within_len_cap(self) -> Option<CompileTimeValue> {
        let len = match &self {
            CompileTimeValue::Str(s) => s.len(),
            CompileTimeValue::Bytes(b) => b.len(),
            CompileTimeValue::Tuple(items) => items.len(),
            CompileTimeValue::Int(_) | CompileTimeValue::Float(_) => 0,
        };
        (len <= MAX_COMPILE_TIME_LEN).then_some(self)
    }

    /// Python's truth: zero and the empty are false.
    pub fn truthy(&self) -> bool {
        match self {
            CompileTimeValue::Int(v) => *v != 0,
            CompileTimeValue::Float(v) => *v != 0.0,
            CompileTimeValue::Str(s) => !s.is_empty(),
            CompileTimeValue::Bytes(b) => !b.is_empty(),
            CompileTimeValue::Tuple(items) => !items.is_empty(),
        }
    }

    /// Python's ordering of two values, where Python has one (numbers among themselves,
    /// `str` with `str`, `bytes` with `bytes`, tuples item by item).
    fn ordering(&self, other: &CompileTimeValue) -> Option<std::cmp::Ordering> {
        use CompileTimeValue::{Bytes, Float, Int, Str, Tuple};
        match (self, other) {
            (Int(a), Int(b)) => Some(a.cmp(b)),
            (Int(a), Float(b)) => (*a as f64).partial_cmp(b),
            (Float(a), Int(b)) => a.partial_cmp(&(*b as f64)),
            (Float(a), Float(b)) => a.partial_cmp(b),
            (Str(a), Str(b)) => Some(a.cmp(b)),
            (Bytes(a), Bytes(b)) => Some(a.cmp(b)),
            (Tuple(a), Tuple(b)) => {
                for (x, y) in a.iter().zip(b) {
                    match x.ordering(y)? {
                        std::cmp::Ordering::Equal => continue,
                        unequal => return Some(unequal),
                    }
                }
                Some(a.len().cmp(&b.len()))
            }
            _ => None,
        }
    }

    /// `self OPERATOR other` as Python evaluates it; `None` where Python raises
    /// (`"a" < 1`) or the operator is not one of the six comparisons.
    fn compare(&self, operator: &str, other: &CompileTimeValue) -> Option<bool> {
        use std::cmp::Ordering::{Equal, Greater, Less};
        let ordering = self.ordering(other);
        match operator {
            // Values Python cannot order are unequal (`"1" == 1` is False).
            "==" => Some(ordering == Some(Equal)),
            "!=" | "<>" => Some(ordering != Some(Equal)),
            "<" => Some(ordering? == Less),
            "<=" => Some(ordering? != Greater),
            ">" => Some(ordering? == Greater),
            ">=" => Some(ordering? != Less),
            _ => None,
        }
    }

    fn arithmetic(self, operator: &str, other: CompileTimeValue) -> Option<CompileTimeValue> {
        use CompileTimeValue::{Bytes, Float, Int, Str, Tuple};
        match (self, other) {
            (Int(left), Int(right)) => match operator {
                "+" => left.checked_add(right).map(Int),
                "-" => left.checked_sub(right).map(Int),
                "*" => left.checked_mul(right).map(Int),
                "/" if right != 0 => Some(Float(left as f64 / right as f64)),
                // Python's: rounded toward minus infinity, the remainder takes the
                // divisor's sign.
                "//" | "%" if right != 0 => {
                    let quotient = left.checked_div(right)?;
                    let remainder = left.checked_rem(right)?;
                    let floor = remainder != 0 && (remainder < 0) != (right < 0);
                    Some(Int(match (operator, floor) {
                        ("//", true) => quotient - 1,
                        ("//", false) => quotient,
                        (_, true) => remainder + right,
                        (_, false) => remainder,
                    }))
                }
                "&" => Some(Int(left & right)),
                "|" => Some(Int(left | right)),
                "^" => Some(Int(left ^ right)),
                "<<" => u32::try_from(right)
                    .ok()
                    .and_then(|shift| left.checked_shl(shift))
                    .map(Int),
                ">>" => u32::try_from(right)
                    .ok()
                    .and_then(|shift| left.checked_shr(shift))
                    .map(Int),
                _ => None,
            },
            (left @ (Int(_) | Float(_)), right @ (Int(_) | Float(_))) => {
                let as_float = |v: CompileTimeValue| match v {
                    Int(v) => v as f64,
                    Float(v) => v,
                    _ => f64::NAN,
                };
                let (left, right) = (as_float(left), as_float(right));
                let result = match operator {
                    "+" => left + right,
                    "-" => left - right,
                    "*" => left * right,
                    "/" if right != 0.0 => left / right,
                    _ => return None,
                };
                result.is_finite().then_some(Float(result))
            }
            (Str(left), Str(right)) if operator == "+" => Str(left + &right).within_len_cap(),
            (Bytes(mut left), Bytes(right)) if operator == "+" => {
                left.extend(right);
                Bytes(left).within_len_cap()
            }
            (Tuple(mut left), Tuple(right)) if operator == "+" => {
                left.extend(right);
                Tuple(left).within_len_cap()
            }
            _ => None,
        }
    }
}

/// A `str` or `bytes` literal (`"pymem"`, `b'x'`, `r"\d"`), with the common escapes; an
/// f-string or an escape not decoded here has no known value.
fn string_literal(node: Node<'_>, source: &str) -> Option<CompileTimeValue> {
    let mut cursor = node.walk();
    let parts: Vec<Node<'_>> = node.children(&mut cursor).collect();
    let start = parts.first().filter(|n| n.kind_name() == "string_start")?;
    let opening = text(*start, source);
    let prefix = opening.trim_end_matches(['"', '\'']).to_ascii_lowercase();
    if prefix.contains('f') || prefix.chars().any(|c| !matches!(c, 'b' | 'r' | 'u')) {
        return None;
    }
    let raw = prefix.contains('r');
    let mut content = String::new();
    for part in &parts[1..] {
        match part.kind_name() {
            "string_end" => break,
            "string_content" => {
                let written = text(*part, source);
                if raw {
                    content.push_str(written);
                    continue;
                }
                let mut chars = written.chars();
                while let Some(c) = chars.next() {
                    if c != '\\' {
                        content.push(c);
                        continue;
                    }
                    content.push(match chars.next()? {
                        'n' => '\n',
                        't' => '\t',
                        'r' => '\r',
                        // `\012` is octal (a newline), not a NUL then `12`.
                        '0' if !chars.clone().next().is_some_and(|c| c.is_digit(8)) => '\0',
                        escaped @ ('\\' | '\'' | '"') => escaped,
                        _ => return None,
                    });
                }
            }
            _ => return None,
        }
    }
    if prefix.contains('b') {
        content
            .is_ascii()
            .then(|| CompileTimeValue::Bytes(content.into_bytes()))
    } else {
        Some(CompileTimeValue::Str(content))
    }
}

/// `3`, `-1`, `0x10`, `(2)`: an integer literal's value.
fn integer_literal(written: &str) -> Option<i64> {
    let written: String = written
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '(' && *c != ')' && *c != '_')
        .collect();
    let (negative, digits) = match written.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, written.as_str()),
    };
    let digits = digits.trim_end_matches(['l', 'L', 'u', 'U']);
    let value = match digits.get(..2) {
        Some("0x" | "0X") => i64::from_str_radix(&digits[2..], 16).ok()?,
        _ => digits.parse::<i64>().ok()?,
    };
    Some(if negative { -value } else { value })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{parse, Dialect};

    fn collect(text: &str) -> ModuleNames {
        let tree = parse(text, Dialect::Cython);
        ModuleNames::collect(tree.root_node(), text)
    }

    #[test]
    fn extern_parameters_pointing_to_const_data() {
        let names = collect(
            "cdef extern from \"x.h\":\n    int f(const double* a, char const *b, char * const c, \
             const char** d, double* e, const char*, int n, const_char* g) nogil\n    \
             int g \"c_g\"(const void* p)\n",
        );
        assert_eq!(names.const_pointee_parameters("f"), &[0, 1, 5, 7]);
        assert_eq!(names.const_pointee_parameters("c_g"), &[0]);
        assert_eq!(names.const_pointee_parameters("g"), &[] as &[usize]);
    }

    #[test]
    fn capsule_functions_declared_here_keep_their_const_name() {
        let names = collect(
            "cdef extern from \"Python.h\":\n    object PyCapsule_New(void* p, const char* name, \
             PyCapsule_Destructor d)\n    int PyCapsule_SetName(object c, const char* name)\n    \
             void* PyCapsule_GetPointer(object c, const char* name)\n",
        );
        assert_eq!(
            names.const_pointee_parameters("PyCapsule_New"),
            &[] as &[usize]
        );
        assert_eq!(
            names.const_pointee_parameters("PyCapsule_SetName"),
            &[] as &[usize]
        );
        assert_eq!(names.const_pointee_parameters("PyCapsule_GetPointer"), &[1]);
    }

    #[test]
    fn redeclared_extern_keeps_only_positions_both_make_const() {
        let names = collect(
            "cdef extern from \"x.h\":\n    int f(const char* a, const char* b)\n\
             cdef extern from \"y.h\":\n    int f(char* a, const char* b)\n",
        );
        assert_eq!(names.const_pointee_parameters("f"), &[1]);
    }

    #[test]
    fn prototypes_outside_extern_blocks_are_not_read() {
        let names =
            collect("cdef int f(const char* a)\ncdef int f(const char* a):\n    return 0\n");
        assert_eq!(names.const_pointee_parameters("f"), &[] as &[usize]);
    }

    /// The truth of each top-level `IF` condition of `text`, in order.
    fn conditions(text: &str) -> Vec<Option<bool>> {
        let tree = parse(text, Dialect::Cython);
        let names = ModuleNames::collect(tree.root_node(), text);
        let mut cursor = tree.root_node().walk();
        let statements: Vec<Node<'_>> = tree.root_node().named_children(&mut cursor).collect();
        statements
            .into_iter()
            .filter(|node| node.kind_name() == "compile_time_if")
            .map(|node| names.compile_time_truth(node.field("condition").unwrap(), text))
            .collect()
    }

    #[test]
    fn compile_time_conditions_follow_cythons_types() {
        let text = "DEF S = \"pymem\"\nDEF B = b\"x\\n\"\nDEF V = 3.5\nDEF T = (1, 2)\n\
                    DEF N = 1\nDEF J = 'py' 'mem'\nDEF W = V * 2 + N\n\
                    IF S == \"pymem\":\n    pass\n\
                    IF S != \"pymem\":\n    pass\n\
                    IF B == b\"x\\n\":\n    pass\n\
                    IF V > 3:\n    pass\n\
                    IF len(T) == 2:\n    pass\n\
                    IF not (V < 1 or B != b\"x\\n\"):\n    pass\n\
                    IF J == S and W == 8.0:\n    pass\n\
                    IF 0 < N <= 1 < V:\n    pass\n\
                    IF S == 1:\n    pass\n\
                    IF T == (1, 2) and T < (1, 3):\n    pass\n\
                    IF 7 // -2 == -4 and 7 % -2 == -1 and 7 / 2 == 3.5:\n    pass\n";
        assert_eq!(
            conditions(text),
            vec![
                Some(true),
                Some(false),
                Some(true),
                Some(true),
                Some(true),
                Some(true),
                Some(true),
                Some(true),
                // A str is never equal to an int (Python's `==`, no error).
                Some(false),
                Some(true),
                Some(true),
            ]
        );
    }

    #[test]
    fn unevaluable_compile_time_conditions_are_unknown_not_false() {
        let text = "DEF N = 1\nDEF TWICE = 1\nDEF TWICE = 2\n\
                    IF UNAME_SYSNAME == \"Linux\":\n    pass\n\
                    IF UNAME_SYSNAME == \"Linux\" or True:\n    pass\n\
                    IF N == 1 or UNAME_MACHINE == \"arm64\":\n    pass\n\
                    IF N == 2 and UNAME_RELEASE == \"6\":\n    pass\n\
                    IF N == 1 and UNAME_VERSION == \"6\":\n    pass\n\
                    IF not UNAME_NODENAME:\n    pass\n\
                    IF TWICE == 2:\n    pass\n\
                    IF \"a\" < 1:\n    pass\n\
                    IF f\"{N}\" == \"1\":\n    pass\n\
                    IF CONFIG_FROM_AN_UNREAD_INCLUDE:\n    pass\n\
                    IF \"\\012\" == \"\\0\" + \"12\":\n    pass\n";
        // Each DEF doubles the one before: past the length cap the value is unknown,
        // where evaluating it would ask for 2^40 bytes.
        let doubling: String = std::iter::once("DEF D0 = \"xx\"\n".to_string())
            .chain((1..=40).map(|i| format!("DEF D{i} = D{} + D{}\n", i - 1, i - 1)))
            .collect();
        assert_eq!(
            conditions(&(doubling + "IF D40 == D40:\n    pass\nIF D10 == D10:\n    pass\n")),
            vec![None, Some(true)]
        );
        assert_eq!(
            conditions(text),
            vec![
                None,
                Some(true),
                Some(true),
                Some(false),
                None,
                None,
                None,
                // Python raises comparing a str with an int: not decided.
                None,
                None,
                None,
                // An octal escape is not decoded: unknown, not a NUL then `12`.
                None,
            ]
        );
    }
}
