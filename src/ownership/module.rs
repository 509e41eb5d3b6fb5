//! Ownership across the functions of a module: summaries computed callees first, the
//! class model, then each method analyzed again knowing what its class's attributes hold.

use std::collections::HashMap;

use crate::ir::{Callee, Module};
use crate::ownership::classes::ClassModel;
use crate::ownership::families::FamilyTable;
use crate::ownership::summary::{ClassExport, ProjectSummaries, Summaries, Summary};
use crate::ownership::{AttributeOrigin, Context, OwnershipGraph, Resolution};

/// Every function's graph (in the order of `module.functions`) and every extension
/// type's class model.
pub struct ModuleAnalysis<'a> {
    pub module: &'a Module,
    pub graphs: Vec<OwnershipGraph<'a>>,
    pub classes: Vec<ClassModel>,
    pub summaries: Summaries,
    /// For each class whose chain of bases leaves this module through a cimport, what
    /// the project says of that base (absent when the project does not know it).
    pub external_bases: HashMap<String, ClassExport>,
}

impl<'a> ModuleAnalysis<'a> {
    pub fn run(
        module: &'a Module,
        families: &'a FamilyTable,
        resolution: Resolution,
        project: &ProjectSummaries,
    ) -> Self {
        let no_attributes = HashMap::new();
        let mut summaries = Summaries::default();
        let mut graphs: Vec<Option<OwnershipGraph<'a>>> =
            (0..module.functions.len()).map(|_| None).collect();
        for index in callees_first(module) {
            let function = &module.functions[index];
            let context = Context {
                resolution,
                summaries: &summaries,
                project,
                attributes: &no_attributes,
            };
            let graph = OwnershipGraph::build(function, families, context);
            summaries.insert(
                function.class.as_deref(),
                &function.name,
                Summary::of(&graph),
            );
            graphs[index] = Some(graph);
        }
        let mut graphs: Vec<OwnershipGraph<'a>> = graphs
            .into_iter()
            .map(|graph| graph.expect("callees_first orders every function"))
            .collect();

        let classes: Vec<ClassModel> = module
            .classes
            .iter()
            .filter(|class| class.is_extension_type)
            .map(|class| ClassModel::build(class, &graphs))
            .collect();

        // Each method again, knowing which blocks its class's attributes (and its bases')
        // hold: a `free(self.data)` can now be matched with the `PyMem_Malloc` in
        // `__cinit__`.
        for (index, function) in module.functions.iter().enumerate() {
            let Some(class) = &function.class else {
                continue;
            };
            let mut attributes: HashMap<String, AttributeOrigin> = HashMap::new();
            for declared in module.class_chain(class).iter().rev() {
                if let Some(model) = classes.iter().find(|model| model.name == declared.name) {
                    for owned in &model.owned {
                        attributes.insert(owned.attribute.clone(), owned.origin.clone());
                    }
                }
            }
            if attributes.is_empty() {
                continue;
            }
            let context = Context {
                resolution,
                summaries: &summaries,
                project,
                attributes: &attributes,
            };
            graphs[index] = OwnershipGraph::build(function, families, context);
        }
        let external_bases = module
            .classes
            .iter()
            .filter_map(|class| {
                let root = *module.class_chain(&class.name).last()?;
                let (origin, name) = root.base_origin.as_ref()?;
                let export = project.class(origin, name)?;
                Some((class.name.clone(), export.clone()))
            })
            .collect();
        ModuleAnalysis {
            module,
            graphs,
            classes,
            summaries,
            external_bases,
        }
    }

    /// The graphs of the methods named `name` of a class and its bases, nearest first.
    pub fn methods_named(&self, class: &str, name: &str) -> Vec<&OwnershipGraph<'a>> {
        self.module
            .class_chain(class)
            .iter()
            .filter_map(|declared| {
                self.graphs.iter().find(|graph| {
                    graph.function.class.as_deref() == Some(declared.name.as_str())
                        && graph.function.name == name
                })
            })
            .collect()
    }
}

/// Function indexes in an order where a callee comes before its callers (cycles are
/// cut where the walk meets a function already on its path). An explicit stack: call
/// chains may be long.
fn callees_first(module: &Module) -> Vec<usize> {
    let functions = &module.functions;
    let mut by_name: HashMap<(Option<&str>, &str), usize> = HashMap::new();
    for (index, function) in functions.iter().enumerate() {
        by_name
            .entry((function.class.as_deref(), function.name.as_str()))
            .or_insert(index);
    }
    let callees: Vec<Vec<usize>> = functions
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
            for call in &function.calls {
                let found = match &call.callee {
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
        .collect();
    let mut order = Vec::with_capacity(functions.len());
    let mut state = vec![0u8; functions.len()]; // 0 new, 1 on the path, 2 done
    for start in 0..functions.len() {
        if state[start] != 0 {
            continue;
        }
        let mut stack = vec![(start, 0usize)];
        state[start] = 1;
        while let Some((node, next)) = stack.pop() {
            if let Some(&callee) = callees[node].get(next) {
                stack.push((node, next + 1));
                if state[callee] == 0 {
                    state[callee] = 1;
                    stack.push((callee, 0));
                }
            } else {
                state[node] = 2;
                order.push(node);
            }
        }
    }
    order
}
