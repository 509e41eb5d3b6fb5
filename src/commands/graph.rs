//! `cysafe graph FILE[:FUNCTION or CLASS]`: the ownership graph as Graphviz DOT, so a
//! user can see why a diagnostic fired.
//!
//! For a function: its allocation sites (family, line), the places that hold them, and
//! what happens to each block (NULL checks, uses, releases, escapes, realloc overwrites),
//! red where a rule fires, and how each block may end (on every path, or on some paths
//! only). For a class: which attribute receives which block in which method, and whether
//! `__dealloc__` frees it on every path (what CY004 asks), on some paths only, or not at
//! all, then each method's own graph. The file is analyzed with the configuration that
//! governs it (`--config`, or the nearest `cysafe.toml` / `pyproject.toml`), so the
//! project's own allocator families are known.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::io::Write;
use std::path::PathBuf;

use crate::analyze::lower_source;
use crate::commands::ExitStatus;
use crate::config::{Config, ConfigResolver};
use crate::diagnostic::{LineIndex, Span};
use crate::ownership::module::ModuleAnalysis;
use crate::ownership::{EscapeHow, OwnershipGraph, SiteOrigin, SiteStates, UseHow};
use crate::parse::Dialect;
use crate::rules::dealloc_missing_free;
#[cfg(test)]
use crate::settings::AnalysisSettings;
use crate::source::read_source;

#[derive(Debug, clap::Args)]
pub struct GraphArgs {
    /// The file, optionally followed by `:NAME`: a function, a method (`Class.method` or
    /// just `method`) or a class. Without a name, every function that handles a block and
    /// every extension type.
    pub target: String,
    /// Use this configuration file instead of the nearest `cysafe.toml` or
    /// `pyproject.toml` (its allocator families are used).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

pub fn run(args: &GraphArgs, out: &mut dyn Write) -> std::io::Result<ExitStatus> {
    let (path, name) = split_target(&args.target);
    let dialect = Dialect::from_path(&path).unwrap_or(Dialect::Cython);
    let text = match read_source(&path) {
        Ok(text) => text,
        Err(error) => {
            eprintln!("cysafe: {}: {error}", path.display());
            return Ok(ExitStatus::Error);
        }
    };
    let explicit = match &args.config {
        None => None,
        Some(config) => match Config::load(config, true) {
            Ok(config) => config,
            Err(error) => {
                eprintln!("cysafe: {error}");
                return Ok(ExitStatus::Error);
            }
        },
    };
    let resolver = ConfigResolver::new(explicit, std::env::current_dir()?);
    let config = match resolver.for_path(&path) {
        Ok(config) => config,
        Err(error) => {
            eprintln!("cysafe: {error}");
            return Ok(ExitStatus::Error);
        }
    };
    let lowered = lower_source(&text, dialect, &config.analysis);
    let analysis = lowered.analyze();
    match render(&analysis, &text, name.as_deref()) {
        Some(dot) => {
            out.write_all(dot.as_bytes())?;
            Ok(ExitStatus::Success)
        }
        None => {
            eprintln!(
                "cysafe: {}: no function, method or class named `{}` that handles heap blocks",
                path.display(),
                name.unwrap_or_default()
            );
            Ok(ExitStatus::Error)
        }
    }
}

/// `file.pyx:Name` into the path and the name; a path that itself contains `:` and exists
/// is taken whole.
fn split_target(target: &str) -> (PathBuf, Option<String>) {
    if let Some((path, name)) = target.rsplit_once(':') {
        let is_name = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '.');
        if is_name && !std::path::Path::new(target).exists() {
            return (PathBuf::from(path), Some(name.to_string()));
        }
    }
    (PathBuf::from(target), None)
}

/// The DOT text for the selection, or `None` when the name matches nothing.
pub fn render(analysis: &ModuleAnalysis<'_>, text: &str, name: Option<&str>) -> Option<String> {
    let lines = LineIndex::new(text);
    let mut dot = Dot {
        out: String::new(),
        lines,
        next_cluster: 0,
    };
    dot.out.push_str(
        "digraph ownership {\n  rankdir=LR;\n  node [fontname=\"Helvetica\", fontsize=10];\n  edge [fontname=\"Helvetica\", fontsize=9];\n",
    );
    let mut found = false;
    for model in &analysis.classes {
        if name.is_none_or(|name| name == model.name) {
            found = true;
            dot.class(analysis, &model.name);
        }
    }
    for graph in &analysis.graphs {
        let function = graph.function;
        let qualified = match &function.class {
            Some(class) => format!("{class}.{}", function.name),
            None => function.name.clone(),
        };
        let selected = match name {
            None => !graph.sites.is_empty() && function.class.is_none(),
            Some(name) => {
                name == qualified
                    || name == function.name
                    || function.class.as_deref() == Some(name)
            }
        };
        if selected {
            found = true;
            dot.function(graph, &qualified);
        }
    }
    dot.out.push_str("}\n");
    (found || name.is_none()).then_some(dot.out)
}

struct Dot<'t> {
    out: String,
    lines: LineIndex<'t>,
    next_cluster: usize,
}

fn quote(text: &str) -> String {
    let mut quoted = String::with_capacity(text.len() + 2);
    quoted.push('"');
    for c in text.chars() {
        match c {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            '\n' => quoted.push_str("\\n"),
            _ => quoted.push(c),
        }
    }
    quoted.push('"');
    quoted
}

impl Dot<'_> {
    fn line(&self, span: Span) -> usize {
        self.lines.position(span.start).row
    }

    fn cluster(&mut self, label: &str) -> usize {
        let id = self.next_cluster;
        self.next_cluster += 1;
        let _ = writeln!(
            self.out,
            "  subgraph cluster_{id} {{\n    label={};\n    style=rounded;",
            quote(label)
        );
        id
    }

    fn node(&mut self, id: &str, shape: &str, color: &str, label: &str) {
        let _ = writeln!(
            self.out,
            "    {} [shape={shape}, color={}, label={}];",
            quote(id),
            quote(color),
            quote(label)
        );
    }

    fn edge(&mut self, from: &str, to: &str, label: &str, color: &str) {
        let _ = writeln!(
            self.out,
            "    {} -> {} [label={}, color={}];",
            quote(from),
            quote(to),
            quote(label),
            quote(color)
        );
    }

    fn class(&mut self, analysis: &ModuleAnalysis<'_>, name: &str) {
        let Some(model) = analysis.classes.iter().find(|model| model.name == name) else {
            return;
        };
        let cluster = self.cluster(&format!("class {name}"));
        let deallocs = analysis.methods_named(name, "__dealloc__");
        let dealloc_id = format!("c{cluster}_dealloc");
        match deallocs.first() {
            Some(dealloc) => {
                let line = self.line(dealloc.function.name_span);
                let owner = dealloc.function.class.clone().unwrap_or_default();
                self.node(
                    &dealloc_id,
                    "component",
                    "black",
                    &format!("{owner}.__dealloc__\nline {line}"),
                );
            }
            None => self.node(&dealloc_id, "component", "red", "no __dealloc__"),
        }
        for owned in &model.owned {
            let attribute_id = format!("c{cluster}_attr_{}", owned.attribute);
            let site_id = format!("c{cluster}_alloc_{}", owned.attribute);
            let family = analysis
                .graphs
                .first()
                .map(|g| g.family_name(owned.origin.family).to_string())
                .unwrap_or_default();
            let line = self.line(owned.origin.span);
            self.node(
                &site_id,
                "box",
                "black",
                &format!(
                    "{} ({family})\nin {}, line {line}",
                    owned.origin.callee, owned.method
                ),
            );
            self.node(
                &attribute_id,
                "ellipse",
                "black",
                &format!("self.{}", owned.attribute),
            );
            self.edge(&attribute_id, &site_id, "holds", "black");
            // As CY004 sees it: freed (or handed off) on every path, or not.
            let freed = deallocs.iter().any(|dealloc| {
                dealloc_missing_free::releases(analysis, dealloc, &owned.attribute, true)
            });
            let released_somewhere = deallocs.iter().any(|dealloc| {
                let place = crate::ir::Place::of_self_attribute(&owned.attribute);
                dealloc
                    .incoming_site_of(&place)
                    .is_some_and(|site| dealloc.releases.iter().any(|r| r.site == site))
            });
            let (label, color) = match (freed, released_somewhere) {
                (true, _) => ("freed on every path", "darkgreen"),
                (false, true) => ("freed on some paths only", "red"),
                (false, false) => ("not freed", "red"),
            };
            self.edge(&attribute_id, &dealloc_id, label, color);
        }
        self.out.push_str("  }\n");
    }

    fn function(&mut self, graph: &OwnershipGraph<'_>, qualified: &str) {
        let function = graph.function;
        let line = self.line(function.name_span);
        let cluster = self.cluster(&format!("{qualified} (line {line})"));
        let site_node = |site: usize| format!("f{cluster}_site{site}");
        let place_node = |place: u32| format!("f{cluster}_place{place}");
        let mut held: BTreeSet<(u32, usize)> = BTreeSet::new();
        // A parameter's entry block is worth showing only when something is known of it
        // or done to it; `self` and `n` on entry would be noise.
        let shown: Vec<bool> = graph
            .sites
            .iter()
            .enumerate()
            .map(|(index, site)| {
                site.family.is_some()
                    || graph.releases.iter().any(|r| r.site.0 as usize == index)
                    || graph.escapes.iter().any(|e| e.site.0 as usize == index)
            })
            .collect();
        for (index, site) in graph.sites.iter().enumerate() {
            if !shown[index] {
                continue;
            }
            let family = site
                .family
                .map(|family| graph.family_name(family).to_string())
                .unwrap_or_else(|| "unknown family".to_string());
            let label = match site.origin {
                SiteOrigin::Call(_) => {
                    let line = site.span.map_or(0, |span| self.line(span));
                    format!("{} ({family})\nline {line}", site.callee)
                }
                SiteOrigin::Incoming(place) => {
                    held.insert((place.0, index));
                    format!("{} on entry\n({family})", function.place(place))
                }
            };
            let shape = match site.origin {
                SiteOrigin::Call(_) => "box",
                SiteOrigin::Incoming(_) => "box3d",
            };
            self.node(&site_node(index), shape, "black", &label);
        }
        let mut event = 0usize;
        let mut event_node =
            |dot: &mut Self, site: usize, shape: &str, color: &str, label: &str| {
                let id = format!("f{cluster}_event{event}");
                event += 1;
                dot.node(&id, shape, color, label);
                dot.edge(&site_node(site), &id, "", color);
            };
        let mut seen = BTreeSet::new();
        for check in graph.checks.iter().filter(|e| shown[e.site.0 as usize]) {
            held.insert((check.place.0, check.site.0 as usize));
            if seen.insert(("check", check.span, check.site)) {
                let label = format!(
                    "NULL check of {}\nline {}",
                    function.place(check.place),
                    self.line(check.span)
                );
                event_node(self, check.site.0 as usize, "diamond", "darkgreen", &label);
            }
        }
        for used in graph.uses.iter().filter(|e| shown[e.site.0 as usize]) {
            held.insert((used.place.0, used.site.0 as usize));
            if !seen.insert(("use", used.span, used.site)) {
                continue;
            }
            let what = match used.how {
                UseHow::Deref | UseHow::Arithmetic => "dereferenced".to_string(),
                UseHow::Returned => "returned".to_string(),
                UseHow::PassedTo(call) => {
                    format!("passed to {}", function.call(call).callee.display_name())
                }
            };
            let (color, note) = if used.unchecked {
                ("red", "\nbefore any NULL check")
            } else {
                ("black", "")
            };
            let label = format!(
                "{} {what}{note}\nline {}",
                function.place(used.place),
                self.line(used.span)
            );
            event_node(self, used.site.0 as usize, "note", color, &label);
        }
        for release in graph.releases.iter().filter(|e| shown[e.site.0 as usize]) {
            held.insert((release.place.0, release.site.0 as usize));
            if !seen.insert(("release", release.span, release.site)) {
                continue;
            }
            let site = graph.site(release.site);
            let mismatched = matches!((site.family, release.family), (Some(a), Some(b)) if a != b);
            let verb = if release.reallocating {
                "reallocated by"
            } else {
                "released by"
            };
            let label = format!(
                "{verb} {} ({})\nline {}",
                release.callee,
                release
                    .family
                    .map_or("family by its arguments", |family| graph
                        .family_name(family)),
                self.line(release.span)
            );
            let color = if mismatched { "red" } else { "black" };
            event_node(self, release.site.0 as usize, "octagon", color, &label);
        }
        for escape in graph.escapes.iter().filter(|e| shown[e.site.0 as usize]) {
            if !seen.insert(("escape", escape.span, escape.site)) {
                continue;
            }
            let label = match escape.how {
                EscapeHow::Returned => format!("returned\nline {}", self.line(escape.span)),
                EscapeHow::Carried => format!("handed off\nline {}", self.line(escape.span)),
                EscapeHow::Stored(place) => {
                    held.insert((place.0, escape.site.0 as usize));
                    format!(
                        "stored in {}\nline {}",
                        function.place(place),
                        self.line(escape.span)
                    )
                }
            };
            event_node(self, escape.site.0 as usize, "cds", "blue", &label);
        }
        for overwrite in &graph.realloc_overwrites {
            if let Some(site) = graph.site_of_call(overwrite.call) {
                if seen.insert(("overwrite", overwrite.span, site)) {
                    let label = format!(
                        "{} overwritten by its own realloc\nline {}",
                        function.place(overwrite.target),
                        self.line(overwrite.span)
                    );
                    event_node(self, site.0 as usize, "note", "red", &label);
                }
            }
        }
        if let Some(exit) = &graph.exit {
            // How each block leaves the function, over every path that returns or raises.
            for (index, site) in graph.sites.iter().enumerate() {
                let states = exit.site(crate::ownership::SiteId(index as u32));
                if !shown[index] || site.call().is_none() || states.is_empty() {
                    continue;
                }
                let (label, color) = ending(states);
                event_node(self, index, "doublecircle", color, &label);
            }
            for (place, targets) in exit.points() {
                for target in targets {
                    if let crate::ownership::Target::Site(site) = target {
                        if !shown[site.0 as usize] {
                            continue;
                        }
                        held.insert((place.0, site.0 as usize));
                    }
                }
            }
        }
        let places: BTreeSet<u32> = held.iter().map(|(place, _)| *place).collect();
        for place in places {
            let label = function.place(crate::ir::PlaceId(place)).to_string();
            self.node(&place_node(place), "ellipse", "black", &label);
        }
        for (place, site) in held {
            self.edge(&place_node(place), &site_node(site), "holds", "gray40");
        }
        self.out.push_str("  }\n");
    }
}

/// How a block leaves a function: what holds on every path (one state), or what holds on
/// some paths only (several).
fn ending(states: SiteStates) -> (String, &'static str) {
    let names = states.names();
    let live = states.contains(SiteStates::UNCHECKED) || states.contains(SiteStates::NON_NULL);
    let color = if live { "orange" } else { "black" };
    let label = match names.as_slice() {
        [only] => format!("at exit, on every path:\n{only}"),
        several => format!("at exit, on some paths each:\n{}", several.join(", ")),
    };
    (label, color)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dot(text: &str, name: Option<&str>) -> Option<String> {
        let lowered = lower_source(text, Dialect::PurePython, &AnalysisSettings::default());
        let analysis = lowered.analyze();
        render(&analysis, text, name)
    }

    const SOURCE: &str = "import cython\n\
        from cython.cimports.libc.stdlib import malloc, free\n\
        from cython.cimports.cpython.mem import PyMem_Free\n\
        def f(n):\n    p = malloc(n)\n    if not p:\n        raise MemoryError()\n    PyMem_Free(p)\n\
        @cython.cclass\nclass C:\n    data: cython.p_double\n    def __cinit__(self):\n        self.data = cython.cast(cython.p_double, malloc(8))\n";

    #[test]
    fn function_graph_shows_sites_places_checks_and_releases() {
        let dot = dot(SOURCE, Some("f")).unwrap();
        assert!(dot.starts_with("digraph ownership {\n"));
        assert!(dot.contains("label=\"f (line 4)\""), "{dot}");
        assert!(dot.contains("label=\"malloc (libc)\\nline 5\""), "{dot}");
        assert!(dot.contains("label=\"NULL check of p\\nline 6\""), "{dot}");
        assert!(
            dot.contains("color=\"red\", label=\"released by PyMem_Free (PyMem)\\nline 8\""),
            "{dot}"
        );
        assert!(dot.contains("label=\"p\""), "{dot}");
        assert!(dot.ends_with("}\n"));
    }

    #[test]
    fn class_graph_shows_attributes_and_dealloc() {
        let dot = dot(SOURCE, Some("C")).unwrap();
        assert!(dot.contains("label=\"class C\""), "{dot}");
        assert!(dot.contains("label=\"self.data\""), "{dot}");
        assert!(
            dot.contains("label=\"malloc (libc)\\nin __cinit__, line 13\""),
            "{dot}"
        );
        assert!(
            dot.contains("color=\"red\", label=\"no __dealloc__\""),
            "{dot}"
        );
        assert!(
            dot.contains("[label=\"not freed\", color=\"red\"]"),
            "{dot}"
        );
    }

    #[test]
    fn unknown_names_are_an_error() {
        assert_eq!(dot(SOURCE, Some("nothing")), None);
    }

    #[test]
    fn targets_split_at_the_last_colon() {
        assert_eq!(
            split_target("src/a.pyx:Buffer.grow"),
            (PathBuf::from("src/a.pyx"), Some("Buffer.grow".to_string()))
        );
        assert_eq!(
            split_target("src/a.pyx"),
            (PathBuf::from("src/a.pyx"), None)
        );
    }

    #[test]
    fn struct_field_attributes_freed_in_dealloc_are_shown_freed() {
        let source = "\
from libc.stdlib cimport malloc, free

cdef struct Ctx:
    char* buf

cdef class Holder:
    cdef Ctx ctx

    def __cinit__(self, size_t n):
        self.ctx.buf = <char*>malloc(n)
        if self.ctx.buf == NULL:
            raise MemoryError()

    def __dealloc__(self):
        free(self.ctx.buf)
";
        let dot = dot(source, Some("Holder")).unwrap();
        assert!(dot.contains("label=\"self.ctx.buf\""), "{dot}");
        assert!(dot.contains("label=\"freed on every path\""), "{dot}");
        assert!(!dot.contains("not freed"), "{dot}");
    }

    #[test]
    fn an_attribute_freed_on_some_paths_only_is_shown_so() {
        // CY004 reports it: the graph must not call it freed.
        let source = "\
from libc.stdlib cimport malloc, free

cdef class Holder:
    cdef char* buf
    cdef bint ready

    def __cinit__(self, size_t n):
        self.buf = <char*>malloc(n)
        if self.buf == NULL:
            raise MemoryError()

    def __dealloc__(self):
        if self.buf != NULL and self.buf[0] == 0:
            free(self.buf)
";
        let lowered = lower_source(source, Dialect::Cython, &AnalysisSettings::default());
        let dot = render(&lowered.analyze(), source, Some("Holder")).unwrap();
        assert!(
            dot.contains("[label=\"freed on some paths only\", color=\"red\"]"),
            "{dot}"
        );
        let diagnostics =
            crate::analyze::analyze_source(source, Dialect::Cython, &AnalysisSettings::default());
        let codes: Vec<&str> = diagnostics.iter().map(|d| d.rule.code).collect();
        assert_eq!(codes, vec!["CY004"]);
    }

    #[test]
    fn how_a_block_leaves_the_function_is_shown_per_path() {
        let source = "\
from libc.stdlib cimport malloc, free

def every(int n):
    cdef char* p = <char*>malloc(n)
    if p == NULL:
        raise MemoryError()
    free(p)

def some(int n):
    cdef char* p = <char*>malloc(n)
    if p == NULL:
        raise MemoryError()
    if n > 1:
        free(p)
";
        let lowered = lower_source(source, Dialect::Cython, &AnalysisSettings::default());
        let analysis = lowered.analyze();
        let every = render(&analysis, source, Some("every")).unwrap();
        assert!(
            every.contains("label=\"at exit, on some paths each:\\nNULL, freed\""),
            "{every}"
        );
        let some = render(&analysis, source, Some("some")).unwrap();
        assert!(
            some.contains(
                "color=\"orange\", label=\"at exit, on some paths each:\\nchecked non-NULL, NULL, freed\""
            ),
            "{some}"
        );
    }
}
