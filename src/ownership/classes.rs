//! The class model: for an extension type (`cdef class`, `@cython.cclass`), which
//! attributes its methods leave holding owned heap blocks, and of which family.

use std::cell::OnceCell;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use crate::ir::{BlockId, Callee, Class, PlaceId, Relation, Stmt, Terminator, Value};
use crate::ownership::families::FamilyId;
use crate::ownership::{AttributeOrigin, OwnershipGraph, SiteOrigin, SiteStates, Target};

/// An attribute that some method leaves holding a block it allocated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OwnedAttribute {
    pub attribute: String,
    pub origin: AttributeOrigin,
    /// The method that stores it (`__cinit__`, `resize`).
    pub method: String,
    /// Other attributes that hold the same block where a method returns (`self.last =
    /// self.first = node`, `self.supp_data = self.vra`): freeing any of them frees it.
    pub views_of: Vec<String>,
    /// Whether the allocating call's result is stored in this attribute itself, rather
    /// than copied from a local or another attribute.
    pub direct: bool,
    /// Blocks of other families other methods store in it (`load()` replacing a
    /// `malloc` block with a `PyMem_Malloc` one), with the method.
    pub other_origins: Vec<(AttributeOrigin, String)>,
}

#[derive(Clone, Debug)]
pub struct ClassModel {
    pub name: String,
    pub owned: Vec<OwnedAttribute>,
}

impl ClassModel {
    /// Reads the class's own methods. An attribute is owned when a method returns (or
    /// raises) with it holding a block that method allocated and neither freed nor handed
    /// off; a block stored then handed off and the attribute set to NULL is not owned;
    /// borrowed pointers (`PyBytes_AsString`, a memoryview's data) are never blocks.
    ///
    /// `methods` are its methods, and any function that fills in a new instance (`cdef W w
    /// = W.__new__(W)`, then `w._ptr = malloc(n)`), in the order of the module's
    /// functions: [`class_members`] finds them for every class at once.
    pub fn build<'g, 'a: 'g>(
        class: &Class,
        methods: impl IntoIterator<Item = &'g OwnershipGraph<'a>>,
    ) -> ClassModel {
        let mut model = ClassModel {
            name: class.name.clone(),
            owned: Vec::new(),
        };
        let mut known = HashMap::new();
        for graph in methods {
            model.add(&mut known, ClassModel::stores_of(&class.name, graph));
        }
        model.finish()
    }

    /// Adds one member's stores (see [`ClassModel::stores_of`]), in order, to the model:
    /// `known` is where each attribute is in `owned`, kept between calls.
    pub fn add(&mut self, known: &mut HashMap<String, usize>, stores: Vec<AttributeStore>) {
        let owned = &mut self.owned;
        for store in stores {
            let AttributeStore {
                attribute,
                origin,
                method,
                views,
                direct,
            } = store;
            if let Some(&index) = known.get(&attribute) {
                let known = &mut owned[index];
                for view in views {
                    if !known.views_of.contains(&view) {
                        known.views_of.push(view);
                    }
                }
                known.direct |= direct && known.origin.span == origin.span;
                let new_family = known.origin.family != origin.family
                    && known
                        .other_origins
                        .iter()
                        .all(|(o, _)| o.family != origin.family);
                if new_family {
                    known.other_origins.push((origin, method));
                }
                continue;
            }
            known.insert(attribute.clone(), owned.len());
            owned.push(OwnedAttribute {
                attribute,
                origin,
                method,
                views_of: views,
                direct,
                other_origins: Vec::new(),
            });
        }
    }

    /// The model once every member was added.
    pub fn finish(mut self) -> ClassModel {
        self.owned.sort_by_key(|o| o.origin.span);
        self
    }

    /// What one member (a method, or a function that fills in an instance) of the class
    /// named `class` leaves in its attributes, in the order [`ClassModel::build`] meets
    /// them: all it reads of the member's graph, so that the graph can be dropped before
    /// the other members are analyzed (a file's methods' graphs were most of its memory).
    pub fn stores_of(class: &str, graph: &OwnershipGraph<'_>) -> Vec<AttributeStore> {
        let mut stores = Vec::new();
        // Each way out on its own: `self.buf = NULL` after a hand-off on one path and the
        // block still in `self.buf` (but NULL) on the raising one own nothing together.
        // What does not depend on the way out is worked out once per method: the
        // attribute each place is, and which allocations are stored straight into one.
        {
            if graph.exits.is_empty() {
                return stores;
            }
            let function = graph.function;
            let receiver_places: Vec<Option<crate::ir::Place>> = function
                .places
                .iter()
                .map(|place| {
                    let receiver = if place.root == "self" {
                        function.class.as_deref()
                    } else {
                        function.instances.get(&place.root).map(String::as_str)
                    };
                    (receiver == Some(class)).then(|| crate::ir::Place {
                        root: "self".to_string(),
                        path: place.path.clone(),
                    })
                })
                .collect();
            // `self.x` (a view's holder) and `self.x` or `self.rows[]` (an owner).
            let plain: Vec<Option<String>> = receiver_places
                .iter()
                .map(|place| {
                    place
                        .as_ref()
                        .and_then(crate::ir::Place::self_attribute_path)
                })
                .collect();
            let attributes: Vec<Option<String>> = receiver_places
                .iter()
                .zip(&plain)
                .map(|(place, plain)| {
                    plain
                        .clone()
                        .or_else(|| place.as_ref().and_then(element_attribute))
                })
                .collect();
            let direct_stores = stores_calls_directly(graph, &plain);
            // Each way out costs what changed since the one before (their states share
            // the rest): a place is looked at again only when what it holds, the states
            // of those blocks, or the attributes that hold them changed; otherwise it
            // adds exactly what it added before. `holding` is, at the current way out,
            // the places with an attribute that hold each block.
            let mut holding: HashMap<crate::ownership::SiteId, BTreeSet<PlaceId>> = HashMap::new();
            let mut previous: Option<&crate::ownership::ExitState> = None;
            for exit in &graph.exits {
                let has_attribute = |place: PlaceId| attributes[place.0 as usize].is_some();
                let sites_of = |targets: Option<&crate::ownership::Targets>| {
                    let sites = targets.into_iter().flatten().filter_map(|t| match t {
                        Target::Site(site) => Some(*site),
                        Target::Null => None,
                    });
                    sites.collect::<Vec<_>>()
                };
                let mut changed: BTreeSet<PlaceId> = BTreeSet::new();
                let mut touched = Vec::new();
                match previous {
                    None => {
                        for (place, targets) in exit.points() {
                            if has_attribute(place) {
                                changed.insert(place);
                                for site in sites_of(Some(targets)) {
                                    holding.entry(site).or_default().insert(place);
                                }
                            }
                        }
                    }
                    Some(before) => {
                        for place in exit.places_differing(before) {
                            if !has_attribute(place) {
                                continue;
                            }
                            for site in sites_of(before.targets(place)) {
                                if let Some(places) = holding.get_mut(&site) {
                                    places.remove(&place);
                                }
                                touched.push(site);
                            }
                            for site in sites_of(exit.targets(place)) {
                                holding.entry(site).or_default().insert(place);
                                touched.push(site);
                            }
                            changed.insert(place);
                        }
                        touched.extend(exit.sites_differing(before));
                    }
                }
                for site in touched {
                    changed.extend(holding.get(&site).into_iter().flatten().copied());
                }
                previous = Some(exit);
                for place_id in changed {
                    let Some(targets) = exit.targets(place_id) else {
                        continue;
                    };
                    let Some(attribute) = &attributes[place_id.0 as usize] else {
                        continue;
                    };
                    for target in targets {
                        let Target::Site(site_id) = target else {
                            continue;
                        };
                        let site = graph.site(*site_id);
                        let (SiteOrigin::Call(_), Some(family), Some(span)) =
                            (site.origin, site.family, site.span)
                        else {
                            continue;
                        };
                        let states = exit.site(*site_id);
                        let live = states.contains(SiteStates::UNCHECKED)
                            || states.contains(SiteStates::NON_NULL);
                        if !live {
                            continue;
                        }
                        let views: Vec<String> = holding
                            .get(site_id)
                            .into_iter()
                            .flatten()
                            .filter_map(|other| plain[other.0 as usize].as_ref())
                            .filter(|other| *other != attribute)
                            .cloned()
                            .collect();
                        let direct = direct_stores.contains(&(attribute.as_str(), *site_id));
                        stores.push(AttributeStore {
                            attribute: attribute.clone(),
                            origin: AttributeOrigin {
                                family,
                                callee: site.callee.clone(),
                                span,
                            },
                            method: graph.function.name.clone(),
                            views,
                            direct,
                        });
                    }
                }
            }
        }
        stores
    }
}

/// A block a member of a class leaves in one of its attributes at a way out, as
/// [`ClassModel::add`] takes it: the allocation, the member's name, the other attributes
/// that hold the block there, and whether the call's result is stored straight into it.
#[derive(Clone, Debug)]
pub struct AttributeStore {
    attribute: String,
    origin: AttributeOrigin,
    method: String,
    views: Vec<String>,
    direct: bool,
}

/// For each class name, the graphs (by position in `graphs`, in order) of its methods and
/// of the functions that fill in a new instance of it: one pass over the graphs instead
/// of one per class, which made a file of many classes cost the square of its size.
pub fn class_members<'a>(graphs: &[OwnershipGraph<'a>]) -> HashMap<&'a str, Vec<usize>> {
    let mut members: HashMap<&'a str, Vec<usize>> = HashMap::new();
    for (position, graph) in graphs.iter().enumerate() {
        let function = graph.function;
        let classes = function
            .class
            .as_deref()
            .into_iter()
            .chain(function.instances.values().map(String::as_str));
        for class in classes {
            let positions = members.entry(class).or_default();
            // A method that also fills in an instance of its own class is one member.
            if positions.last() != Some(&position) {
                positions.push(position);
            }
        }
    }
    members
}

/// `rows[]` for `self.rows[i]` (or `self.rows[0]`): the elements of a pointer array an
/// attribute holds, one owned attribute for all of them. Only their family is used
/// (CY002); whether `__dealloc__` frees every element is beyond a per-place analysis.
pub fn element_attribute(place: &crate::ir::Place) -> Option<String> {
    let (last, fields) = place.path.split_last()?;
    if place.root != "self" || fields.is_empty() {
        return None;
    }
    if !matches!(
        last,
        crate::ir::Projection::Index | crate::ir::Projection::Element(_)
    ) {
        return None;
    }
    let mut names = Vec::with_capacity(fields.len());
    for step in fields {
        let crate::ir::Projection::Field(name) = step else {
            return None;
        };
        names.push(name.as_str());
    }
    Some(format!("{}[]", names.join(".")))
}

/// The `x.attribute = call(...)` stores of the class's instance (`attributes`: the
/// attribute each place is), as (attribute, the call's block): an allocation stored
/// straight into the attribute rather than copied from a local or another attribute.
fn stores_calls_directly<'p>(
    graph: &OwnershipGraph<'_>,
    attributes: &'p [Option<String>],
) -> HashSet<(&'p str, crate::ownership::SiteId)> {
    graph
        .function
        .blocks
        .iter()
        .flat_map(|block| &block.stmts)
        .filter_map(|stmt| match stmt {
            Stmt::Assign {
                target,
                value: Value::Call(call),
                ..
            } => {
                let attribute = attributes[target.0 as usize].as_deref()?;
                Some((attribute, graph.site_of_call(*call)?))
            }
            _ => None,
        })
        .collect()
}

/// What a flag (an attribute of the instance that a method tests: `self.kind`,
/// `self.closed`, `self.root`) is known to hold on one path.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FlagValue {
    /// Exactly this constant (`False` and `NULL` are 0).
    Is(i64),
    /// Anything but this constant: `IsNot(0)` is true, or a pointer to a block; `IsNot(2)`
    /// is what `kind != 2` (the `else:` of `if kind == 2:`) says.
    IsNot(i64),
    /// Somewhere in `low..=high` (a test such as `self.size > 0` said so): never a
    /// single value, which is `Is`.
    Within(i64, i64),
}

impl FlagValue {
    /// The values `low..=high`; `None` when there are none.
    fn within(low: i64, high: i64) -> Option<FlagValue> {
        match low.cmp(&high) {
            std::cmp::Ordering::Greater => None,
            std::cmp::Ordering::Equal => Some(FlagValue::Is(low)),
            std::cmp::Ordering::Less => Some(FlagValue::Within(low, high)),
        }
    }

    /// Whether `flag <relation> value` holds for every value the flag may hold (`Some
    /// (true)`), for none of them (`Some(false)`), or only for some.
    fn decides(self, relation: Relation, value: i64) -> Option<bool> {
        match self {
            FlagValue::Is(held) => Some(relation.holds(held, value)),
            FlagValue::IsNot(excluded) => match relation {
                Relation::Equal if value == excluded => Some(false),
                Relation::NotEqual if value == excluded => Some(true),
                _ => None,
            },
            FlagValue::Within(low, high) => match relation {
                Relation::Equal | Relation::NotEqual => {
                    let outside = value < low || value > high;
                    outside.then_some(relation == Relation::NotEqual)
                }
                // An order holds for all of a range or none when it does at both ends.
                _ => {
                    let at_low = relation.holds(low, value);
                    (at_low == relation.holds(high, value)).then_some(at_low)
                }
            },
        }
    }

    /// Whether the flag is true (not 0) on every path it may hold, on none, or unknown.
    fn truth(self) -> Option<bool> {
        self.decides(Relation::NotEqual, 0)
    }

    /// What the flag holds once a test `flag <relation> value` passed, from what was known
    /// before (`None`: nothing); `None` when that is still nothing.
    fn after_test(known: Option<FlagValue>, relation: Relation, value: i64) -> Option<FlagValue> {
        let (low, high) = match relation {
            Relation::Equal => (value, value),
            Relation::Less => (i64::MIN, value.saturating_sub(1)),
            Relation::LessOrEqual => (i64::MIN, value),
            Relation::Greater => (value.saturating_add(1), i64::MAX),
            Relation::GreaterOrEqual => (value, i64::MAX),
            Relation::NotEqual => {
                return match known {
                    Some(FlagValue::Within(low, high)) if value == low => {
                        FlagValue::within(low.saturating_add(1), high)
                    }
                    Some(FlagValue::Within(low, high)) if value == high => {
                        FlagValue::within(low, high.saturating_sub(1))
                    }
                    None => Some(FlagValue::IsNot(value)),
                    // Both exclusions hold; the one known is kept.
                    known => known,
                };
            }
        };
        match known {
            None => FlagValue::within(low, high),
            Some(FlagValue::Is(held)) => Some(FlagValue::Is(held)),
            Some(FlagValue::Within(known_low, known_high)) => {
                FlagValue::within(low.max(known_low), high.min(known_high))
            }
            // Not `excluded`, and in `low..=high`: an end at it moves off it; one strictly
            // inside keeps the exclusion (a range has no hole).
            Some(FlagValue::IsNot(excluded)) => {
                if low > excluded || high < excluded {
                    FlagValue::within(low, high)
                } else if low == excluded {
                    FlagValue::within(excluded.saturating_add(1), high)
                } else if high == excluded {
                    FlagValue::within(low, excluded.saturating_sub(1))
                } else {
                    Some(FlagValue::IsNot(excluded))
                }
            }
        }
    }
}

/// The flags known on one path, by attribute path (`closed`, `ctx.kind`).
pub type Flags = BTreeMap<String, FlagValue>;

/// What the tracked attribute holds along one path of a method.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Holding {
    /// Whatever it held when the method started.
    Entry,
    /// A block the method allocated.
    Fresh,
    /// Freed, or handed to a function that takes it over.
    Released,
    /// Something else: NULL, a borrowed pointer, a block of unknown origin.
    Other,
}

#[derive(Clone, Debug)]
struct PathState {
    block: BlockId,
    flags: Flags,
    /// The flags this method assigns on the path.
    assigned: BTreeSet<String>,
    holding: Holding,
    /// The locals holding a block the method allocated (`node = malloc(...)`).
    fresh_locals: BTreeSet<PlaceId>,
    /// What the locals that carry a flag's value hold (see [`LocalValue`]).
    locals: BTreeMap<PlaceId, LocalValue>,
    /// The tests of flags the path went through, as written (`self.kind == 2`), with the
    /// flag each tests.
    guards: Vec<(String, String)>,
    /// A flag the path tests has a value nothing here knows: its guard is trusted.
    unknown_guard: bool,
    /// The path tested the truth of another attribute whose value nothing here knows
    /// (`if self.owner:`, `if not self.closed:`): such a flag may say the block is gone.
    unknown_truth_test: bool,
}

/// What a local (or parameter) that carries a flag's value holds on one path: `pymem`
/// in `self.pymem = pymem` then `if pymem: self.p = PyMem_Malloc(n)`, where the test of
/// the parameter is a test of the flag, or in `if pymem: ...` then `self.pymem = pymem`,
/// where the flag gets what the test said. Only such locals are followed (those a method
/// assigns to or from an attribute of the instance): a test of any other local says
/// nothing of the instance, and tracking it would only keep paths from merging.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum LocalValue {
    /// The value of this flag, neither having been assigned since the copy.
    CopyOf(String),
    /// A value its tests, or a constant stored in it, said.
    Known(FlagValue),
}

/// A path that reaches the end of a method, as the guard evaluation sees it.
struct PathEnd {
    flags: Flags,
    assigned: BTreeSet<String>,
    holding: Holding,
    guards: Vec<String>,
    unknown_guard: bool,
    /// The path tested the truth of a flag nothing here knows (see [`PathState`]).
    unknown_truth_test: bool,
}

/// The paths of a method from given flags: how they end, and the basic blocks some path
/// enters with the attribute still holding its entry block and no unknown truth test
/// behind it.
struct Explored {
    ends: Vec<PathEnd>,
    holding_entry: HashSet<BlockId>,
    /// The basic blocks some path enters with the attribute still holding its entry
    /// block, unknown truth tests behind it or not.
    reached_holding_entry: HashSet<BlockId>,
}

/// Paths explored per method before giving up (the guards are then trusted as before).
const PATH_BUDGET: usize = 50_000;

/// Paths of one method, with what they say of one attribute and the flags.
struct Paths<'g, 'a> {
    graph: &'g OwnershipGraph<'a>,
    class: &'g str,
    attribute: &'g str,
    /// Whether a call of a method of the class (by name) releases the attribute, with
    /// what the flags hold at the call (`self._clear()` freeing by `self.kind`).
    method_releases: &'g dyn Fn(&str, &Flags) -> bool,
    /// Whether handing the block to a function releases it: in `__dealloc__` the callee
    /// is given the benefit of the doubt; where it is allocated, `strcpy(self.text, s)`
    /// fills it and gives nothing up.
    hand_off_releases: bool,
    /// Whether a call's exception edge is a path too (the state before the call goes
    /// on to the handler or the way out). The guards of CY004 speak only of returns.
    follow_unwind: bool,
    /// Only a block of this family is fresh (`if self.pymem: self.buf = PyMem_Malloc(n)
    /// else: self.buf = malloc(n)`: where it holds a `malloc` block); `None`: any.
    family: Option<FamilyId>,
    /// The locals that carry a flag's value ([`LocalValue`]), found when a path first
    /// tests or assigns a local.
    flag_locals: OnceCell<HashSet<PlaceId>>,
}

impl Paths<'_, '_> {
    /// The attribute path of a place of the instance (`self.x`, or `w.x` for an instance
    /// of the class a factory fills in).
    fn attribute_of(&self, place: PlaceId) -> Option<String> {
        let place = self.graph.function.place(place);
        let receiver = if place.root == "self" {
            self.graph.function.class.as_deref()
        } else {
            self.graph
                .function
                .instances
                .get(&place.root)
                .map(String::as_str)
        };
        if receiver != Some(self.class) {
            return None;
        }
        crate::ir::Place {
            root: "self".to_string(),
            path: place.path.clone(),
        }
        .self_attribute_path()
    }

    /// Every path from the entry to the exit, from `flags` and `holding`; `None` past
    /// the budget.
    fn explore(&self, flags: Flags, holding: Holding) -> Option<Explored> {
        let function = self.graph.function;
        let mut ends = Vec::new();
        let mut holding_entry = HashSet::new();
        let mut reached_holding_entry = HashSet::new();
        let mut pending = vec![PathState {
            block: function.entry,
            flags,
            assigned: BTreeSet::new(),
            holding,
            fresh_locals: BTreeSet::new(),
            locals: BTreeMap::new(),
            guards: Vec::new(),
            unknown_guard: false,
            unknown_truth_test: false,
        }];
        let mut steps = 0usize;
        let mut seen = HashSet::new();
        while let Some(mut state) = pending.pop() {
            steps += 1;
            if steps > PATH_BUDGET {
                return None;
            }
            if state.block == function.return_exit || state.block == function.unwind_exit {
                ends.push(PathEnd {
                    flags: state.flags,
                    assigned: state.assigned,
                    holding: state.holding,
                    guards: state.guards.into_iter().map(|(_, text)| text).collect(),
                    unknown_guard: state.unknown_guard,
                    unknown_truth_test: state.unknown_truth_test,
                });
                continue;
            }
            // Paths that meet again knowing the same are one: loops end, and sequences of
            // tests do not multiply the work.
            let key = (
                state.block,
                state.flags.clone(),
                state.holding,
                state.assigned.clone(),
                state.fresh_locals.clone(),
                state.locals.clone(),
                state.unknown_guard,
                state.unknown_truth_test,
            );
            if !seen.insert(key) {
                continue;
            }
            let block = function.block(state.block);
            let entered_holding_entry = state.holding == Holding::Entry;
            if !block.stmts.iter().all(|stmt| self.step(stmt, &mut state)) {
                continue;
            }
            if entered_holding_entry {
                reached_holding_entry.insert(state.block);
                if !state.unknown_truth_test {
                    holding_entry.insert(state.block);
                }
            }
            // A call that can raise: its effects hold where it returns. The path where it
            // raised is not one the guards of CY004 speak of (a `__dealloc__` is not blamed
            // for the `close()` before its `free` raising); it goes on from the state
            // before the call.
            let mut succs: Vec<(BlockId, Option<PathState>)> = Vec::new();
            match &block.terminator {
                Terminator::Call {
                    call,
                    return_to,
                    unwind,
                } => {
                    if self.follow_unwind {
                        succs.push((*unwind, Some(state.clone())));
                    }
                    self.step(&Stmt::Call(*call), &mut state);
                    succs.extend(return_to.iter().map(|succ| (*succ, None)));
                }
                terminator => succs.extend(terminator.successors().map(|succ| (succ, None))),
            }
            let count = succs.len();
            for (index, (succ, before_call)) in succs.into_iter().enumerate() {
                let mut next = match before_call {
                    Some(before) => before,
                    None if index + 1 == count => std::mem::replace(&mut state, PathState::empty()),
                    None => state.clone(),
                };
                next.block = succ;
                pending.push(next);
            }
        }
        Some(Explored {
            ends,
            holding_entry,
            reached_holding_entry,
        })
    }

    /// Applies a statement; false when the path cannot go on (its test contradicts what
    /// the flags hold).
    fn step(&self, stmt: &Stmt, state: &mut PathState) -> bool {
        let function = self.graph.function;
        match stmt {
            Stmt::Assign {
                target: target_place,
                value,
                ..
            } => {
                let fresh = match value {
                    Value::Call(call) => self.graph.site_of_call(*call).is_some_and(|site| {
                        let family = self.graph.site(site).family;
                        family.is_some() && self.family.is_none_or(|wanted| family == Some(wanted))
                    }),
                    Value::Place(place) => state.fresh_locals.contains(place),
                    _ => false,
                };
                let Some(target) = self.attribute_of(*target_place) else {
                    if function.place(*target_place).path.is_empty() {
                        if fresh {
                            state.fresh_locals.insert(*target_place);
                        } else {
                            state.fresh_locals.remove(target_place);
                        }
                        self.assign_local(*target_place, value, fresh, state);
                    }
                    return true;
                };
                let flag = match value {
                    Value::Null => Some(FlagValue::Is(0)),
                    _ if fresh => Some(FlagValue::IsNot(0)),
                    Value::Place(place) => match self.attribute_of(*place) {
                        Some(source) => state.flags.get(&source).copied(),
                        None => self.local_value(*place, state),
                    },
                    _ => None,
                };
                self.forget_copies_of(&target, state);
                // `self.ctx = ...` changes what `self.ctx.kind` says.
                let nested = format!("{target}.");
                state
                    .flags
                    .retain(|name, _| *name != target && !name.starts_with(&nested));
                if let Some(flag) = flag {
                    state.flags.insert(target.clone(), flag);
                }
                // `self.pymem = pymem`: until either is assigned again, a test of the
                // parameter is a test of the flag.
                if let Value::Place(source) = value {
                    let carries_flag = !fresh
                        && target != self.attribute
                        && !self.attribute.starts_with(&nested)
                        && self.is_flag_local(*source);
                    if carries_flag {
                        state
                            .locals
                            .insert(*source, LocalValue::CopyOf(target.clone()));
                    }
                }
                if target == self.attribute {
                    state.holding = if fresh {
                        Holding::Fresh
                    } else {
                        Holding::Other
                    };
                } else if self.attribute.starts_with(&nested) {
                    state.holding = Holding::Other;
                }
                state.assigned.insert(target);
            }
            Stmt::Constant { place, value } => {
                if let Some(target) = self.attribute_of(*place) {
                    self.forget_copies_of(&target, state);
                    state.flags.insert(target.clone(), FlagValue::Is(*value));
                    state.assigned.insert(target);
                } else if self.is_flag_local(*place) {
                    state
                        .locals
                        .insert(*place, LocalValue::Known(FlagValue::Is(*value)));
                }
            }
            Stmt::Assume {
                place,
                non_null,
                against_null,
                ..
            } => {
                let Some(tested) = self.attribute_of(*place) else {
                    return self.compile_time_clause(*place, *non_null, state)
                        && self.test_local(*place, Relation::equality(!*non_null), 0, state);
                };
                let text = match (*against_null, *non_null) {
                    (true, true) => format!("`self.{tested} != NULL`"),
                    (true, false) => format!("`self.{tested} == NULL`"),
                    (false, true) => format!("`self.{tested}`"),
                    (false, false) => format!("`not self.{tested}`"),
                };
                let known = self.known(&tested, state);
                match known.and_then(FlagValue::truth) {
                    Some(truth) if truth != *non_null => return false,
                    Some(_) => {}
                    None => {
                        state.unknown_guard = true;
                        if known.is_none() && !*against_null && tested != self.attribute {
                            state.unknown_truth_test = true;
                        }
                    }
                }
                let relation = Relation::equality(!*non_null);
                if let Some(value) = FlagValue::after_test(known, relation, 0) {
                    state.flags.insert(tested.clone(), value);
                }
                state.guards.push((tested, text));
            }
            Stmt::Compare {
                place,
                value,
                relation,
            } => {
                let Some(tested) = self.attribute_of(*place) else {
                    return self.test_local(*place, *relation, *value, state);
                };
                let text = format!("`self.{tested} {} {value}`", relation.symbol());
                let known = self.known(&tested, state);
                match known.and_then(|known| known.decides(*relation, *value)) {
                    Some(false) => return false,
                    Some(true) => {}
                    None => state.unknown_guard = true,
                }
                match FlagValue::after_test(known, *relation, *value) {
                    Some(after) => state.flags.insert(tested.clone(), after),
                    None => state.flags.remove(&tested),
                };
                // `self.kind == 2` says all an earlier `self.kind != 1` did.
                if *relation == Relation::Equal {
                    state.guards.retain(|(flag, _)| *flag != tested);
                }
                state.guards.push((tested, text));
            }
            Stmt::Call(call) => {
                if !matches!(state.holding, Holding::Entry | Holding::Fresh) {
                    return true;
                }
                let call = function.call(*call);
                let freed = self.graph.releases.iter().any(|release| {
                    release.span == call.span
                        && self.attribute_of(release.place).as_deref() == Some(self.attribute)
                });
                let handed_off = call.args.iter().any(|arg| {
                    matches!(arg, Value::Place(place)
                        if self.attribute_of(*place).as_deref() == Some(self.attribute))
                });
                let by_method = matches!(&call.callee, Callee::Method(name)
                    if (self.method_releases)(name, &state.flags));
                if freed || (handed_off && self.hand_off_releases) || by_method {
                    state.holding = Holding::Released;
                }
            }
            Stmt::Delete { place, .. } => {
                if self.attribute_of(*place).as_deref() == Some(self.attribute) {
                    state.holding = Holding::Released;
                }
            }
            // `if self.n > 0:`, `if self.data != self.small:`: a guard on the instance's
            // state that nothing here evaluates is trusted, as an unknown flag is.
            Stmt::Tested { place } => {
                if self.attribute_of(*place).is_some() {
                    state.unknown_guard = true;
                }
            }
            // `self.count += 1`: the flag's value is no longer known, and the method sets
            // it (to something else than what its callers knew).
            Stmt::Modified { place } => {
                if let Some(target) = self.attribute_of(*place) {
                    self.forget_copies_of(&target, state);
                    state.flags.remove(&target);
                    state.assigned.insert(target);
                } else {
                    state.locals.remove(place);
                }
            }
            // `fill(&self.count)` may store anything there.
            Stmt::AddressTaken { place } => {
                if let Some(target) = self.attribute_of(*place) {
                    if target == self.attribute {
                        state.holding = Holding::Released;
                    } else {
                        self.forget_copies_of(&target, state);
                        state.flags.remove(&target);
                        state.assigned.insert(target);
                    }
                } else {
                    state.locals.remove(place);
                }
            }
            Stmt::Use { .. }
            | Stmt::Examined { .. }
            | Stmt::Return { .. }
            | Stmt::Escape { .. }
            | Stmt::Raise => {}
        }
        true
    }

    /// What a tested flag holds: the tracked attribute is not NULL while it holds a block.
    /// A clause of a compile-time `IF` whose condition is unknown (lowering names its
    /// flag `(IF condition)`): the condition is a constant of the build, the same in every
    /// method of the module, so the path keeps its value among the flags, and a later
    /// method's `IF` on the same condition (in `__dealloc__`) takes the same clause as
    /// the one that allocated (`__cinit__`). Such a flag is no guard on the instance's
    /// state: the path's guards are left as they are. False when the path contradicts
    /// what the flags say.
    fn compile_time_clause(&self, place: PlaceId, holds: bool, state: &mut PathState) -> bool {
        let place = self.graph.function.place(place);
        if !place.path.is_empty() || !place.root.starts_with("(IF ") {
            return true;
        }
        let known = state.flags.get(&place.root).copied();
        if known
            .and_then(FlagValue::truth)
            .is_some_and(|truth| truth != holds)
        {
            return false;
        }
        if let Some(value) = FlagValue::after_test(known, Relation::equality(!holds), 0) {
            state.flags.insert(place.root.clone(), value);
        }
        true
    }

    /// Whether `place` is a local that carries a flag's value ([`LocalValue`]): one the
    /// method stores in an attribute of the instance (other than the tracked one), or
    /// assigns from one.
    fn is_flag_local(&self, place: PlaceId) -> bool {
        self.flag_locals
            .get_or_init(|| {
                let function = self.graph.function;
                let is_local = |place: PlaceId| {
                    let place = function.place(place);
                    place.path.is_empty()
                        && place.root != "self"
                        && !function.instances.contains_key(&place.root)
                };
                let is_flag = |place: PlaceId| {
                    self.attribute_of(place)
                        .is_some_and(|attribute| attribute != self.attribute)
                };
                function
                    .blocks
                    .iter()
                    .flat_map(|block| &block.stmts)
                    .filter_map(|stmt| match stmt {
                        Stmt::Assign {
                            target,
                            value: Value::Place(source),
                            ..
                        } => {
                            if is_flag(*target) && is_local(*source) {
                                Some(*source)
                            } else if is_local(*target) && is_flag(*source) {
                                Some(*target)
                            } else {
                                None
                            }
                        }
                        _ => None,
                    })
                    .collect()
            })
            .contains(&place)
    }

    /// What a flag-carrying local holds on the path, as a flag would.
    fn local_value(&self, local: PlaceId, state: &PathState) -> Option<FlagValue> {
        match state.locals.get(&local)? {
            LocalValue::CopyOf(attribute) => state.flags.get(attribute).copied(),
            LocalValue::Known(held) => Some(*held),
        }
    }

    /// `pymem = self.pymem`, `pymem = other`, `pymem = NULL`: what a flag-carrying local
    /// holds after the assignment.
    fn assign_local(&self, local: PlaceId, value: &Value, fresh: bool, state: &mut PathState) {
        if !self.is_flag_local(local) {
            return;
        }
        let next = match value {
            _ if fresh => None,
            Value::Null => Some(LocalValue::Known(FlagValue::Is(0))),
            Value::Place(source) => match self.attribute_of(*source) {
                Some(attribute) if attribute != self.attribute => {
                    Some(LocalValue::CopyOf(attribute))
                }
                Some(_) => None,
                None => state.locals.get(source).cloned(),
            },
            _ => None,
        };
        match next {
            Some(next) => state.locals.insert(local, next),
            None => state.locals.remove(&local),
        };
    }

    /// Before `attribute` (or an attribute inside it) changes: a local copied from it
    /// keeps the value it had.
    fn forget_copies_of(&self, attribute: &str, state: &mut PathState) {
        if state.locals.is_empty() {
            return;
        }
        let nested = format!("{attribute}.");
        let flags = &state.flags;
        state.locals.retain(|_, value| {
            let LocalValue::CopyOf(source) = value else {
                return true;
            };
            if source != attribute && !source.starts_with(&nested) {
                return true;
            }
            match flags.get(source.as_str()) {
                Some(held) => {
                    *value = LocalValue::Known(*held);
                    true
                }
                None => false,
            }
        });
    }

    /// A test of a local (`if pymem:`, `if n > 0:`): of the flag it is a copy of, or of
    /// what is known of it. False when the path contradicts what is known. Tests of
    /// locals that carry no flag's value change nothing.
    fn test_local(
        &self,
        local: PlaceId,
        relation: Relation,
        value: i64,
        state: &mut PathState,
    ) -> bool {
        let (copied, known) = match state.locals.get(&local) {
            Some(LocalValue::CopyOf(attribute)) => {
                (Some(attribute.clone()), state.flags.get(attribute).copied())
            }
            Some(LocalValue::Known(held)) => (None, Some(*held)),
            None if self.is_flag_local(local) => (None, None),
            None => return true,
        };
        if known.and_then(|known| known.decides(relation, value)) == Some(false) {
            return false;
        }
        let after = FlagValue::after_test(known, relation, value);
        match (copied, after) {
            (Some(attribute), Some(after)) => {
                state.flags.insert(attribute, after);
            }
            (Some(attribute), None) => {
                state.flags.remove(&attribute);
            }
            (None, Some(after)) => {
                state.locals.insert(local, LocalValue::Known(after));
            }
            (None, None) => {
                state.locals.remove(&local);
            }
        }
        true
    }

    fn known(&self, tested: &str, state: &PathState) -> Option<FlagValue> {
        if tested == self.attribute && matches!(state.holding, Holding::Entry | Holding::Fresh) {
            return Some(FlagValue::IsNot(0));
        }
        state.flags.get(tested).copied()
    }
}

impl PathState {
    fn empty() -> PathState {
        PathState {
            block: BlockId(0),
            flags: Flags::new(),
            assigned: BTreeSet::new(),
            holding: Holding::Other,
            fresh_locals: BTreeSet::new(),
            locals: BTreeMap::new(),
            guards: Vec::new(),
            unknown_guard: false,
            unknown_truth_test: false,
        }
    }
}

/// The flags that hold wherever `attribute` owns a block (of `family`, when given) when
/// a method of the class returns: at the end of each method that allocates it, and after any sequence of
/// methods run from there that leave it alone but set flags (`close()` setting
/// `self.closed = True`); a method that releases it on the paths those flags allow
/// (`set_array()` calling `self._clear()`, which frees by `self.kind`) ends that owner.
/// `None` when some method has too many paths, or none allocates it.
pub fn owner_conditions(
    class: &str,
    attribute: &str,
    family: Option<FamilyId>,
    graphs: &[OwnershipGraph<'_>],
    method_releases: &dyn Fn(&str, &Flags) -> bool,
) -> Option<Vec<Flags>> {
    let methods = methods_before_finalizers(class, graphs);
    let paths_of = |graph| Paths {
        graph,
        class,
        attribute,
        method_releases,
        hand_off_releases: false,
        follow_unwind: false,
        family,
        flag_locals: OnceCell::new(),
    };
    let mut conditions: Vec<Flags> = Vec::new();
    for &graph in &methods {
        for end in paths_of(graph).explore(Flags::new(), Holding::Entry)?.ends {
            if end.holding == Holding::Fresh && !conditions.contains(&end.flags) {
                conditions.push(end.flags);
            }
        }
    }
    if conditions.is_empty() {
        return None;
    }
    through_later_methods(class, conditions, &methods, &paths_of)
}

/// The flags that hold wherever `method` (a `close()`) returns or raises having freed
/// `attribute` and left it pointing at the freed block, and after any sequence of
/// methods run from there that leave it alone but set flags. `None` when some method
/// has too many paths, or no path of `method` is seen to free it.
pub fn dangling_conditions(
    class: &str,
    attribute: &str,
    method: &OwnershipGraph<'_>,
    graphs: &[OwnershipGraph<'_>],
) -> Option<Vec<Flags>> {
    let conditions = dangling_ends(class, attribute, method)?;
    let methods = methods_before_finalizers(class, graphs);
    let paths_of = |graph| releasing_paths(graph, class, attribute);
    through_later_methods(class, conditions, &methods, &paths_of)
}

/// The flags that hold wherever `method` returns or raises having freed `attribute` and
/// left it pointing at the freed block, with no method run after it: what a base class's
/// `__dealloc__` finds when a subclass's `__dealloc__` (which Cython runs just before it)
/// is `method`. `None` when it has too many paths, or no path is seen to free it.
pub fn dangling_ends(
    class: &str,
    attribute: &str,
    method: &OwnershipGraph<'_>,
) -> Option<Vec<Flags>> {
    let mut conditions: Vec<Flags> = Vec::new();
    for end in releasing_paths(method, class, attribute)
        .explore(Flags::new(), Holding::Entry)?
        .ends
    {
        if end.holding == Holding::Released && !conditions.contains(&end.flags) {
            conditions.push(end.flags);
        }
    }
    (!conditions.is_empty()).then_some(conditions)
}

/// The paths of `graph` as the lifetime rules follow them: exception edges included, a
/// release only by a deallocator or a helper that frees.
fn releasing_paths<'g, 'a>(
    graph: &'g OwnershipGraph<'a>,
    class: &'g str,
    attribute: &'g str,
) -> Paths<'g, 'a> {
    Paths {
        graph,
        class,
        attribute,
        method_releases: &|_, _| false,
        hand_off_releases: false,
        follow_unwind: true,
        family: None,
        flag_locals: OnceCell::new(),
    }
}

/// The basic blocks of `method` that some path enters, from one of `conditions`, with
/// `attribute` still holding the block it held on entry, and no test of a flag whose
/// value nothing here knows for its truth behind it (`if self.owner:` may say the block
/// is gone). `None` when the method has too many paths.
pub fn blocks_holding_entry(
    class: &str,
    attribute: &str,
    method: &OwnershipGraph<'_>,
    conditions: &[Flags],
) -> Option<HashSet<BlockId>> {
    entry_blocks(class, attribute, method, conditions, |explored| {
        explored.holding_entry
    })
}

/// The flags that hold where `method` returns or raises, from one of `conditions`, with
/// `attribute` still holding the block it held on entry and no test of a flag nothing
/// here knows behind it: what the `__dealloc__` Cython runs after `method` (a base
/// class's, after an intermediate one's) finds. Empty when every such path stores into or
/// releases the attribute; `None` when the method has too many paths.
pub fn ends_holding_entry(
    class: &str,
    attribute: &str,
    method: &OwnershipGraph<'_>,
    conditions: &[Flags],
) -> Option<Vec<Flags>> {
    let paths = releasing_paths(method, class, attribute);
    let mut found: Vec<Flags> = Vec::new();
    for condition in conditions {
        for end in paths.explore(condition.clone(), Holding::Entry)?.ends {
            if end.holding == Holding::Entry
                && !end.unknown_truth_test
                && !found.contains(&end.flags)
            {
                found.push(end.flags);
            }
        }
    }
    Some(found)
}

/// The basic blocks of `method` that some path enters, from one of `conditions`, with
/// `attribute` still holding the block it held on entry, whatever flags it tested on the
/// way. `None` when the method has too many paths.
pub fn blocks_reached_holding_entry(
    class: &str,
    attribute: &str,
    method: &OwnershipGraph<'_>,
    conditions: &[Flags],
) -> Option<HashSet<BlockId>> {
    entry_blocks(class, attribute, method, conditions, |explored| {
        explored.reached_holding_entry
    })
}

/// The union over `conditions` of what `pick` takes from the paths of `method` that start
/// with `attribute` holding its entry block.
fn entry_blocks(
    class: &str,
    attribute: &str,
    method: &OwnershipGraph<'_>,
    conditions: &[Flags],
    pick: impl Fn(Explored) -> HashSet<BlockId>,
) -> Option<HashSet<BlockId>> {
    let paths = Paths {
        graph: method,
        class,
        attribute,
        method_releases: &|_, _| false,
        hand_off_releases: false,
        follow_unwind: true,
        family: None,
        flag_locals: OnceCell::new(),
    };
    let mut blocks = HashSet::new();
    for condition in conditions {
        blocks.extend(pick(paths.explore(condition.clone(), Holding::Entry)?));
    }
    Some(blocks)
}

/// The methods of the class (and the functions that fill in a new instance of it) that
/// run while the instance lives.
fn methods_before_finalizers<'g, 'a>(
    class: &str,
    graphs: &'g [OwnershipGraph<'a>],
) -> Vec<&'g OwnershipGraph<'a>> {
    graphs
        .iter()
        .filter(|graph| {
            (graph.function.class.as_deref() == Some(class)
                || graph.function.instances.values().any(|c| c == class))
                && !matches!(graph.function.name.as_str(), "__dealloc__" | "__del__")
        })
        .collect()
}

/// `conditions`, and what each later method leaves the flags as from each of them where
/// the attribute still holds the same block (it neither stores into nor releases it),
/// to a fixpoint. `__cinit__` runs first, never later. `None` past the budgets.
fn through_later_methods<'g, 'p>(
    class: &str,
    mut conditions: Vec<Flags>,
    methods: &[&'g OwnershipGraph<'p>],
    paths_of: &dyn Fn(&'g OwnershipGraph<'p>) -> Paths<'g, 'p>,
) -> Option<Vec<Flags>> {
    /// Conditions followed through later methods before giving up.
    const CONDITION_BUDGET: usize = 64;
    let mut next = 0;
    while next < conditions.len() {
        if conditions.len() > CONDITION_BUDGET {
            return None;
        }
        let base = conditions[next].clone();
        next += 1;
        for &graph in methods {
            if graph.function.name == "__cinit__" || graph.function.class.as_deref() != Some(class)
            {
                continue;
            }
            for end in paths_of(graph).explore(base.clone(), Holding::Entry)?.ends {
                if end.holding != Holding::Entry || end.assigned.is_empty() {
                    continue;
                }
                let mut condition = base.clone();
                for name in &end.assigned {
                    match end.flags.get(name) {
                        Some(value) => condition.insert(name.clone(), *value),
                        None => condition.remove(name),
                    };
                }
                if !conditions.contains(&condition) {
                    conditions.push(condition);
                }
            }
        }
    }
    Some(conditions)
}

/// Whether `__dealloc__` (or `__del__`) releases `attribute` on every path its flags
/// allow where the attribute owns a block. `Some(None)`: it does; `Some(Some(guards))`:
/// a path that does not, through these tests of flags (empty: no test); `None`: too
/// many paths to say.
pub fn dealloc_leak_path(
    dealloc: &OwnershipGraph<'_>,
    class: &str,
    attribute: &str,
    conditions: &[Flags],
    method_releases: &dyn Fn(&str, &Flags) -> bool,
) -> Option<Option<Vec<String>>> {
    let paths = Paths {
        graph: dealloc,
        class,
        attribute,
        method_releases,
        hand_off_releases: true,
        follow_unwind: false,
        family: None,
        flag_locals: OnceCell::new(),
    };
    for condition in conditions {
        let ends = paths.explore(condition.clone(), Holding::Entry)?.ends;
        // A guard on a flag nothing here sets is trusted where another path frees it.
        let released_somewhere = ends.iter().any(|end| end.holding == Holding::Released);
        let leak = ends.into_iter().find(|end| {
            end.holding == Holding::Entry && !(end.unknown_guard && released_somewhere)
        });
        if let Some(end) = leak {
            return Some(Some(end.guards));
        }
    }
    Some(None)
}

#[cfg(test)]
mod tests {
    use super::FlagValue::{Is, IsNot, Within};
    use super::{FlagValue, Relation};

    #[test]
    fn a_known_value_decides_every_relation() {
        assert_eq!(Is(0).decides(Relation::Greater, 0), Some(false));
        assert_eq!(Is(2).decides(Relation::Equal, 1), Some(false));
        assert_eq!(Is(2).decides(Relation::NotEqual, 1), Some(true));
        assert_eq!(Is(1).decides(Relation::LessOrEqual, 1), Some(true));
        assert_eq!(IsNot(0).decides(Relation::Equal, 0), Some(false));
        assert_eq!(IsNot(0).decides(Relation::Greater, 0), None);
    }

    #[test]
    fn a_range_decides_only_what_holds_at_both_ends() {
        let positive = Within(1, i64::MAX);
        assert_eq!(positive.decides(Relation::Greater, 0), Some(true));
        assert_eq!(positive.decides(Relation::LessOrEqual, 0), Some(false));
        assert_eq!(positive.decides(Relation::Equal, 0), Some(false));
        assert_eq!(positive.decides(Relation::Equal, 3), None);
        assert_eq!(positive.decides(Relation::Greater, 1), None);
        assert_eq!(positive.truth(), Some(true));
        assert_eq!(Within(-1, 1).truth(), None);
    }

    #[test]
    fn a_passed_test_narrows_what_is_known() {
        assert_eq!(
            FlagValue::after_test(None, Relation::Greater, 0),
            Some(Within(1, i64::MAX))
        );
        assert_eq!(
            FlagValue::after_test(None, Relation::NotEqual, 0),
            Some(IsNot(0))
        );
        assert_eq!(
            FlagValue::after_test(None, Relation::NotEqual, 3),
            Some(IsNot(3))
        );
        assert_eq!(IsNot(3).decides(Relation::Equal, 3), Some(false));
        assert_eq!(IsNot(3).decides(Relation::NotEqual, 3), Some(true));
        assert_eq!(IsNot(3).decides(Relation::Equal, 2), None);
        assert_eq!(IsNot(3).truth(), None);
        assert_eq!(
            FlagValue::after_test(Some(IsNot(3)), Relation::Greater, 2),
            Some(Within(4, i64::MAX))
        );
        assert_eq!(
            FlagValue::after_test(Some(IsNot(3)), Relation::Equal, 2),
            Some(Is(2))
        );
        assert_eq!(
            FlagValue::after_test(Some(IsNot(0)), Relation::GreaterOrEqual, 0),
            Some(Within(1, i64::MAX))
        );
        assert_eq!(
            FlagValue::after_test(Some(Within(0, 5)), Relation::NotEqual, 0),
            Some(Within(1, 5))
        );
        assert_eq!(
            FlagValue::after_test(Some(Within(1, 5)), Relation::Less, 2),
            Some(Is(1))
        );
        assert_eq!(
            FlagValue::after_test(Some(Is(4)), Relation::Greater, 0),
            Some(Is(4))
        );
    }
}
