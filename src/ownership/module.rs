//! Ownership across the functions of a module: each function analyzed once, the call
//! graph's strongly connected components callees first (iterating only inside a cycle
//! while a summary changes), the class model, then each method of a class whose
//! attributes hold blocks analyzed again knowing what they hold.

use std::collections::{HashMap, HashSet};

use crate::ir::{Callee, Class, Function, Module};
use crate::ownership::buffers::{exported_blocks, ExportedBlock};
use crate::ownership::classes::{AttributeStore, ClassModel};
use crate::ownership::families::FamilyTable;
use crate::ownership::summary::{ClassExport, ProjectSummaries, Summaries, Summary};
use crate::ownership::{AttributeOrigin, Context, OwnershipGraph, Resolution};

/// Every function's graph (in the order of `module.functions`, but for the functions a
/// caller had [`ModuleAnalysis::run_reusing`] reuse) and every extension type's class
/// model.
pub struct ModuleAnalysis<'a> {
    pub module: &'a Module,
    pub graphs: Vec<OwnershipGraph<'a>>,
    /// The families the graphs were built with, if any graph was built.
    pub families: Option<&'a FamilyTable>,
    /// The functions (by index, in order) whose graph was built and handed to the
    /// caller's `release` ([`ModuleAnalysis::run_releasing`]) instead of kept in `graphs`.
    pub released: Vec<usize>,
    /// The methods (by index, in order) whose graph in `graphs` was handed to the
    /// caller's `release` once final, then kept without the states the class rules do
    /// not read (see [`ModuleAnalysis::run_releasing`]).
    pub checked: Vec<usize>,
    /// The functions (by index in `module.functions`) whose graph was not built because
    /// the caller had their result from an earlier analysis; in order.
    pub reused: Vec<usize>,
    /// For each module-level function whose graph was built, the summaries of the
    /// module's functions its last build read (see [`summary_inputs`]), what a later
    /// analysis must find again to reuse its result, and the summary that build gave.
    /// Only an analysis that could reuse results records them
    /// ([`ModuleAnalysis::run_reusing`]; empty otherwise: on a file of many small
    /// functions they were a tenth of the analysis's memory).
    pub results: HashMap<usize, (SummaryInputs, Summary)>,
    pub classes: Vec<ClassModel>,
    /// For each class with a `__getbuffer__` of its own, the blocks it leaves in the
    /// buffer's fields (see [`crate::ownership::buffers`]).
    pub buffers: HashMap<String, Vec<ExportedBlock>>,
    pub summaries: Summaries,
    /// For each class whose chain of bases leaves this module through a cimport, what
    /// the project says of that base (absent when the project does not know it).
    pub external_bases: HashMap<String, ClassExport>,
    /// For a `.pxd`, the `.pyx` half of each of its classes the run has (present even
    /// when empty: a `.pxd`'s classes are finalized in their `.pyx`).
    pub implementation: Option<HashMap<String, ClassExport>>,
    /// How many graphs were built: each function once, again inside a cycle of calls
    /// when a callee's summary changed, and once more for a method whose class's
    /// attributes hold blocks.
    pub builds: usize,
    /// Each class's position in `module.classes` (the first of a name, as
    /// [`Module::class`]), so that a class's chain of bases costs its length, not the
    /// module's number of classes.
    class_positions: HashMap<&'a str, usize>,
    /// Each class's methods' graphs (by position in `graphs`, in order), so that the rules
    /// asking for one class's methods do not search every graph of the module.
    method_graphs: HashMap<&'a str, Vec<usize>>,
}

/// An analysis stopped before its end because its caller no longer wanted it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cancelled;

/// How many times the functions of a cycle of calls are analyzed at most.
const MAX_ROUNDS_IN_A_CYCLE: usize = 8;

/// The summaries of the module's functions that a function's graph reads, by name, as
/// they were when it was built (`None`: no summary).
pub type SummaryInputs = Vec<(String, Option<Summary>)>;

/// Given a module-level function's index and what its graph would read, the summary an
/// earlier build gave it, when the caller vouches that it still holds
/// ([`ModuleAnalysis::run_reusing`]).
pub type Reuse<'r> = &'r dyn Fn(usize, &SummaryInputs) -> Option<Summary>;

/// Given a function's index, its final graph for the caller to check before the graph is
/// dropped or trimmed ([`ModuleAnalysis::run_releasing`]).
pub type Release<'r, 'a> = &'r mut dyn FnMut(usize, &OwnershipGraph<'a>);

/// What the graph of a module-level function reads of the module's summaries: those of
/// the module functions it calls (`Context::summary_of`; a method call has no class to
/// look in). Its graph is a function of its IR, the project, the families and these.
pub fn summary_inputs(function: &Function, summaries: &Summaries) -> SummaryInputs {
    let mut inputs: SummaryInputs = Vec::new();
    // A capsule destructor or array callback is read as a callee's summary is.
    let callbacks = function.release_callbacks.iter().map(|c| &c.function);
    for callee in function
        .calls
        .iter()
        .map(|call| &call.callee)
        .chain(callbacks)
    {
        if let Callee::ModuleFunction(name) = callee {
            if !inputs.iter().any(|(known, _)| known == name) {
                inputs.push((name.clone(), summaries.get(None, name).cloned()));
            }
        }
    }
    inputs
}

impl<'a> ModuleAnalysis<'a> {
    pub fn run(
        module: &'a Module,
        families: &'a FamilyTable,
        resolution: Resolution,
        project: &ProjectSummaries,
    ) -> Self {
        Self::run_until(module, families, resolution, project, &|| false)
            .expect("an analysis nobody cancels finishes")
    }

    /// [`ModuleAnalysis::run`], asking `cancelled` before each function's graph is built:
    /// once it answers true the analysis stops and yields nothing (an editor's newer edit
    /// made this text's results moot).
    pub fn run_until(
        module: &'a Module,
        families: &'a FamilyTable,
        resolution: Resolution,
        project: &ProjectSummaries,
        cancelled: &dyn Fn() -> bool,
    ) -> Result<Self, Cancelled> {
        Self::run_releasing(module, families, resolution, project, cancelled, None, None)
    }

    /// [`ModuleAnalysis::run_until`], building no graph for a module-level function
    /// outside any cycle of calls for which `reuse` (given its index and what its graph
    /// would read, [`summary_inputs`]) answers with the summary an earlier build gave:
    /// the caller vouches that the function and everything else its graph depends on
    /// (the project, the families) are what they were then. The function is listed in
    /// [`ModuleAnalysis::reused`], and its summary is taken where the analysis would have
    /// computed it, so that every other function sees what a full analysis shows it.
    pub fn run_reusing(
        module: &'a Module,
        families: &'a FamilyTable,
        resolution: Resolution,
        project: &ProjectSummaries,
        cancelled: &dyn Fn() -> bool,
        reuse: &dyn Fn(usize, &SummaryInputs) -> Option<Summary>,
    ) -> Result<Self, Cancelled> {
        Self::run_releasing(
            module,
            families,
            resolution,
            project,
            cancelled,
            Some(reuse),
            None,
        )
    }

    /// [`ModuleAnalysis::run_reusing`], handing the final graph of each function no
    /// class model reads (a module-level function that fills in no instance of a class)
    /// to `release` as soon as its component of the call graph is done, and dropping it
    /// there: the caller runs the rules that read one graph
    /// ([`crate::rules::check_function`]) and its fixes on it. Only the graphs the class
    /// rules read are kept, so a file's analysis holds one function's states at a time
    /// rather than every function's (on a file of many small functions they were two thirds of
    /// the analysis's memory). Such a
    /// function is listed in [`ModuleAnalysis::released`], not in `graphs`. Without
    /// `reuse`, every graph is built and no [`ModuleAnalysis::results`] are recorded.
    pub fn run_releasing(
        module: &'a Module,
        families: &'a FamilyTable,
        resolution: Resolution,
        project: &ProjectSummaries,
        cancelled: &dyn Fn() -> bool,
        reuse: Option<Reuse<'_>>,
        mut release: Option<Release<'_, 'a>>,
    ) -> Result<Self, Cancelled> {
        let mut released = Vec::new();
        // With `release`, a method's graph that holds blocks is not kept until the class
        // models are built (on a file of many small classes those graphs were most of the
        // analysis's memory): what the models read of it is kept instead (its stores
        // into attributes, for each extension type it is a member of, and what a
        // `__getbuffer__` leaves in the buffer), and it is built again, final, after the
        // models, handed to `release` and kept without the states at its ways out that
        // no class rule reads. Inside a cycle of calls the graph is kept as before.
        let extension_types: HashSet<&str> = module
            .classes
            .iter()
            .filter(|class| class.is_extension_type)
            .map(|class| class.name.as_str())
            .collect();
        let mut dropped = vec![false; module.functions.len()];
        let mut stores: HashMap<usize, Vec<(&'a str, Vec<AttributeStore>)>> = HashMap::new();
        let mut exported: HashMap<usize, Vec<ExportedBlock>> = HashMap::new();
        let no_attributes = HashMap::new();
        let no_families = HashSet::new();
        let mut summaries = Summaries::default();
        // `self._release()` of a base class cimported from another module: its summary is
        // the subclass's too.
        for class in &module.classes {
            for (name, summary) in project.inherited_methods(module, &class.name) {
                summaries.insert(Some(&class.name), &name, summary);
            }
        }
        let mut builds = 0;
        let mut checked = Vec::new();
        // Boxed: a graph is 664 bytes, and most slots of a large file stay empty (its
        // functions' graphs are released), which at 5 MB of source was 13 MB of `None`s.
        let mut graphs: Vec<Option<Box<OwnershipGraph<'a>>>> =
            (0..module.functions.len()).map(|_| None).collect();
        let calls = call_edges(module);
        // Callees first, so that a caller is analyzed knowing its helpers' summaries;
        // inside a cycle of calls, again only the functions whose callees' summaries
        // changed, until none does (or the bound is reached: summaries need not be
        // monotone, and the last round's graphs stand).
        let mut reused = Vec::new();
        let mut results = HashMap::new();
        for component in strongly_connected_components(&calls) {
            let cyclic = component.len() > 1 || calls[component[0]].contains(&component[0]);
            if let (Some(reuse), false, [index]) = (reuse, cyclic, component.as_slice()) {
                let function = &module.functions[*index];
                // A function that fills in an instance of a class is part of its model.
                if function.class.is_none() && function.instances.is_empty() {
                    let read = summary_inputs(function, &summaries);
                    if let Some(summary) = reuse(*index, &read) {
                        summaries.insert(None, &function.name, summary);
                        reused.push(*index);
                        continue;
                    }
                }
            }
            let mut pending = component.clone();
            for round in 1.. {
                let mut changed: Vec<usize> = Vec::new();
                for &index in &pending {
                    if cancelled() {
                        return Err(Cancelled);
                    }
                    let function = &module.functions[index];
                    let context = Context {
                        resolution,
                        summaries: &summaries,
                        project,
                        attributes: &no_attributes,
                        several_families: &no_families,
                        buffer_fields: &no_attributes,
                    };
                    let read = (reuse.is_some() && function.class.is_none())
                        .then(|| summary_inputs(function, &summaries));
                    let graph = OwnershipGraph::build(function, families, context);
                    builds += 1;
                    let summary = Summary::of(&graph);
                    if let Some(read) = read {
                        results.insert(index, (read, summary.clone()));
                    }
                    let class = function.class.as_deref();
                    let before = summaries.get(class, &function.name);
                    if before.cloned().unwrap_or_default() != summary {
                        changed.push(index);
                    }
                    summaries.insert(class, &function.name, summary);
                    graphs[index] = Some(Box::new(graph));
                }
                if !cyclic || changed.is_empty() || round == MAX_ROUNDS_IN_A_CYCLE {
                    break;
                }
                pending = component
                    .iter()
                    .copied()
                    .filter(|&index| calls[index].iter().any(|c| changed.contains(c)))
                    .collect();
            }
            if let Some(release) = release.as_deref_mut() {
                for &index in &component {
                    let function = &module.functions[index];
                    if function.class.is_some() && !cyclic {
                        let Some(graph) = graphs[index].take_if(|graph| !graph.sites.is_empty())
                        else {
                            continue;
                        };
                        dropped[index] = true;
                        let mut own = Vec::new();
                        for class in member_of(function) {
                            if extension_types.contains(class) {
                                own.push((class, ClassModel::stores_of(class, &graph)));
                            }
                        }
                        stores.insert(index, own);
                        if function.name == "__getbuffer__" {
                            exported.insert(index, exported_blocks(&graph));
                        }
                        continue;
                    }
                    if function.class.is_some() || !function.instances.is_empty() {
                        continue;
                    }
                    if let Some(graph) = graphs[index].take() {
                        release(index, &graph);
                        released.push(index);
                    }
                }
            }
        }
        crate::allocator::report_memory("components done");
        reused.sort_unstable();
        released.sort_unstable();
        let mut class_positions: HashMap<&'a str, usize> = HashMap::new();
        for (position, class) in module.classes.iter().enumerate() {
            class_positions
                .entry(class.name.as_str())
                .or_insert(position);
        }
        // Each class's members (by function index, in order): its methods and the
        // functions that fill in a new instance of it, built or dropped
        // ([`crate::ownership::classes::class_members`] over every graph).
        let mut members: HashMap<&'a str, Vec<usize>> = HashMap::new();
        for (index, function) in module.functions.iter().enumerate() {
            if graphs[index].is_none() && !dropped[index] {
                continue;
            }
            for class in member_of(function) {
                let indexes = members.entry(class).or_default();
                // A method that also fills in an instance of its own class is one member.
                if indexes.last() != Some(&index) {
                    indexes.push(index);
                }
            }
        }
        let classes: Vec<ClassModel> = module
            .classes
            .iter()
            .filter(|class| class.is_extension_type)
            .map(|class| {
                let mut model = ClassModel {
                    name: class.name.clone(),
                    owned: Vec::new(),
                };
                let mut known = HashMap::new();
                for &index in members.get(class.name.as_str()).into_iter().flatten() {
                    let own = match &graphs[index] {
                        Some(graph) => ClassModel::stores_of(&class.name, graph),
                        None => stores[&index]
                            .iter()
                            .find(|(name, _)| *name == class.name)
                            .map(|(_, own)| own.clone())
                            .unwrap_or_default(),
                    };
                    model.add(&mut known, own);
                }
                model.finish()
            })
            .collect();
        drop(stores);
        // What each class's own `__getbuffer__` leaves in the buffer's fields, for its
        // `__releasebuffer__` (or a subclass's) to free.
        let buffers: HashMap<String, Vec<ExportedBlock>> = module
            .functions
            .iter()
            .enumerate()
            .filter(|(_, function)| function.name == "__getbuffer__")
            .filter_map(|(index, function)| {
                let class = function.class.clone()?;
                let blocks = match &graphs[index] {
                    Some(graph) => exported_blocks(graph),
                    None => exported.remove(&index)?,
                };
                (!blocks.is_empty()).then_some((class, blocks))
            })
            .collect();
        let mut model_positions: HashMap<&str, usize> = HashMap::new();
        for (position, model) in classes.iter().enumerate() {
            model_positions
                .entry(model.name.as_str())
                .or_insert(position);
        }

        // Each method again, knowing which blocks its class's attributes (and its bases')
        // hold: a `free(self.data)` can now be matched with the `PyMem_Malloc` in
        // `__cinit__`.
        for (index, function) in module.functions.iter().enumerate() {
            let Some(class) = &function.class else {
                continue;
            };
            let mut attributes: HashMap<String, AttributeOrigin> = HashMap::new();
            let mut several_families = HashSet::new();
            // An attribute filled from several families is matched along the instance's
            // flags by CY002's class check (`if self.pymem: PyMem_Free(self.buf) else:
            // free(self.buf)`): in a finalizer, and in every other method of its own
            // class but `__cinit__`, which finds it NULL (`close()`, a `_release()`).
            let finalizer = matches!(function.name.as_str(), "__dealloc__" | "__del__");
            let between_calls = function.name != "__cinit__";
            let chain = class_chain(module, &class_positions, class);
            for declared in chain.iter().rev() {
                if let Some(model) = model_positions
                    .get(declared.name.as_str())
                    .map(|&position| &classes[position])
                {
                    let own = declared.name == *class;
                    for owned in &model.owned {
                        attributes.insert(owned.attribute.clone(), owned.origin.clone());
                        if (finalizer || own && between_calls) && !owned.other_origins.is_empty() {
                            several_families.insert(owned.attribute.clone());
                        }
                    }
                }
            }
            // `__releasebuffer__` frees what the nearest `__getbuffer__` of its class's
            // chain leaves in the buffer.
            let mut buffer_fields: HashMap<String, AttributeOrigin> = HashMap::new();
            if function.name == "__releasebuffer__" {
                let exported = chain
                    .iter()
                    .find_map(|declared| buffers.get(&declared.name));
                for block in exported.into_iter().flatten() {
                    for field in &block.fields {
                        buffer_fields.insert(field.clone(), block.origin.clone());
                    }
                }
            }
            if attributes.is_empty() && buffer_fields.is_empty() && !dropped[index] {
                continue;
            }
            if cancelled() {
                return Err(Cancelled);
            }
            let context = Context {
                resolution,
                summaries: &summaries,
                project,
                attributes: &attributes,
                several_families: &several_families,
                buffer_fields: &buffer_fields,
            };
            let mut graph = OwnershipGraph::build(function, families, context);
            builds += 1;
            if let Some(release) = release.as_deref_mut().filter(|_| dropped[index]) {
                release(index, &graph);
                checked.push(index);
                // A `__dealloc__` whose class has a base here keeps its ways out:
                // `check_dealloc_chain` reads where it leaves an attribute dangling for
                // a base's `__dealloc__` to free again.
                let before_a_base = function.name == "__dealloc__" && chain.len() > 1;
                graph.keep_for_class_rules(before_a_base);
            }
            graphs[index] = Some(Box::new(graph));
        }
        // The graphs built, in the order of the functions.
        let kept = graphs.iter().filter(|graph| graph.is_some()).count();
        let mut built: Vec<OwnershipGraph<'a>> = Vec::with_capacity(kept);
        built.extend(graphs.into_iter().flatten().map(|graph| *graph));
        let graphs = built;
        crate::allocator::report_memory("methods rebuilt");
        let external_bases = module
            .classes
            .iter()
            .filter_map(|class| {
                let root = *class_chain(module, &class_positions, &class.name).last()?;
                let (origin, name) = root.base_origin.as_ref()?;
                let export = project.class(origin, name)?;
                Some((class.name.clone(), export.clone()))
            })
            .collect();
        let mut method_graphs: HashMap<&'a str, Vec<usize>> = HashMap::new();
        for (position, graph) in graphs.iter().enumerate() {
            let function: &'a Function = graph.function;
            if let Some(class) = function.class.as_deref() {
                method_graphs.entry(class).or_default().push(position);
            }
        }
        let implementation = project.is_declaration().then(|| {
            module
                .classes
                .iter()
                .filter_map(|class| {
                    let export = project.implementation_of(&class.name)?;
                    Some((class.name.clone(), export.clone()))
                })
                .collect()
        });
        Ok(ModuleAnalysis {
            module,
            graphs,
            buffers,
            families: (builds > 0).then_some(families),
            released,
            checked,
            reused,
            results,
            classes,
            summaries,
            external_bases,
            implementation,
            builds,
            class_positions,
            method_graphs,
        })
    }

    /// The graphs of the methods named `name` of a class and its bases, nearest first.
    pub fn methods_named(&self, class: &str, name: &str) -> Vec<&OwnershipGraph<'a>> {
        self.class_chain(class)
            .iter()
            .filter_map(|declared| {
                self.methods_of(&declared.name)
                    .find(|graph| graph.function.name == name)
            })
            .collect()
    }

    /// The graphs of the methods of `class` itself (not its bases'), in order.
    pub fn methods_of<'s>(&'s self, class: &str) -> impl Iterator<Item = &'s OwnershipGraph<'a>> {
        let positions = self.method_graphs.get(class).map_or(&[][..], Vec::as_slice);
        positions.iter().map(|&position| &self.graphs[position])
    }

    /// As [`Module::class_chain`], by the analysis's index of the classes.
    pub fn class_chain(&self, name: &str) -> Vec<&'a Class> {
        class_chain(self.module, &self.class_positions, name)
    }
}

/// The class and its bases defined in the module, nearest first (a cycle ends it): as
/// [`Module::class_chain`], each class found by `positions` (see
/// [`ModuleAnalysis::class_positions`]).
fn class_chain<'a>(
    module: &'a Module,
    positions: &HashMap<&str, usize>,
    name: &str,
) -> Vec<&'a Class> {
    let class = |name: &str| {
        positions
            .get(name)
            .map(|&position| &module.classes[position])
    };
    let mut chain: Vec<&'a Class> = Vec::new();
    let mut next = class(name);
    while let Some(found) = next {
        if chain.iter().any(|seen| seen.name == found.name) {
            break;
        }
        chain.push(found);
        next = found.base.as_deref().and_then(class);
    }
    chain
}

/// The classes `function` is a member of: its own, and those of the new instances it
/// fills in.
fn member_of(function: &Function) -> impl Iterator<Item = &str> {
    function
        .class
        .as_deref()
        .into_iter()
        .chain(function.instances.values().map(String::as_str))
}

/// For each function, the functions of the module it calls (methods through its
/// class's chain of bases).
fn call_edges(module: &Module) -> Vec<Vec<usize>> {
    let functions = &module.functions;
    let mut by_name: HashMap<(Option<&str>, &str), usize> = HashMap::new();
    for (index, function) in functions.iter().enumerate() {
        by_name
            .entry((function.class.as_deref(), function.name.as_str()))
            .or_insert(index);
    }
    functions
        .iter()
        .map(|function| {
            let chain: Vec<&str> = function
                .class
                .as_deref()
                .map(|class| {
                    module
                        .class_chain(class)
                        .iter()
                        .map(|c| c.name.as_str())
                        .collect()
                })
                .unwrap_or_default();
            let mut targets: Vec<usize> = Vec::new();
            // A capsule destructor or array callback is summarized before the function
            // that names it, as a callee is.
            let callbacks = function.release_callbacks.iter().map(|c| &c.function);
            for callee in function
                .calls
                .iter()
                .map(|call| &call.callee)
                .chain(callbacks)
            {
                let found = match callee {
                    Callee::ModuleFunction(name) => by_name.get(&(None, name.as_str())).copied(),
                    Callee::Method(name) => chain
                        .iter()
                        .find_map(|class| by_name.get(&(Some(*class), name.as_str())).copied()),
                    _ => None,
                };
                if let Some(found) = found {
                    if !targets.contains(&found) {
                        targets.push(found);
                    }
                }
            }
            targets
        })
        .collect()
}

/// Tarjan's algorithm with an explicit stack (call chains and cimport chains may be
/// long). Components come out callees first: each after every component it reaches.
/// Members of a component are sorted.
pub fn strongly_connected_components(edges: &[Vec<usize>]) -> Vec<Vec<usize>> {
    const UNVISITED: usize = usize::MAX;
    let count = edges.len();
    let mut index_of = vec![UNVISITED; count];
    let mut low = vec![0usize; count];
    let mut on_stack = vec![false; count];
    let mut stack: Vec<usize> = Vec::new();
    let mut components = Vec::new();
    let mut next_index = 0;
    for start in 0..count {
        if index_of[start] != UNVISITED {
            continue;
        }
        index_of[start] = next_index;
        low[start] = next_index;
        next_index += 1;
        stack.push(start);
        on_stack[start] = true;
        let mut calls: Vec<(usize, usize)> = vec![(start, 0)];
        while let Some(&mut (node, ref mut next)) = calls.last_mut() {
            if let Some(&target) = edges[node].get(*next) {
                *next += 1;
                if index_of[target] == UNVISITED {
                    index_of[target] = next_index;
                    low[target] = next_index;
                    next_index += 1;
                    stack.push(target);
                    on_stack[target] = true;
                    calls.push((target, 0));
                } else if on_stack[target] {
                    low[node] = low[node].min(index_of[target]);
                }
                continue;
            }
            calls.pop();
            if let Some(&(parent, _)) = calls.last() {
                low[parent] = low[parent].min(low[node]);
            }
            if low[node] == index_of[node] {
                let mut component = Vec::new();
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    component.push(member);
                    if member == node {
                        break;
                    }
                }
                component.sort_unstable();
                components.push(component);
            }
        }
    }
    components
}
