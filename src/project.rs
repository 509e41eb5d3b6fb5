//! The module model of a run: which files make which module, which modules each file
//! cimports, and the order in which modules are analyzed so that every cimported
//! helper's summary is known before its callers are analyzed.
//!
//! A module is named by its real path without the extension: `pkg/utils.pyx`,
//! `pkg/utils.pxd` and the `.pxi` files `pkg/utils.pyx` includes are one module,
//! `pkg/utils`. A cimport is resolved from the package of the file that writes it:
//!
//! - relative (`.utils`, `..pkg.utils`): against the file's folder, one level up per
//!   dot after the first;
//! - absolute (`pkg.utils`): from the root of the file's package (the folder above the
//!   topmost folder holding an `__init__` file of the run), then from each linted root
//!   (a folder given on the command line, or a given file's folder), then next to the
//!   file (Cython's implicit relative cimport), and last, when exactly one module of the
//!   run ends with those names, that module. An ambiguous name resolves to nothing:
//!   a helper whose module is unknown is an unknown function, never another module's.
//!
//! The modules and their cimports form a graph; its strongly connected components are
//! analyzed dependencies first ([`ModuleGraph::waves`]), so summaries are transitive
//! across modules (low -> mid -> top), and only modules that cimport each other in a
//! cycle are analyzed more than once.

use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};

use crate::ownership::module::strongly_connected_components;

/// What a file's text says about other files, read from its lines alone (cimports and
/// includes may sit in `IF` blocks or functions; the grammar is not needed).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Imports {
    /// Module names as written: `.utils` for `from .utils cimport make`, `pkg.utils` for
    /// `cimport pkg.utils as u` or `from cython.cimports.pkg.utils import make`.
    pub modules: Vec<String>,
    /// The files named by `include "x.pxi"`, as written.
    pub includes: Vec<String>,
    /// A line at column 0 opens a function with its body (`cdef inline char* dup(...):`):
    /// in a `.pxd`, a helper the module's other files call by its bare name.
    pub defines_functions: bool,
    /// A line at column 0 declares a class (`cdef class Buffer:`), whose `.pxd` half is
    /// checked against its `.pyx` half.
    pub declares_classes: bool,
}

impl Imports {
    pub fn scan(text: &str) -> Imports {
        let mut imports = Imports::default();
        let add = |module: &str, imports: &mut Imports| {
            let module = module.trim();
            let valid = !module.is_empty()
                && module
                    .chars()
                    .all(|c| c == '.' || c == '_' || c.is_alphanumeric());
            if valid && !imports.modules.iter().any(|m| m == module) {
                imports.modules.push(module.to_string());
            }
        };
        for line in text.lines() {
            if line.starts_with(|c: char| c.is_ascii_alphabetic()) {
                match top_level_definition(line) {
                    Some(Definition::Function) => imports.defines_functions = true,
                    Some(Definition::Class) => imports.declares_classes = true,
                    None => {}
                }
            }
            // Byte-wise first: `trim` alone decodes every character of the indentation,
            // which is most of a deeply nested file.
            let line = line.trim_ascii_start().trim();
            if let Some(rest) = line.strip_prefix("cimport ") {
                for item in rest.split('#').next().unwrap_or_default().split(',') {
                    add(item.split(" as ").next().unwrap_or_default(), &mut imports);
                }
            } else if let Some(rest) = line.strip_prefix("import cython.cimports.") {
                for (index, item) in rest.split(',').enumerate() {
                    let item = item.split(" as ").next().unwrap_or_default().trim();
                    let item = if index == 0 {
                        Some(item)
                    } else {
                        item.strip_prefix("cython.cimports.")
                    };
                    if let Some(module) = item {
                        add(module, &mut imports);
                    }
                }
            } else if let Some(rest) = line.strip_prefix("from ") {
                if let Some((module, names)) = rest.split_once(" cimport ") {
                    add(module, &mut imports);
                    for submodule in submodules(module, names) {
                        add(&submodule, &mut imports);
                    }
                } else if let Some((module, names)) = rest.split_once(" import ") {
                    if let Some(module) = module.trim().strip_prefix("cython.cimports.") {
                        add(module, &mut imports);
                        for submodule in submodules(module, names) {
                            add(&submodule, &mut imports);
                        }
                    }
                }
            } else if let Some(rest) = line.strip_prefix("include ") {
                let rest = rest.trim();
                let quote = rest.chars().next();
                if let Some(quote @ ('"' | '\'')) = quote {
                    if let Some(end) = rest[1..].find(quote) {
                        imports.includes.push(rest[1..1 + end].to_string());
                    }
                }
            }
        }
        imports
    }
}

enum Definition {
    Function,
    Class,
}

/// What a line at column 0 defines: a function with its body to follow (`cdef inline
/// char* dup(const char* s):  # note`, not a declaration), or a class (`cdef class A:`,
/// `cdef public class B [object B, type BT]:`, `class C:`); not a struct or an extern
/// block.
fn top_level_definition(line: &str) -> Option<Definition> {
    let code = line.split('#').next().unwrap_or_default().trim_end();
    let mut words = code.split_ascii_whitespace();
    let first = words.next()?;
    if first == "class" {
        return Some(Definition::Class);
    }
    if !["cdef", "cpdef", "def"].contains(&first) {
        return None;
    }
    let mut words = words.skip_while(|word| matches!(*word, "public" | "api" | "readonly"));
    match words.next()? {
        "class" => Some(Definition::Class),
        "cppclass" | "extern" | "struct" | "union" | "enum" | "packed" | "ctypedef" | "fused" => {
            None
        }
        // An inline function always has its body, whose header may span lines.
        word => (code.contains('(') && (code.ends_with(':') || word == "inline"))
            .then_some(Definition::Function),
    }
}

/// `from pkg cimport alloc` and `from . cimport alloc` may import a module (`pkg.alloc`,
/// `.alloc`), called as `alloc.new_buf(n)`: each imported name joined to the module, which
/// resolves only where that module is a file of the run.
fn submodules<'t>(module: &'t str, names: &'t str) -> impl Iterator<Item = String> + 't {
    let module = module.trim();
    let names = names.split('#').next().unwrap_or_default();
    names
        .split(',')
        .map(|item| {
            let item = item.trim().trim_start_matches('(').trim_end_matches(')');
            item.split(" as ").next().unwrap_or_default().trim()
        })
        .filter(|name| !name.is_empty() && *name != "*")
        .map(move |name| {
            if module.chars().all(|c| c == '.') {
                format!("{module}{name}")
            } else {
                format!("{module}.{name}")
            }
        })
}

/// The files on disk a file of the run reads besides its own text, as Cython would find
/// them: its `.pxd` (for a `.pyx`), the files it includes, and the `.pyx`/`.pxd` of each
/// module it cimports (relative to its folder, or from the root of its package or its
/// own folder). `path` is absolute. Candidates: they may not exist.
pub fn files_read_by(path: &Path, imports: &Imports) -> Vec<PathBuf> {
    let folder = path.parent().unwrap_or(Path::new(""));
    let mut found = Vec::new();
    let mut add = |candidate: PathBuf| {
        if !found.contains(&candidate) {
            found.push(candidate);
        }
    };
    if path.extension().is_some_and(|ext| ext == "pyx") {
        add(path.with_extension("pxd"));
    }
    for include in &imports.includes {
        add(normalize(folder, Path::new(include)));
    }
    let package_root = {
        let mut root = folder;
        while is_package(root) {
            match root.parent() {
                Some(parent) => root = parent,
                None => break,
            }
        }
        root
    };
    for written in &imports.modules {
        let dots = written.chars().take_while(|c| *c == '.').count();
        let names: Vec<&str> = written[dots..]
            .split('.')
            .filter(|n| !n.is_empty())
            .collect();
        if names.is_empty() {
            continue;
        }
        let bases: Vec<&Path> = if dots > 0 {
            folder.ancestors().nth(dots - 1).into_iter().collect()
        } else {
            vec![package_root, folder]
        };
        for base in bases {
            let module: PathBuf = names
                .iter()
                .fold(base.to_path_buf(), |at, name| at.join(name));
            for extension in ["pyx", "pxd"] {
                add(module.with_extension(extension));
            }
        }
    }
    found
}

/// A folder with an `__init__.py`, `.pyx` or `.pxd`.
fn is_package(folder: &Path) -> bool {
    ["py", "pyx", "pxd"]
        .iter()
        .any(|extension| folder.join("__init__").with_extension(extension).is_file())
}

/// A path made absolute (against `cwd`) with `.` and `..` folded, so that the same file
/// reached as `./a/../b/x.pyx` and `b/x.pyx` is one key.
pub fn normalize(cwd: &Path, path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        cwd.join(path)
    };
    let mut normalized = PathBuf::new();
    for component in joined.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                normalized.pop();
            }
            other => normalized.push(other),
        }
    }
    normalized
}

/// A file of the run as the module model sees it.
pub struct ModuleFile {
    /// As discovered (how it is reported).
    pub path: PathBuf,
    pub imports: Imports,
}

/// The modules of a run and what each file cimports.
pub struct ModuleGraph {
    /// For each file, the module it belongs to (an index into `modules`).
    pub module_of: Vec<usize>,
    /// Each module's key (its normalized path without extension) and files: the `.pyx`
    /// first, then the `.pxi` files it includes, the `.pxd` last (what the module exports
    /// is merged in this order, the first file naming a function or class winning).
    pub modules: Vec<(PathBuf, Vec<usize>)>,
    /// For each file, the files whose module-level cimports and declarations it sees:
    /// a `.pyx` its `.pxd`; a `.pxi` the file that includes it.
    pub context: Vec<Vec<usize>>,
    /// For each file, each module name it (or a file of its context) cimports that is a
    /// module of the run: (the name as written, the module).
    pub cimports: Vec<Vec<(String, usize)>>,
    /// For each module, the files its files include that belong to another module (a
    /// `.pxi` belongs to the first file that includes it): the module depends on that
    /// one, whose analysis of them gives their helpers' summaries.
    pub foreign_includes: Vec<Vec<usize>>,
}

impl ModuleGraph {
    /// `roots` are the paths given on the command line; `files` every file of the run.
    pub fn build(cwd: &Path, roots: &[PathBuf], files: &[ModuleFile]) -> ModuleGraph {
        let absolute: Vec<PathBuf> = files.iter().map(|f| normalize(cwd, &f.path)).collect();
        let by_path: HashMap<&Path, usize> = absolute
            .iter()
            .enumerate()
            .map(|(index, path)| (path.as_path(), index))
            .collect();
        let packages: HashSet<&Path> = absolute
            .iter()
            .filter(|path| {
                path.file_stem().is_some_and(|stem| stem == "__init__")
                    && path
                        .extension()
                        .is_some_and(|ext| ext == "py" || ext == "pyx" || ext == "pxd")
            })
            .filter_map(|path| path.parent())
            .collect();
        let linted_roots: Vec<PathBuf> = roots
            .iter()
            .map(|root| {
                let root = normalize(cwd, root);
                if by_path.contains_key(root.as_path()) {
                    root.parent().map(Path::to_path_buf).unwrap_or(root)
                } else {
                    root
                }
            })
            .collect();

        // A .pxi included by a file of the run belongs to the module of the first file
        // (in path order) that includes it.
        let mut includer: Vec<Option<usize>> = vec![None; files.len()];
        let mut included_files: Vec<Vec<usize>> = vec![Vec::new(); files.len()];
        for (index, file) in files.iter().enumerate() {
            let folder = absolute[index].parent().unwrap_or(Path::new(""));
            for include in &file.imports.includes {
                let target = normalize(folder, Path::new(include));
                if let Some(&included) = by_path.get(target.as_path()) {
                    if included != index {
                        included_files[index].push(included);
                        if includer[included].is_none() {
                            includer[included] = Some(index);
                        }
                    }
                }
            }
        }
        // Follow include chains (a .pxi including a .pxi) to the outermost file, bounded
        // by the number of files in case of an include cycle.
        let keys: Vec<PathBuf> = (0..files.len())
            .map(|index| {
                let mut outer = index;
                for _ in 0..files.len() {
                    match includer[outer] {
                        Some(next) if next != index => outer = next,
                        _ => break,
                    }
                }
                absolute[outer].with_extension("")
            })
            .collect();
        let mut modules: Vec<(PathBuf, Vec<usize>)> = Vec::new();
        let mut module_index: HashMap<PathBuf, usize> = HashMap::new();
        let mut module_of = Vec::with_capacity(files.len());
        for (index, key) in keys.iter().enumerate() {
            let module = *module_index.entry(key.clone()).or_insert_with(|| {
                modules.push((key.clone(), Vec::new()));
                modules.len() - 1
            });
            modules[module].1.push(index);
            module_of.push(module);
        }
        // The implementation first: where a .pxd declares a class or function the .pyx
        // defines, the definition says what it does.
        let rank = |file: &usize| match absolute[*file].extension().and_then(|e| e.to_str()) {
            Some("pyx") | Some("py") => 0,
            Some("pxd") => 2,
            _ => 1,
        };
        for (_, members) in &mut modules {
            members.sort_by_key(|file| (rank(file), *file));
        }
        // Modules by their last name, for the unique-suffix fallback.
        let mut by_last_name: HashMap<&str, Vec<usize>> = HashMap::new();
        for (module, (key, _)) in modules.iter().enumerate() {
            if let Some(name) = key.file_name().and_then(|n| n.to_str()) {
                by_last_name.entry(name).or_default().push(module);
            }
        }

        let context: Vec<Vec<usize>> = (0..files.len())
            .map(|index| {
                let path = &absolute[index];
                if path.extension().is_some_and(|ext| ext == "pyx") {
                    let declarations = path.with_extension("pxd");
                    by_path
                        .get(declarations.as_path())
                        .copied()
                        .into_iter()
                        .collect()
                } else if let Some(outer) = includer[index] {
                    let mut context = vec![outer];
                    context.extend(
                        absolute[outer]
                            .extension()
                            .filter(|ext| *ext == "pyx")
                            .and_then(|_| {
                                by_path.get(absolute[outer].with_extension("pxd").as_path())
                            }),
                    );
                    context
                } else {
                    Vec::new()
                }
            })
            .collect();

        let resolver = Resolver {
            module_index: &module_index,
            modules: &modules,
            packages: &packages,
            linted_roots: &linted_roots,
            by_last_name: &by_last_name,
        };
        let cimports = (0..files.len())
            .map(|index| {
                let mut found: Vec<(String, usize)> = Vec::new();
                for source in std::iter::once(index).chain(context[index].iter().copied()) {
                    let folder = absolute[source].parent().unwrap_or(Path::new(""));
                    for written in &files[source].imports.modules {
                        if found.iter().any(|(w, _)| w == written) {
                            continue;
                        }
                        if let Some(module) = resolver.resolve(folder, written) {
                            if module != module_of[index] {
                                found.push((written.clone(), module));
                            }
                        }
                    }
                }
                found
            })
            .collect();
        // The files a module includes that belong to another module (the first to
        // include them).
        let mut foreign_includes: Vec<Vec<usize>> = vec![Vec::new(); modules.len()];
        for (index, included) in included_files.into_iter().enumerate() {
            let module = module_of[index];
            for file in included {
                if module_of[file] != module && !foreign_includes[module].contains(&file) {
                    foreign_includes[module].push(file);
                }
            }
        }
        ModuleGraph {
            module_of,
            modules,
            context,
            cimports,
            foreign_includes,
        }
    }

    /// The graph's strongly connected components (the modules of a cycle of cimports are
    /// one), dependencies first: a component comes after every component it depends on.
    pub fn components(&self) -> Components {
        let count = self.modules.len();
        let mut depends: Vec<Vec<usize>> = vec![Vec::new(); count];
        for (file, cimports) in self.cimports.iter().enumerate() {
            let module = self.module_of[file];
            for &(_, target) in cimports {
                if !depends[module].contains(&target) {
                    depends[module].push(target);
                }
            }
        }
        for (module, included) in self.foreign_includes.iter().enumerate() {
            for &file in included {
                let target = self.module_of[file];
                if !depends[module].contains(&target) {
                    depends[module].push(target);
                }
            }
        }
        let members = strongly_connected_components(&depends);
        let mut component_of = vec![0usize; count];
        for (index, component) in members.iter().enumerate() {
            for &module in component {
                component_of[module] = index;
            }
        }
        let depends = members
            .iter()
            .enumerate()
            .map(|(index, component)| {
                let mut on: Vec<usize> = component
                    .iter()
                    .flat_map(|&module| &depends[module])
                    .map(|&target| component_of[target])
                    .filter(|&other| other != index)
                    .collect();
                on.sort_unstable();
                on.dedup();
                on
            })
            .collect();
        Components {
            members,
            depends,
            component_of,
        }
    }
}

/// The strongly connected components of a [`ModuleGraph`], in an order where each comes
/// after those it depends on.
pub struct Components {
    /// Each component's modules.
    pub members: Vec<Vec<usize>>,
    /// For each component, the (other) components its modules cimport, each once.
    pub depends: Vec<Vec<usize>>,
    /// For each module, its component.
    pub component_of: Vec<usize>,
}

impl Components {
    /// For each component, the components that depend on it.
    pub fn dependents(&self) -> Vec<Vec<usize>> {
        let mut dependents = vec![Vec::new(); self.members.len()];
        for (component, depends) in self.depends.iter().enumerate() {
            for &on in depends {
                dependents[on].push(component);
            }
        }
        dependents
    }
}

struct Resolver<'a> {
    module_index: &'a HashMap<PathBuf, usize>,
    modules: &'a [(PathBuf, Vec<usize>)],
    packages: &'a HashSet<&'a Path>,
    linted_roots: &'a [PathBuf],
    by_last_name: &'a HashMap<&'a str, Vec<usize>>,
}

impl Resolver<'_> {
    /// The module a cimport written in a file of `folder` names.
    fn resolve(&self, folder: &Path, written: &str) -> Option<usize> {
        let dots = written.len() - written.trim_start_matches('.').len();
        let names: Vec<&str> = written[dots..]
            .split('.')
            .filter(|n| !n.is_empty())
            .collect();
        if names.is_empty() {
            return None;
        }
        let under = |base: &Path| -> Option<usize> {
            let mut key = base.to_path_buf();
            key.extend(&names);
            self.module_index.get(&key).copied()
        };
        if dots > 0 {
            let mut base = folder;
            for _ in 1..dots {
                base = base.parent()?;
            }
            return under(base);
        }
        let mut package_root = folder;
        while self.packages.contains(package_root) {
            match package_root.parent() {
                Some(parent) => package_root = parent,
                None => break,
            }
        }
        if let Some(found) = under(package_root) {
            return Some(found);
        }
        for root in self.linted_roots {
            if let Some(found) = under(root) {
                return Some(found);
            }
        }
        if let Some(found) = under(folder) {
            return Some(found);
        }
        let last = names.last()?;
        let mut matching = self.by_last_name.get(last)?.iter().filter(|&&module| {
            let key = &self.modules[module].0;
            let tail: Vec<&str> = key
                .components()
                .rev()
                .take(names.len())
                .filter_map(|c| c.as_os_str().to_str())
                .collect();
            tail.iter().rev().eq(names.iter())
        });
        let first = matching.next()?;
        matching.next().is_none().then_some(*first)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph(files: &[(&str, &str)], roots: &[&str]) -> ModuleGraph {
        let files: Vec<ModuleFile> = files
            .iter()
            .map(|(path, text)| ModuleFile {
                path: PathBuf::from(path),
                imports: Imports::scan(text),
            })
            .collect();
        let roots: Vec<PathBuf> = roots.iter().map(PathBuf::from).collect();
        ModuleGraph::build(Path::new("/work"), &roots, &files)
    }

    /// Each file's cimports as (written, the module's key).
    fn cimports(graph: &ModuleGraph) -> Vec<Vec<(String, String)>> {
        graph
            .cimports
            .iter()
            .map(|found| {
                found
                    .iter()
                    .map(|(written, module)| {
                        let key = graph.modules[*module].0.display().to_string();
                        (written.clone(), key)
                    })
                    .collect()
            })
            .collect()
    }

    fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn imports_are_read_from_every_cimport_form() {
        let text = "from .utils cimport make\n\
                    cimport pkg.a as a, pkg.b  # two\n\
                    from cython.cimports.pkg.c import f\n\
                    import cython.cimports.pkg.d as d\n\
                    from ..up.e cimport (\n    g,\n)\n\
                    from os import path\n\
                    IF UNAME_SYSNAME == \"Linux\":\n    include \"linux.pxi\"\n\
                    # from commented cimport out\n";
        let imports = Imports::scan(text);
        assert_eq!(
            imports.modules,
            // `.utils.make` and `pkg.c.f`: an imported name may be a module.
            vec![
                ".utils",
                ".utils.make",
                "pkg.a",
                "pkg.b",
                "pkg.c",
                "pkg.c.f",
                "pkg.d",
                "..up.e"
            ]
        );
        assert_eq!(imports.includes, vec!["linux.pxi"]);
    }

    #[test]
    fn function_bodies_and_classes_at_column_zero_are_told_apart_from_declarations() {
        let scan = |text: &str| {
            let imports = Imports::scan(text);
            (imports.defines_functions, imports.declares_classes)
        };
        assert_eq!(
            scan("cdef inline char* dup(size_t n) noexcept nogil:  # x\n"),
            (true, false)
        );
        // A header spanning lines: an inline function always has a body.
        assert_eq!(
            scan("cdef inline int f(int a,\n                 int b):\n"),
            (true, false)
        );
        assert_eq!(
            scan("cdef public class Buffer [object B, type BT]:\n"),
            (false, true)
        );
        assert_eq!(
            scan("cdef class Buffer(Base):\n    cdef inline int f(self):\n"),
            (false, true)
        );
        let declarations = "cdef char* make(size_t n)\ncdef extern from \"h.h\":\n    \
                            int g(int x)\ncdef struct S:\n    int a\nctypedef int (*cb)(int):\n";
        assert_eq!(scan(declarations), (false, false));
    }

    #[test]
    fn a_name_imported_from_a_package_may_be_a_module() {
        let graph = graph(
            &[
                ("pkg/alloc.pyx", ""),
                ("pkg/user.pyx", "from . cimport alloc, other as o\n"),
                ("pkg/abs.pyx", "from pkg cimport (alloc)  # comment\n"),
            ],
            &["."],
        );
        assert_eq!(
            cimports(&graph),
            vec![
                vec![],
                pairs(&[(".alloc", "/work/pkg/alloc")]),
                pairs(&[("pkg.alloc", "/work/pkg/alloc")]),
            ]
        );
    }

    #[test]
    fn relative_cimports_resolve_against_the_files_package() {
        let graph = graph(
            &[
                ("a/utils.pyx", ""),
                ("b/utils.pyx", ""),
                ("b/main.pyx", "from .utils cimport make\n"),
                (
                    "b/sub/deep.pyx",
                    "from ..utils cimport make\nfrom ...a.utils cimport x\n",
                ),
            ],
            &["."],
        );
        assert_eq!(
            cimports(&graph),
            vec![
                vec![],
                vec![],
                pairs(&[(".utils", "/work/b/utils")]),
                pairs(&[
                    ("..utils", "/work/b/utils"),
                    ("...a.utils", "/work/a/utils")
                ]),
            ]
        );
    }

    #[test]
    fn absolute_cimports_resolve_from_the_package_root_then_the_linted_roots() {
        let graph = graph(
            &[
                ("src/pkg/__init__.py", ""),
                ("src/pkg/utils.pyx", ""),
                ("src/pkg/main.pyx", "from pkg.utils cimport make\n"),
                ("other/pkg/utils.pyx", ""),
                (
                    "tools/run.pyx",
                    "from pkg.utils cimport make\nfrom tools.run cimport x\n",
                ),
                ("tools/near.pyx", "from run cimport x\n"),
            ],
            &["other", "."],
        );
        assert_eq!(
            cimports(&graph),
            vec![
                vec![],
                vec![],
                pairs(&[("pkg.utils", "/work/src/pkg/utils")]),
                vec![],
                // No package: the linted roots, in the order given.
                pairs(&[("pkg.utils", "/work/other/pkg/utils")]),
                pairs(&[("run", "/work/tools/run")]),
            ]
        );
    }

    #[test]
    fn an_ambiguous_name_resolves_to_nothing_and_a_unique_one_by_its_suffix() {
        let graph = graph(
            &[
                ("x/a/utils.pyx", ""),
                ("x/b/utils.pyx", ""),
                ("x/c/heap.pyx", ""),
                (
                    "y/main.pyx",
                    "from utils cimport make\nfrom c.heap cimport h\n",
                ),
            ],
            &["y"],
        );
        assert_eq!(cimports(&graph)[3], pairs(&[("c.heap", "/work/x/c/heap")]));
    }

    #[test]
    fn pxd_pyx_and_included_pxi_are_one_module() {
        let graph = graph(
            &[
                ("m/buf.pxd", "from .low cimport make\n"),
                ("m/buf.pyx", "include \"parts/extra.pxi\"\n"),
                ("m/low.pyx", ""),
                ("m/parts/extra.pxi", ""),
            ],
            &["."],
        );
        let keys: Vec<String> = graph
            .module_of
            .iter()
            .map(|&m| graph.modules[m].0.display().to_string())
            .collect();
        assert_eq!(
            keys,
            vec!["/work/m/buf", "/work/m/buf", "/work/m/low", "/work/m/buf"]
        );
        // The .pyx first, the included .pxi, the .pxd last.
        assert_eq!(graph.modules[graph.module_of[0]].1, vec![1, 3, 0]);
        assert_eq!(graph.context, vec![vec![], vec![0], vec![], vec![1, 0]]);
        // The .pyx and the .pxi see the .pxd's cimport, resolved from the .pxd's folder.
        assert_eq!(
            cimports(&graph),
            vec![
                pairs(&[(".low", "/work/m/low")]),
                pairs(&[(".low", "/work/m/low")]),
                vec![],
                pairs(&[(".low", "/work/m/low")]),
            ]
        );
    }

    #[test]
    fn components_put_dependencies_first_and_cycles_together() {
        let graph = graph(
            &[
                ("top.pyx", "from .mid cimport f\n"),
                ("mid.pyx", "from .low cimport f\n"),
                ("low.pyx", ""),
                ("ping.pyx", "from .pong cimport f\nfrom .low cimport g\n"),
                ("pong.pyx", "from .ping cimport f\n"),
            ],
            &["."],
        );
        let components = graph.components();
        let name = |component: usize| -> Vec<String> {
            let mut names: Vec<String> = components.members[component]
                .iter()
                .map(|&m| {
                    let key = &graph.modules[m].0;
                    key.file_name().unwrap().to_str().unwrap().to_string()
                })
                .collect();
            names.sort();
            names
        };
        let named: Vec<(Vec<String>, Vec<Vec<String>>)> = (0..components.members.len())
            .map(|component| {
                let mut depends: Vec<Vec<String>> = components.depends[component]
                    .iter()
                    .map(|&on| {
                        assert!(on < component, "a dependency comes first");
                        name(on)
                    })
                    .collect();
                depends.sort();
                (name(component), depends)
            })
            .collect();
        let low = vec!["low".to_string()];
        let mut expected = vec![
            (low.clone(), vec![]),
            (vec!["mid".to_string()], vec![low.clone()]),
            (
                vec!["ping".to_string(), "pong".to_string()],
                vec![low.clone()],
            ),
            (vec!["top".to_string()], vec![vec!["mid".to_string()]]),
        ];
        let mut sorted = named.clone();
        sorted.sort();
        expected.sort();
        assert_eq!(sorted, expected);
        let dependents = components.dependents();
        let low_index = named.iter().position(|(names, _)| *names == low).unwrap();
        let mut of_low: Vec<Vec<String>> = dependents[low_index].iter().map(|&c| name(c)).collect();
        of_low.sort();
        assert_eq!(
            of_low,
            vec![
                vec!["mid".to_string()],
                vec!["ping".to_string(), "pong".to_string()]
            ]
        );
    }
}
