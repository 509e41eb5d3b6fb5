//! The intermediate representation: each function body as a control-flow graph of simple
//! statements over places.
//!
//! The IR is what the ownership analysis reads. It knows nothing of allocator families:
//! a call records *which function* it names (after imports, aliases and shadowing are
//! resolved, see [`Callee`]); deciding that `malloc` allocates is the ownership layer's job.
//! Only [`lower`] and [`names`] look at the tree-sitter tree.
//!
//! Invariants (rustc's MIR in spirit): every block's statements run in order, then its
//! [`Terminator`] says where control goes. A condition's refinements (NULL tests) are the
//! effects of its edges: `Assume` statements at the head of a block that only that edge
//! enters. A call that can raise ends its block with [`Terminator::Call`], whose unwind
//! edge goes to the innermost `except`/`finally` or to [`Function::unwind_exit`]; a call
//! that cannot raise (`malloc`, a `noexcept` function) is a [`Stmt::Call`] and has no edge
//! of its own. Only [`Function::return_exit`] ends in [`Terminator::Return`] and only
//! [`Function::unwind_exit`] in [`Terminator::Unwind`].

pub mod capsules;
mod kinds;
pub mod lower;
pub mod names;

use std::collections::HashMap;
use std::fmt;
use std::hash::BuildHasher as _;

use crate::diagnostic::Span;

/// One step from a place to a place inside it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Projection {
    /// `.name`: a field of a struct or an attribute of an object.
    Field(String),
    /// `[i]`: any element; every index is the same place, so updates through it are weak.
    Index,
    /// `[k]` with a constant index: one element, updated strongly; it is also one of the
    /// elements `[i]` stands for.
    Element(u64),
}

/// The place that holds the block a returned view (`return <double[:n]>p`) shows the
/// caller, from the `return` on: no code names it.
pub const RETURNED_VIEW: &str = "(returned view)";

/// Where a pointer can be stored: a local or global, `self.attr`, `s.buf`, `p[i]`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Place {
    pub root: String,
    pub path: Vec<Projection>,
}

impl Place {
    pub fn local(name: &str) -> Place {
        Place {
            root: name.to_string(),
            path: Vec::new(),
        }
    }

    /// Whether a store here replaces the old value (`p = ...`) rather than adding a
    /// possibility (`ptrs[i] = ...` changes one element of many).
    pub fn is_strong(&self) -> bool {
        !self.path.contains(&Projection::Index)
    }

    /// `self.data` for `self`: the place is an attribute of the method's receiver.
    pub fn self_attribute(&self) -> Option<&str> {
        match self.path.as_slice() {
            [Projection::Field(name)] if self.root == "self" => Some(name),
            _ => None,
        }
    }

    /// `data` for `self.data`, `ctx.buf` for `self.ctx.buf` (a field of a struct-valued
    /// attribute): what the receiver holds, by path.
    pub fn self_attribute_path(&self) -> Option<String> {
        if self.root != "self" || self.path.is_empty() {
            return None;
        }
        let mut names = Vec::with_capacity(self.path.len());
        for step in &self.path {
            let Projection::Field(name) = step else {
                return None;
            };
            names.push(name.as_str());
        }
        Some(names.join("."))
    }

    /// `self.ctx.buf` for `ctx.buf`.
    pub fn of_self_attribute(path: &str) -> Place {
        Place {
            root: "self".to_string(),
            path: path
                .split('.')
                .map(|name| Projection::Field(name.to_string()))
                .collect(),
        }
    }

    /// `p[0]` for a parameter `p`: where an out-parameter allocator stores its block.
    pub fn out_slot(param: &str) -> Place {
        Place {
            root: param.to_string(),
            path: vec![Projection::Element(0)],
        }
    }

    /// `a[...]` for a constant element `a[k]`: the place any element stands for.
    pub fn any_element(&self) -> Option<Place> {
        let (Projection::Element(_), outer) = self.path.split_last()? else {
            return None;
        };
        let mut path = outer.to_vec();
        path.push(Projection::Index);
        Some(Place {
            root: self.root.clone(),
            path,
        })
    }

    /// Whether `other` lies inside this place (`s.buf` inside `s`), itself excluded.
    pub fn strictly_contains(&self, other: &Place) -> bool {
        self.root == other.root
            && other.path.len() > self.path.len()
            && other.path[..self.path.len()] == self.path[..]
    }
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.root)?;
        for step in &self.path {
            match step {
                Projection::Field(name) => write!(f, ".{name}")?,
                Projection::Index => f.write_str("[...]")?,
                Projection::Element(index) => write!(f, "[{index}]")?,
            }
        }
        Ok(())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PlaceId(pub u32);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BlockId(pub u32);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CallId(pub u32);

/// Which function a call names, as far as the file tells.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Callee {
    /// Bound by a `cimport`/`import` or declared in a `cdef extern from` block:
    /// the function's own name (aliases undone) and the module it came from (`None` for
    /// an extern declaration).
    External {
        name: String,
        module: Option<String>,
    },
    /// A `def`/`cdef`/`cpdef` function of this module.
    ModuleFunction(String),
    /// `self.name(...)`: a method of the enclosing class.
    Method(String),
    /// A name the file never binds: a builtin, or a cimport made by the module's own
    /// .pxd or by the file that includes this .pxi.
    Unbound(String),
    /// C++ `new T(...)`.
    CppNew,
    /// A local variable, an attribute of an object, any other expression.
    Unknown,
}

impl Callee {
    /// The name shown in messages.
    pub fn display_name(&self) -> &str {
        match self {
            Callee::External { name, .. }
            | Callee::ModuleFunction(name)
            | Callee::Method(name)
            | Callee::Unbound(name) => name,
            Callee::CppNew => "new",
            Callee::Unknown => "a function",
        }
    }
}

/// The value of one argument, or of a right-hand side, as far as ownership cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Value {
    /// The pointer held in a place (`p`, `<T*>p`, `p + 1`: arithmetic keeps the block).
    Place(PlaceId),
    /// `NULL`.
    Null,
    /// What a call returned.
    Call(CallId),
    /// `&place` (`&self.data`, `address(buf)`): a pointer to the place itself, through
    /// which a callee may store a new block there (an out-parameter allocator).
    Address(PlaceId),
    /// Anything else: numbers, Python objects, expressions of no interest.
    Other,
}

#[derive(Clone, Debug)]
pub struct Call {
    pub callee: Callee,
    pub args: Vec<Value>,
    /// The whole call expression.
    pub span: Span,
    /// For a call that can raise, the call as written (whitespace runs made one space,
    /// a long one shortened): the rules name it in messages, and they see no source text.
    pub text: Option<Box<str>>,
    /// `obj` in `obj.method(...)`, when it is a place (an object's method, not a module's
    /// function).
    pub receiver: Option<PlaceId>,
    /// Whether the call is C-level code that raises only through a declaration the
    /// analysis does not read: a method of a C or C++ value (`v.push_back(x)`: only if
    /// declared `except +`), or a `cdef` function of this file that returns a C value and
    /// holds no `raise` statement (whose summary may still say it raises through a Python
    /// call in its body: `Summary::raises`).
    pub c_level: bool,
    /// The positions of the arguments whose parameter the extern declaration this file
    /// sees declares a pointer to `const` data (`int step(const double* p)`): the C
    /// function reads the block there and does not take it over.
    pub const_pointee_args: Vec<usize>,
    /// The functions passed as arguments (`free`, `_done`, `&callback`, a cast to a
    /// function-pointer type: `Callee::Unknown`): a destructor or callback that comes
    /// with a `const T*` argument may free the block, so the call does not just lend it.
    pub function_args: Vec<Callee>,
}

/// Why a pointer is read through.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UseKind {
    /// `p[i]`, `p[0] = x`, `p.field`, `dereference(p)`.
    Deref,
    /// `(p + i)[0]`: arithmetic on the pointer, then a dereference.
    Arithmetic,
}

#[derive(Clone, Debug)]
pub enum Stmt {
    /// A call is evaluated (its arguments were evaluated by the statements before it).
    Call(CallId),
    /// `target = value`.
    Assign {
        target: PlaceId,
        value: Value,
        span: Span,
    },
    /// The pointer in `place` is read through.
    Use {
        place: PlaceId,
        kind: UseKind,
        span: Span,
    },
    /// Along this edge the condition says `place` is (not) NULL.
    Assume {
        place: PlaceId,
        non_null: bool,
        /// Whether the test compares with NULL (`p == NULL`), rather than testing the
        /// value's truth (`if p:`, `if self.owner:`), which flags share with pointers.
        against_null: bool,
        span: Span,
    },
    /// A compound condition tests `place` against NULL on some of its paths; see
    /// `lower::Lowerer::branch`. The block counts as checked, its outcome unknown.
    Examined { place: PlaceId },
    /// `return value`: the value leaves the function.
    Return { value: Value, span: Span },
    /// `del place` (C++ `delete` for pointers).
    Delete { place: PlaceId, span: Span },
    /// `&place` is taken: whatever receives the address may store a new pointer there.
    AddressTaken { place: PlaceId },
    /// The block `place` holds leaves the function inside another value: an integer
    /// handle (`return <size_t>p`, `table[<size_t>p] = n`), an element of a returned
    /// tuple (`return p, n`), a field of a returned struct (`return {'data': p}`,
    /// `Buf(data=p)`). A hand-off, though the value is not the pointer itself.
    Escape { place: PlaceId, span: Span },
    /// `n += 1`, `p += 1`: the value changed by arithmetic; a pointer keeps its block, but
    /// constants and what they implied no longer hold.
    Modified { place: PlaceId },
    /// A branch ahead tests this place in a way the analysis does not evaluate
    /// (`self.n > 0`, `self.data != self.small`): the class model trusts such a guard in
    /// `__dealloc__` rather than blame the path it skips.
    Tested { place: PlaceId },
    /// A `raise` (or a failed `assert`) leaves here: the path ends by an exception, not a
    /// return. Summaries read it; the ownership dataflow ignores it.
    Raise,
    /// The assignment just before stored a constant (`self.kind = 2`, `self.closed =
    /// True`): what a flag holds, for the class model's guards. The ownership dataflow
    /// ignores it.
    Constant { place: PlaceId, value: i64 },
    /// Along this edge the condition says `place <relation> value` (`if self.kind == 2:`,
    /// `if self.borrowed != 1:`, `if self.size > 0:`): what a flag holds, for the class
    /// model's guards and the correlated conditions of locals.
    Compare {
        place: PlaceId,
        value: i64,
        relation: Relation,
    },
}

/// How a [`Stmt::Compare`] relates a place to a constant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Relation {
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
}

impl Relation {
    /// `==`/`is`, `!=`/`is not`/`<>`, `<`, `<=`, `>`, `>=`.
    pub fn from_operator(operator: &str) -> Option<Relation> {
        Some(match operator {
            "==" | "is" => Relation::Equal,
            "!=" | "is not" | "<>" => Relation::NotEqual,
            "<" => Relation::Less,
            "<=" => Relation::LessOrEqual,
            ">" => Relation::Greater,
            ">=" => Relation::GreaterOrEqual,
            _ => return None,
        })
    }

    /// `a == b` for `equal`, `a != b` otherwise.
    pub fn equality(equal: bool) -> Relation {
        if equal {
            Relation::Equal
        } else {
            Relation::NotEqual
        }
    }

    /// What the false edge of the test says.
    pub fn negated(self) -> Relation {
        match self {
            Relation::Equal => Relation::NotEqual,
            Relation::NotEqual => Relation::Equal,
            Relation::Less => Relation::GreaterOrEqual,
            Relation::LessOrEqual => Relation::Greater,
            Relation::Greater => Relation::LessOrEqual,
            Relation::GreaterOrEqual => Relation::Less,
        }
    }

    /// The same test with its operands swapped (`0 < n` is `n > 0`).
    pub fn swapped(self) -> Relation {
        match self {
            Relation::Less => Relation::Greater,
            Relation::LessOrEqual => Relation::GreaterOrEqual,
            Relation::Greater => Relation::Less,
            Relation::GreaterOrEqual => Relation::LessOrEqual,
            equality => equality,
        }
    }

    /// Whether `held <relation> value`.
    pub fn holds(self, held: i64, value: i64) -> bool {
        match self {
            Relation::Equal => held == value,
            Relation::NotEqual => held != value,
            Relation::Less => held < value,
            Relation::LessOrEqual => held <= value,
            Relation::Greater => held > value,
            Relation::GreaterOrEqual => held >= value,
        }
    }

    pub fn symbol(self) -> &'static str {
        match self {
            Relation::Equal => "==",
            Relation::NotEqual => "!=",
            Relation::Less => "<",
            Relation::LessOrEqual => "<=",
            Relation::Greater => ">",
            Relation::GreaterOrEqual => ">=",
        }
    }
}

/// How a block ends: where control goes after its statements.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Terminator {
    /// Control continues in one block.
    Goto(BlockId),
    /// A condition: control continues in one of these blocks, each of which begins with
    /// what its edge implies (the `Assume` of a NULL test).
    Switch(Vec<BlockId>),
    /// A call that can raise. It returns to `return_to` (`None`: it never returns
    /// normally, like `PyErr_NoMemory()`); its exception goes to `unwind`. The call's
    /// effects hold on the return edge only; the unwind edge carries the state before it.
    Call {
        call: CallId,
        return_to: Option<BlockId>,
        unwind: BlockId,
    },
    /// `raise`, a failing `assert`: to the innermost handler or `finally`, or out of the
    /// function (the unwind exit; the return exit in a `noexcept` function, where Cython
    /// prints "Exception ignored" and returns).
    Raise(BlockId),
    /// The return exit: the function returns to its caller.
    Return,
    /// The unwind exit: an exception leaves the function.
    Unwind,
    /// Control never gets past this block (`abort()`), or nothing jumps here yet.
    #[default]
    Unreachable,
}

impl Terminator {
    /// Every block control may continue in, the unwind edge last.
    pub fn successors(&self) -> impl Iterator<Item = BlockId> + '_ {
        let (slice, first, second): (&[BlockId], Option<BlockId>, Option<BlockId>) = match self {
            Terminator::Goto(target) | Terminator::Raise(target) => (&[], Some(*target), None),
            Terminator::Switch(targets) => (targets.as_slice(), None, None),
            Terminator::Call {
                return_to, unwind, ..
            } => (&[], *return_to, Some(*unwind)),
            Terminator::Return | Terminator::Unwind | Terminator::Unreachable => (&[], None, None),
        };
        slice.iter().copied().chain(first).chain(second)
    }

    /// Whether the edge to `target` is taken only when a call raises (the call may return
    /// too): facts about how a function ends ignore such paths.
    pub fn unwinds_to(&self, target: BlockId) -> bool {
        matches!(self, Terminator::Call { return_to: Some(to), unwind, .. }
            if *unwind == target && *to != target)
    }
}

#[derive(Clone, Debug, Default)]
pub struct Block {
    pub stmts: Vec<Stmt>,
    pub terminator: Terminator,
}

impl Block {
    pub fn successors(&self) -> impl Iterator<Item = BlockId> + '_ {
        self.terminator.successors()
    }

    /// The call this block ends in, if it ends in one that can raise.
    pub fn terminating_call(&self) -> Option<CallId> {
        match self.terminator {
            Terminator::Call { call, .. } => Some(call),
            _ => None,
        }
    }

    /// Every call the block makes, in order (statements, then the terminator's).
    pub fn calls(&self) -> impl Iterator<Item = CallId> + '_ {
        self.stmts
            .iter()
            .filter_map(|stmt| match stmt {
                Stmt::Call(call) => Some(*call),
                _ => None,
            })
            .chain(self.terminating_call())
    }
}

/// What a function declares about exceptions (`except -1`, `except? -1`, `except *`,
/// `except +`, `noexcept`, or nothing).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExceptionSpec {
    /// Exceptions reach the caller: a `def`, a `cdef` with an `except` clause, or a `cdef`
    /// without one (Cython 3's default outside extern blocks).
    Propagates,
    /// `noexcept` (or an extern C function declared without a spec): an exception inside
    /// is printed as "Exception ignored" and the function returns to its caller.
    NoExcept,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FunctionKind {
    /// The module's top-level statements.
    Module,
    Def,
    Cdef,
    Cpdef,
    Lambda,
}

/// One lowered body.
#[derive(Clone, Debug)]
pub struct Function {
    pub name: String,
    pub kind: FunctionKind,
    /// The class whose method this is, if any.
    pub class: Option<String>,
    /// The name (or, for a lambda or the module, the start of the body).
    pub name_span: Span,
    pub span: Span,
    pub params: Vec<String>,
    pub blocks: Vec<Block>,
    pub entry: BlockId,
    /// Where every normal return meets; ends in [`Terminator::Return`].
    pub return_exit: BlockId,
    /// Where every exception that leaves the function meets; ends in
    /// [`Terminator::Unwind`]. Unreachable in a `noexcept` function.
    pub unwind_exit: BlockId,
    pub exception_spec: ExceptionSpec,
    pub places: Vec<Place>,
    pub calls: Vec<Call>,
    /// Locals declared as instances of an extension type of this file (`cdef W w`, the
    /// factory idiom `w = W.__new__(W)`), with the class: their attributes are the
    /// class's as much as `self`'s.
    pub instances: HashMap<String, String>,
    /// Names a `global` or `nonlocal` statement binds: a block stored in one outlives
    /// the function.
    pub globals: Vec<String>,
    /// The names the function binds itself (parameters included, `global` names not),
    /// sorted: a place rooted anywhere else (`_pool[i]`, a module-level array) is the
    /// module's, and outlives the call.
    pub locals: Vec<String>,
    /// The locals of a C integer or boolean type (`bint c`, `cdef int mode`) whose value
    /// only a statement of the function on the place itself changes: never address-taken
    /// (`&c`, `cython.address(c)`), in a function with no nested definition (whose
    /// `nonlocal` could rebind them) and no C++ reference local. Sorted. Two tests of one
    /// with no store between see the same value (the dataflow correlates them).
    pub steady: Vec<String>,
    /// Each `raise` statement that leaves its block, with the block it ends: where a path
    /// leaves by raising, for the rules' labels.
    pub raises: Vec<(BlockId, Span)>,
    /// Pairs of places a condition compares with each other (`a is not b`, `a != b`).
    pub compared: Vec<(PlaceId, PlaceId)>,
    /// Pointers whose value the IR drops where the code uses it: cast to an integer
    /// (`<size_t>p`), viewed as a memoryview (`<char[:n]>p`), given as a keyword argument
    /// or inside a C tuple or struct argument. Where they go from there is not followed,
    /// so nothing may conclude that the function keeps no pointer to their block.
    pub untracked: Vec<PlaceId>,
    /// The error value a `cdef` function declares without `?` (`NULL` for `except NULL`,
    /// `-1`): returning it propagates an exception, so callers never receive it.
    pub error_value: Option<String>,
    /// Functions handed the release of a block: a capsule's destructor, a Cython array's
    /// `callback_free_data`. CY002 compares the family they release with the block's.
    pub release_callbacks: Vec<ReleaseCallback>,
    place_ids: PlaceIndex,
}

/// A function named where a block's release is handed to it, to be called later.
#[derive(Clone, Debug)]
pub struct ReleaseCallback {
    pub holder: CallbackHolder,
    /// The function, as a call to it would resolve.
    pub function: Callee,
    /// Where it is named.
    pub span: Span,
}

/// What the callback is handed, and so which block it releases.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CallbackHolder {
    /// `PyCapsule_New(p, name, destructor)`: the destructor receives the capsule and
    /// releases the pointer `PyCapsule_GetPointer` gives back, `p`.
    Capsule(CallId),
    /// `arr.callback_free_data = free`: the callback receives the array's `arr.data`
    /// (this place). For an array a memoryview cast made (`arr = <double[:n]>p`), the
    /// lowering assigns `arr.data` the block `arr` views where the callback is set.
    ArrayData(PlaceId),
}

/// The ids of a function's places by place, holding ids only: a map from each place to
/// its id would keep a second copy of every place (its name and path). With
/// [`Function::shrink_to_fit`], this took a fifth off a lowered file's memory.
#[derive(Clone, Default)]
struct PlaceIndex {
    ids: hashbrown::HashTable<PlaceId>,
    // A place is a short name and a few projections: SipHash was 1% of a check of the
    // class shape's instructions (every `self.x` of every method is interned).
    hasher: FnvBuild,
}

/// Builds [`Fnv`] hashers: for maps and sets keyed by short names.
pub(crate) type FnvBuild = std::hash::BuildHasherDefault<Fnv>;

/// FNV-1a: a multiply per byte, cheaper than SipHash on the short names of a program
/// (identifiers, places, function names), which are not chosen to collide.
#[derive(Default)]
pub(crate) struct Fnv(u64);

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut hash = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &byte in bytes {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = hash;
    }
}

impl PlaceIndex {
    fn find(&self, places: &[Place], place: &Place) -> Option<PlaceId> {
        let hash = self.hasher.hash_one(place);
        self.ids
            .find(hash, |id| places[id.0 as usize] == *place)
            .copied()
    }

    /// Indexes the last place of `places` under the id it has there.
    fn insert_last(&mut self, places: &[Place]) {
        let id = PlaceId(places.len() as u32 - 1);
        let hasher = &self.hasher;
        let hash = hasher.hash_one(&places[id.0 as usize]);
        self.ids
            .insert_unique(hash, id, |id| hasher.hash_one(&places[id.0 as usize]));
    }
}

impl std::fmt::Debug for PlaceIndex {
    // The ids of `places`, in the table's order, which varies from run to run.
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(formatter, "PlaceIndex({} places)", self.ids.len())
    }
}

impl Function {
    /// The same function moved by `delta` bytes in its file (an edit before it changed
    /// the text's length): every span it holds, moved. The destructuring is exhaustive so
    /// that a field added later is not forgotten here.
    pub(crate) fn moved_by(mut self, delta: isize) -> Function {
        let moved = |span: &mut Span| {
            span.start = span.start.saturating_add_signed(delta);
            span.end = span.end.saturating_add_signed(delta);
        };
        let Function {
            name: _,
            kind: _,
            class: _,
            name_span,
            span,
            params: _,
            blocks,
            entry: _,
            return_exit: _,
            unwind_exit: _,
            exception_spec: _,
            places: _,
            calls,
            instances: _,
            globals: _,
            locals: _,
            steady: _,
            raises,
            compared: _,
            untracked: _,
            error_value: _,
            release_callbacks,
            place_ids: _,
        } = &mut self;
        moved(name_span);
        moved(span);
        for call in calls {
            moved(&mut call.span);
        }
        for (_, span) in raises {
            moved(span);
        }
        for callback in release_callbacks {
            moved(&mut callback.span);
        }
        for block in blocks {
            for stmt in &mut block.stmts {
                match stmt {
                    Stmt::Assign { span, .. }
                    | Stmt::Use { span, .. }
                    | Stmt::Assume { span, .. }
                    | Stmt::Return { span, .. }
                    | Stmt::Escape { span, .. }
                    | Stmt::Delete { span, .. } => moved(span),
                    Stmt::Call(_)
                    | Stmt::Examined { .. }
                    | Stmt::AddressTaken { .. }
                    | Stmt::Modified { .. }
                    | Stmt::Tested { .. }
                    | Stmt::Raise
                    | Stmt::Constant { .. }
                    | Stmt::Compare { .. } => {}
                }
            }
        }
        self
    }

    pub(crate) fn new(name: String, kind: FunctionKind, span: Span, name_span: Span) -> Self {
        let mut function = Function {
            name,
            kind,
            class: None,
            name_span,
            span,
            params: Vec::new(),
            blocks: Vec::new(),
            entry: BlockId(0),
            return_exit: BlockId(1),
            unwind_exit: BlockId(2),
            exception_spec: ExceptionSpec::Propagates,
            places: Vec::new(),
            calls: Vec::new(),
            instances: HashMap::new(),
            globals: Vec::new(),
            locals: Vec::new(),
            steady: Vec::new(),
            raises: Vec::new(),
            compared: Vec::new(),
            untracked: Vec::new(),
            error_value: None,
            release_callbacks: Vec::new(),
            place_ids: PlaceIndex::default(),
        };
        function.new_block();
        function.new_block();
        function.new_block();
        function.blocks[1].terminator = Terminator::Return;
        function.blocks[2].terminator = Terminator::Unwind;
        function
    }

    pub(crate) fn new_block(&mut self) -> BlockId {
        self.blocks.push(Block::default());
        BlockId(self.blocks.len() as u32 - 1)
    }

    pub(crate) fn intern(&mut self, place: Place) -> PlaceId {
        if let Some(id) = self.place_ids.find(&self.places, &place) {
            return id;
        }
        self.places.push(place);
        self.place_ids.insert_last(&self.places);
        PlaceId(self.places.len() as u32 - 1)
    }

    /// Leaves out of [`Function::steady`] the locals whose address the body takes
    /// anywhere: a write through that address (`pc[0] = 0`, a helper's out parameter) is
    /// no statement on the local.
    pub(crate) fn drop_address_taken_from_steady(&mut self) {
        if self.steady.is_empty() {
            return;
        }
        for block in &self.blocks {
            for stmt in &block.stmts {
                if let Stmt::AddressTaken { place } = stmt {
                    let place = &self.places[place.0 as usize];
                    if place.path.is_empty() {
                        if let Ok(index) = self.steady.binary_search(&place.root) {
                            self.steady.remove(index);
                        }
                    }
                }
            }
        }
    }

    /// Gives back what lowering's growing vectors reserved beyond their length: a
    /// lowered function is kept, unchanged, until its file's analysis ends.
    pub(crate) fn shrink_to_fit(&mut self) {
        for block in &mut self.blocks {
            block.stmts.shrink_to_fit();
        }
        self.blocks.shrink_to_fit();
        for place in &mut self.places {
            place.path.shrink_to_fit();
        }
        self.places.shrink_to_fit();
        for call in &mut self.calls {
            call.args.shrink_to_fit();
        }
        self.calls.shrink_to_fit();
        self.params.shrink_to_fit();
        self.instances.shrink_to_fit();
        self.globals.shrink_to_fit();
        self.locals.shrink_to_fit();
        self.raises.shrink_to_fit();
        self.compared.shrink_to_fit();
        self.untracked.shrink_to_fit();
        self.release_callbacks.shrink_to_fit();
        let places = &self.places;
        let index = &mut self.place_ids;
        let hasher = &index.hasher;
        index
            .ids
            .shrink_to_fit(|id| hasher.hash_one(&places[id.0 as usize]));
    }

    pub fn place(&self, id: PlaceId) -> &Place {
        &self.places[id.0 as usize]
    }

    pub fn place_id(&self, place: &Place) -> Option<PlaceId> {
        self.place_ids.find(&self.places, place)
    }

    pub fn call(&self, id: CallId) -> &Call {
        &self.calls[id.0 as usize]
    }

    pub fn block(&self, id: BlockId) -> &Block {
        &self.blocks[id.0 as usize]
    }

    /// Whether a store into `root` outlives the function: a global, or a variable of an
    /// enclosing function.
    pub fn is_global(&self, root: &str) -> bool {
        self.globals.iter().any(|name| name == root)
    }

    /// Whether a block stored in a place rooted at `root` outlives the call: `self`, a
    /// parameter (the caller's object or struct), a `global`, a name the function never
    /// binds (a module-level variable), a local extension-type instance (the object owns
    /// its attributes).
    pub fn root_outlives(&self, root: &str) -> bool {
        root == "self"
            || self.params.iter().any(|param| param == root)
            || self.is_global(root)
            || self.instances.contains_key(root)
            || self
                .locals
                .binary_search_by(|local| local.as_str().cmp(root))
                .is_err()
    }

    /// Whether a condition compares the two places with each other.
    pub fn compares(&self, a: PlaceId, b: PlaceId) -> bool {
        self.compared
            .iter()
            .any(|&pair| pair == (a, b) || pair == (b, a))
    }

    /// Whether this is a method named `name` (`__dealloc__`, `__cinit__`).
    pub fn is_method(&self, name: &str) -> bool {
        self.class.is_some() && self.name == name
    }
}

/// What a `cdef class` (or `@cython.cclass`) declares, for the class-level analysis.
#[derive(Clone, Debug)]
pub struct Class {
    pub name: String,
    pub name_span: Span,
    /// The base class named first, if any.
    pub base: Option<String>,
    /// For a base cimported from another module (`from .base cimport Base`): that
    /// module and the class's own name there.
    pub base_origin: Option<(String, String)>,
    /// Attributes declared in the class body: name and declaration span.
    pub attributes: Vec<(String, Span)>,
    /// A `cdef class` or an `@cython.cclass`: its attributes can hold C pointers.
    pub is_extension_type: bool,
    /// Every `self.name` its methods mention: attributes declared in a .pxd appear only
    /// there.
    pub used_attributes: Vec<String>,
}

impl Module {
    pub fn class(&self, name: &str) -> Option<&Class> {
        self.classes.iter().find(|class| class.name == name)
    }

    /// The class and its bases defined in this file, nearest first (a cycle ends it).
    pub fn class_chain(&self, name: &str) -> Vec<&Class> {
        let mut chain: Vec<&Class> = Vec::new();
        let mut next = self.class(name);
        while let Some(class) = next {
            if chain.iter().any(|seen| seen.name == class.name) {
                break;
            }
            chain.push(class);
            next = class.base.as_deref().and_then(|base| self.class(base));
        }
        chain
    }
}

/// A lowered file.
#[derive(Clone, Debug, Default)]
pub struct Module {
    pub functions: Vec<Function>,
    pub classes: Vec<Class>,
    /// Functions not lowered because they hold a syntax error (reported as CY000).
    pub broken: Vec<Span>,
    /// Functions whose lowering was abandoned because they nest deeper than the lowering
    /// bound: they hold no syntax error, so nothing else tells the user they went
    /// unanalyzed.
    pub too_deep: Vec<SkippedFunction>,
}

/// A function that was not analyzed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SkippedFunction {
    /// As [`Function::name`] (`<module>` for top-level code, `<lambda>` for a lambda),
    /// after its class's name and a dot for a method: `Buffer.__dealloc__`.
    pub name: String,
    /// As [`Function::name_span`].
    pub name_span: Span,
    /// Why, as the rest of a sentence after the name: "is nested too deeply to
    /// analyze", "is too large to analyze (more than 100000 blocks)".
    pub reason: String,
}
