//! Function summaries: what a helper does to blocks, as its callers see it.
//!
//! A helper that returns a fresh allocation is an allocator of that family; one that
//! releases a parameter (or a field of it, `self.data`) on every path is a deallocator
//! of that family. Summaries are computed callees first; a call inside a cycle sees no
//! summary for the function still being analyzed, so recursion terminates.

use std::collections::HashMap;
use std::sync::Arc;

use crate::ir::{Callee, Projection};
use crate::ownership::families::FamilyId;
use crate::ownership::{EscapeHow, OwnershipGraph, SiteOrigin, SiteStates};

/// A fresh block the function returns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReturnedBlock {
    pub family: FamilyId,
    /// Whether some path returns it unchecked: the caller must check it.
    pub may_be_null: bool,
}

/// A parameter (by position, `self` first for a method), or a field of it, that the
/// function releases on every path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReleasedParameter {
    pub param: usize,
    pub field: Option<String>,
    pub family: FamilyId,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub returns: Option<ReturnedBlock>,
    pub releases: Vec<ReleasedParameter>,
    /// Parameters (by position) the function never reads through while they may be
    /// NULL: passing it an unchecked block is not a use.
    pub tolerates: Vec<usize>,
    /// Parameters (by position) that are not NULL wherever the function returns: it
    /// raises or aborts on NULL, so a call to it is a NULL check of the argument.
    pub checks: Vec<usize>,
    /// Every path raises (`cdef void raise_error(int code)`): a call to it never returns.
    pub never_returns: bool,
}

impl Summary {
    /// What a graph shows its function does, as far as callers care.
    pub fn of(graph: &OwnershipGraph<'_>) -> Summary {
        let function = graph.function;
        let mut returns: Option<ReturnedBlock> = None;
        let mut mixed = false;
        for escape in &graph.escapes {
            if escape.how != EscapeHow::Returned {
                continue;
            }
            let site = graph.site(escape.site);
            let (SiteOrigin::Call(_), Some(family)) = (site.origin, site.family) else {
                continue;
            };
            let may_be_null = escape.states.contains(SiteStates::UNCHECKED);
            match &mut returns {
                None => {
                    returns = Some(ReturnedBlock {
                        family,
                        may_be_null,
                    })
                }
                Some(existing) if existing.family == family => {
                    existing.may_be_null |= may_be_null;
                }
                Some(_) => mixed = true,
            }
        }
        if mixed {
            returns = None;
        }
        let mut releases = Vec::new();
        // The family of the first release of each block (not by a reallocation).
        let mut released_as = vec![None; graph.sites.len()];
        for release in graph
            .releases
            .iter()
            .filter(|release| !release.reallocating)
        {
            released_as[release.site.0 as usize].get_or_insert(release.family);
        }
        if let Some(exit) = &graph.exit {
            for (index, site) in graph.sites.iter().enumerate() {
                let SiteOrigin::Incoming(place_id) = site.origin else {
                    continue;
                };
                let states = exit.site(crate::ownership::SiteId(index as u32));
                let freed_everywhere = states.contains(SiteStates::FREED)
                    && states
                        .without(SiteStates::FREED)
                        .without(SiteStates::NULL)
                        .is_empty();
                if !freed_everywhere {
                    continue;
                }
                let Some(family) = released_as[index] else {
                    continue;
                };
                let place = function.place(place_id);
                let Some(param) = function.params.iter().position(|p| *p == place.root) else {
                    continue;
                };
                let field = match place.path.as_slice() {
                    [] => None,
                    [Projection::Field(name)] => Some(name.clone()),
                    _ => continue,
                };
                releases.push(ReleasedParameter {
                    param,
                    field,
                    family,
                });
            }
        }
        let mut tolerates = Vec::new();
        if !graph.sites.is_empty() {
            for (param, name) in function.params.iter().enumerate() {
                let Some(site) = graph.incoming_site_of(&crate::ir::Place::local(name)) else {
                    continue;
                };
                let reads_null = graph.uses.iter().any(|u| {
                    u.site == site
                        && u.how != crate::ownership::UseHow::Returned
                        && u.states.contains(SiteStates::NULL)
                });
                if !reads_null {
                    tolerates.push(param);
                }
            }
        }
        let mut checks = Vec::new();
        for (param, name) in function.params.iter().enumerate() {
            let Some(site) = graph.incoming_site_of(&crate::ir::Place::local(name)) else {
                continue;
            };
            let returned = graph
                .returning
                .as_ref()
                .map(|returning| returning.site(site))
                .unwrap_or_default();
            if returned == SiteStates::NON_NULL {
                checks.push(param);
            }
        }
        Summary {
            returns,
            releases,
            tolerates,
            checks,
            never_returns: always_raises(function),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.returns.is_none()
            && self.releases.is_empty()
            && self.tolerates.is_empty()
            && self.checks.is_empty()
            && !self.never_returns
    }
}

/// Whether every way out of the function that its entry reaches raises: the return exit
/// is out of reach and the unwind exit is not (a `noexcept` function's raise returns).
fn always_raises(function: &crate::ir::Function) -> bool {
    let mut reached = vec![false; function.blocks.len()];
    let mut pending = vec![function.entry];
    while let Some(block) = pending.pop() {
        let index = block.0 as usize;
        if std::mem::replace(&mut reached[index], true) {
            continue;
        }
        if block == function.return_exit {
            return false;
        }
        pending.extend(function.block(block).successors());
    }
    reached[function.unwind_exit.0 as usize]
}

/// The summaries of a module's functions and methods.
#[derive(Clone, Debug, Default)]
pub struct Summaries {
    functions: HashMap<String, Summary>,
    methods: HashMap<(String, String), Summary>,
    /// The module's extension types, for subclasses in other modules.
    pub classes: HashMap<String, ClassExport>,
}

/// What a subclass in another module needs to know of an extension type: which
/// attributes its `__dealloc__` (or its bases') frees on every path.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClassExport {
    pub released: Vec<String>,
    /// Its own chain of bases leaves the module it is defined in (or cannot be
    /// followed): what it frees is not fully known.
    pub opaque: bool,
}

impl Summaries {
    /// Records a function's summary; an empty one removes what was known (a summary
    /// recomputed inside a cycle of calls may lose an effect).
    pub fn insert(&mut self, class: Option<&str>, name: &str, summary: Summary) {
        if summary.is_empty() {
            match class {
                Some(class) => self.methods.remove(&(class.to_string(), name.to_string())),
                None => self.functions.remove(name),
            };
            return;
        }
        match class {
            Some(class) => {
                self.methods
                    .insert((class.to_string(), name.to_string()), summary);
            }
            None => {
                self.functions.insert(name.to_string(), summary);
            }
        }
    }

    /// The summary recorded for a function (`class` `None`) or a method.
    pub fn get(&self, class: Option<&str>, name: &str) -> Option<&Summary> {
        match class {
            Some(class) => self.methods.get(&(class.to_string(), name.to_string())),
            None => self.functions.get(name),
        }
    }

    /// The functions and methods that return a fresh block or release an argument: their
    /// callers must be analyzed to see it.
    pub fn names_with_effects(&self) -> Vec<String> {
        let functions = self.functions.iter();
        let methods = self
            .methods
            .iter()
            .map(|((_, name), summary)| (name, summary));
        functions
            .chain(methods)
            .filter(|(_, summary)| summary.returns.is_some() || !summary.releases.is_empty())
            .map(|(name, _)| name.clone())
            .collect()
    }

    /// The summary of what a call calls, from a method of the first of `classes` (the
    /// class, then its bases) or from a function (`classes` empty).
    pub fn of_callee(&self, callee: &Callee, classes: &[String]) -> Option<&Summary> {
        match callee {
            Callee::ModuleFunction(name) => self.functions.get(name),
            Callee::Method(name) => classes
                .iter()
                .find_map(|class| self.methods.get(&(class.clone(), name.clone()))),
            _ => None,
        }
    }
}

/// What one module of the linted tree exports to the files that cimport it: the
/// summaries of its module-level functions and its extension types, merged over the
/// files that make it (`utils.pyx`, `utils.pxd`, and the `.pxi` files `utils.pyx`
/// includes).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ModuleExports {
    functions: HashMap<String, Summary>,
    classes: HashMap<String, ClassExport>,
}

impl ModuleExports {
    /// Adds what one file of the module exports; a name already known keeps the summary
    /// of the file added first.
    pub fn add_file(&mut self, summaries: &Summaries) {
        for (name, summary) in &summaries.functions {
            self.functions
                .entry(name.clone())
                .or_insert_with(|| summary.clone());
        }
        for (name, export) in &summaries.classes {
            self.classes
                .entry(name.clone())
                .or_insert_with(|| export.clone());
        }
    }

    pub fn is_empty(&self) -> bool {
        self.functions.is_empty() && self.classes.is_empty()
    }
}

/// What the modules one file cimports export, under the names the file writes for them
/// (`.utils`, `..pkg.utils`, `pkg.utils`): the module model (`crate::project`) has
/// already resolved each name to a module of the linted tree from the file's own
/// package, so two modules named `utils` in different packages are never confused.
#[derive(Clone, Debug, Default)]
pub struct ProjectSummaries {
    modules: HashMap<String, Arc<ModuleExports>>,
}

impl ProjectSummaries {
    /// Makes `written` (a module name as a cimport of the file spells it) mean a module
    /// exporting `exports`. The first module given for a name is kept.
    pub fn add_module(&mut self, written: &str, exports: Arc<ModuleExports>) {
        self.modules.entry(written.to_string()).or_insert(exports);
    }

    /// What the extension type `name` of the module a cimport names frees.
    pub fn class(&self, module: &str, name: &str) -> Option<&ClassExport> {
        self.modules.get(module)?.classes.get(name)
    }

    /// Whether a module of this name exports anything.
    pub fn has_module(&self, module: &str) -> bool {
        self.modules.get(module).is_some_and(|m| !m.is_empty())
    }

    /// The summary of `name` in the module a cimport names (`..utils._heap`, `utils`).
    pub fn get(&self, module: &str, name: &str) -> Option<&Summary> {
        self.modules.get(module)?.functions.get(name)
    }

    /// Every function name some module exports a summary for.
    pub fn function_names(&self) -> impl Iterator<Item = &str> {
        self.modules
            .values()
            .flat_map(|exports| exports.functions.keys().map(String::as_str))
    }

    pub fn is_empty(&self) -> bool {
        self.modules.values().all(|exports| exports.is_empty())
    }
}
