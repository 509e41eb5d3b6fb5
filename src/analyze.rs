//! One file through the pipeline: parse, lower, analyze ownership, run the rules.
//!
//! This is the only entry point the commands use; it does no I/O.

use crate::diagnostic::{Diagnostic, Span};
use crate::ir::lower::{lower_module, mentions_any};
use crate::ir::names::ModuleNames;
use crate::ir::{Module, SkippedFunction};
use crate::ownership::families::FamilyTable;
use crate::ownership::module::ModuleAnalysis;
use crate::ownership::summary::{ProjectSummaries, Summaries};
use crate::ownership::Resolution;
use crate::parse::{first_syntax_error, parse, Dialect};
use crate::rules;
use crate::settings::AnalysisSettings;

/// All diagnostics for one file's text, sorted by position.
///
/// A function that holds a syntax error is not analyzed (its tree cannot be trusted);
/// nor is one nested too deeply to lower ([`FileAnalysis::too_deep`] lists those); the
/// others are.
pub fn analyze_source(
    text: &str,
    dialect: Dialect,
    settings: &AnalysisSettings,
) -> Vec<Diagnostic> {
    analyze_source_in_project(text, dialect, settings, &ProjectSummaries::default())
}

/// [`analyze_source`], knowing what the other files of the linted tree export: a helper
/// this file cimports from another module (`from .buffers cimport make_buffer`) is then an
/// allocator or a deallocator like one of its own.
///
/// A project run (`cysafe check`) analyzes every file once with [`analyze_file`] and an
/// empty project, adds the summaries of each .pyx with [`ProjectSummaries::add_module`]
/// under the file's path, then analyzes again only the files that
/// [`names_project_helpers`]. `analyze_source` is this function with an empty project.
pub fn analyze_source_in_project(
    text: &str,
    dialect: Dialect,
    settings: &AnalysisSettings,
    project: &ProjectSummaries,
) -> Vec<Diagnostic> {
    analyze_file(text, dialect, settings, project).diagnostics
}

/// What one analysis of a file yields: its diagnostics, and what it tells the files that
/// cimport it.
pub struct FileAnalysis {
    pub diagnostics: Vec<Diagnostic>,
    /// The summaries of its module-level functions (helpers that allocate, release, or
    /// check their arguments).
    pub summaries: Summaries,
    /// The functions nested too deeply to analyze, in source order. They hold no syntax
    /// error, so no diagnostic says they were skipped: the caller must.
    pub too_deep: Vec<SkippedFunction>,
}

/// Diagnostics and summaries of one file from a single parse.
pub fn analyze_file(
    text: &str,
    dialect: Dialect,
    settings: &AnalysisSettings,
    project: &ProjectSummaries,
) -> FileAnalysis {
    let tree = parse(text, dialect);
    let mut diagnostics = Vec::new();
    if let Some(node) = first_syntax_error(&tree) {
        diagnostics.push(syntax_error(node));
    }
    let lowered = lower_tree(&tree, text, dialect, settings, project);
    let mut too_deep = lowered.module.too_deep.clone();
    let analysis = lowered.analyze_in(project);
    for graph in &analysis.graphs {
        if let Some(reason) = &graph.too_large {
            let function = graph.function;
            too_deep.push(SkippedFunction {
                name: match &function.class {
                    Some(class) => format!("{class}.{}", function.name),
                    None => function.name.clone(),
                },
                name_span: function.name_span,
                reason: reason.clone(),
            });
        }
    }
    too_deep.sort_by_key(|function| function.name_span);
    rules::check_module(&analysis, &mut diagnostics);
    diagnostics.sort_by(|a, b| (a.span, a.rule.code).cmp(&(b.span, b.rule.code)));
    let classes = rules::dealloc_missing_free::class_exports(&analysis);
    let mut summaries = analysis.summaries;
    summaries.classes = classes;
    FileAnalysis {
        diagnostics,
        summaries,
        too_deep,
    }
}

/// Whether `text` cimports something another module of the project exports (a helper
/// that allocates or releases, an extension type), so that its analysis may change once
/// the project is known: `from .buffers cimport make_buffer`, `from
/// cython.cimports.buffers import make_buffer`, or `cimport buffers` of such a module.
/// Read from the import lines alone, which keeps the second pass to the files it
/// concerns.
pub fn names_project_helpers(text: &str, project: &ProjectSummaries) -> bool {
    if project.is_empty() {
        return false;
    }
    text.lines().any(|line| {
        let line = line.trim();
        if let Some(rest) = line.strip_prefix("cimport ") {
            // `cimport a.b as c, d`: any exporting module named.
            return rest.split(',').any(|item| {
                let module = item.split(" as ").next().unwrap_or_default().trim();
                project.has_module(module)
            });
        }
        let Some(rest) = line.strip_prefix("from ") else {
            return false;
        };
        let (module, names) = match rest.split_once(" cimport ") {
            Some(split) => split,
            None => match rest.split_once(" import ") {
                Some((module, names)) if module.starts_with("cython.cimports.") => {
                    (&module["cython.cimports.".len()..], names)
                }
                _ => return false,
            },
        };
        let module = module.trim();
        if !project.has_module(module) {
            return false;
        }
        // A parenthesized list may go on over the next lines: count the module.
        if names.contains('(') && !names.contains(')') {
            return true;
        }
        names.split(',').any(|item| {
            let name = item
                .trim_matches(|c: char| c == '(' || c == ')' || c.is_whitespace())
                .split(' ')
                .next()
                .unwrap_or_default();
            project.get(module, name).is_some() || project.class(module, name).is_some()
        })
    })
}

/// A file lowered to its IR, with what its analysis needs.
pub struct LoweredFile {
    pub module: Module,
    pub families: FamilyTable,
    pub resolution: Resolution,
}

impl LoweredFile {
    /// The ownership graphs and class models of the file.
    pub fn analyze(&self) -> ModuleAnalysis<'_> {
        self.analyze_in(&ProjectSummaries::default())
    }

    /// The same, knowing the summaries of the other modules of the linted tree.
    pub fn analyze_in(&self, project: &ProjectSummaries) -> ModuleAnalysis<'_> {
        ModuleAnalysis::run(&self.module, &self.families, self.resolution, project)
    }
}

/// Parses and lowers one file's text (for `cysafe graph` and other views of the IR).
pub fn lower_source(text: &str, dialect: Dialect, settings: &AnalysisSettings) -> LoweredFile {
    let empty = ProjectSummaries::default();
    lower_tree(&parse(text, dialect), text, dialect, settings, &empty)
}

fn lower_tree(
    tree: &tree_sitter::Tree,
    text: &str,
    dialect: Dialect,
    settings: &AnalysisSettings,
    project: &ProjectSummaries,
) -> LoweredFile {
    let root = tree.root_node();
    let families = FamilyTable::for_settings(settings);
    let mut interesting = families.function_names();
    interesting.extend(project.function_names().map(str::to_string));
    let module = if mentions_any(text, &interesting) {
        let names = ModuleNames::collect(root, text);
        let resolution = resolution_for(dialect);
        lower_module(root, text, &names, &interesting, |module| {
            ModuleAnalysis::run(module, &families, resolution, project)
                .summaries
                .names_with_effects()
        })
    } else {
        Module::default()
    };
    LoweredFile {
        module,
        families,
        resolution: resolution_for(dialect),
    }
}

fn resolution_for(dialect: Dialect) -> Resolution {
    Resolution {
        // A .pyx sees the cimports of its .pxd, a .pxi those of the file including it;
        // in pure-Python mode every C name must come from `cython.cimports`.
        unbound_names_resolve: dialect == Dialect::Cython,
    }
}

fn syntax_error(node: tree_sitter::Node<'_>) -> Diagnostic {
    let (message, label) = if node.is_missing() {
        (
            format!("syntax error: expected `{}`", node.kind()),
            format!("`{}` expected here", node.kind()),
        )
    } else {
        (
            "syntax error: unexpected input".to_string(),
            "cysafe cannot parse this".to_string(),
        )
    };
    Diagnostic {
        rule: &rules::SYNTAX_ERROR,
        message,
        span: Span::new(node.start_byte(), node.end_byte().max(node.start_byte())),
        label,
        help: Some(
            "fix the syntax; if this is valid Cython, please report it as a cysafe grammar bug"
                .to_string(),
        ),
        related: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::LineIndex;

    #[test]
    fn syntax_error_is_reported_at_its_position() {
        let text = "def f():\n    return )\n";
        let diagnostics = analyze_source(text, Dialect::PurePython, &AnalysisSettings::default());
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(diagnostics[0].rule.code, "CY000");
        let start = LineIndex::new(text).position(diagnostics[0].span.start);
        assert_eq!((start.row, start.column), (2, 5));
    }

    #[test]
    fn clean_file_has_no_diagnostics() {
        let text = "def f(n):\n    return n + 1\n";
        assert!(analyze_source(text, Dialect::PurePython, &AnalysisSettings::default()).is_empty());
    }

    fn diagnostics(text: &str) -> Vec<Diagnostic> {
        analyze_source(text, Dialect::PurePython, &AnalysisSettings::default())
    }

    fn position(text: &str, offset: usize) -> (usize, usize) {
        let position = LineIndex::new(text).position(offset);
        (position.row, position.column)
    }

    const PRELUDE: &str = "import cython\n\
        from cython.cimports.libc.stdlib import malloc, realloc, free\n\
        from cython.cimports.cpython.mem import PyMem_Malloc, PyMem_Free\n";

    #[test]
    fn unchecked_allocation_is_reported_at_the_call_with_the_use_related() {
        let text = format!("{PRELUDE}def f(n):\n    p = malloc(n)\n    p[0] = 1\n");
        let found = diagnostics(&text);
        assert_eq!(found.len(), 1);
        let diagnostic = &found[0];
        assert_eq!(diagnostic.rule.code, "CY001");
        assert_eq!(
            diagnostic.message,
            "the block from `malloc` is used before it is checked for NULL"
        );
        assert_eq!(position(&text, diagnostic.span.start), (5, 9));
        assert_eq!(position(&text, diagnostic.span.end), (5, 18));
        assert_eq!(diagnostic.label, "`malloc` returns NULL when it fails");
        assert_eq!(
            diagnostic.help.as_deref(),
            Some("check it before the first use: `if p == NULL: raise MemoryError()`")
        );
        assert_eq!(diagnostic.related.len(), 1);
        assert_eq!(position(&text, diagnostic.related[0].span.start), (6, 5));
        assert_eq!(
            diagnostic.related[0].message,
            "`p` is dereferenced here before any NULL check"
        );
    }

    #[test]
    fn mismatched_release_is_reported_at_the_free_with_the_allocation_related() {
        let text = format!(
            "{PRELUDE}def f(n):\n    p = malloc(n)\n    if not p:\n        return\n    PyMem_Free(p)\n"
        );
        let found = diagnostics(&text);
        assert_eq!(found.len(), 1);
        let diagnostic = &found[0];
        assert_eq!(diagnostic.rule.code, "CY002");
        assert_eq!(
            diagnostic.message,
            "`p` holds a block from `malloc` (libc) but is released with `PyMem_Free` (PyMem)"
        );
        assert_eq!(position(&text, diagnostic.span.start), (8, 5));
        assert_eq!(diagnostic.label, "`PyMem_Free` does not match `malloc`");
        assert_eq!(
            diagnostic.help.as_deref(),
            Some("release it with `free`, the libc family's function that matches `malloc`")
        );
        assert_eq!(position(&text, diagnostic.related[0].span.start), (5, 9));
        assert_eq!(diagnostic.related[0].message, "allocated here");
    }

    #[test]
    fn realloc_overwrite_is_reported_at_the_assignment_with_the_old_block_related() {
        let text = format!(
            "{PRELUDE}def f(n):\n    p = malloc(n)\n    if not p:\n        return\n    p = realloc(p, 2 * n)\n    free(p)\n"
        );
        let found = diagnostics(&text);
        assert_eq!(found.len(), 1);
        let diagnostic = &found[0];
        assert_eq!(diagnostic.rule.code, "CY003");
        assert_eq!(
            diagnostic.message,
            "`p` is overwritten by `realloc(p, ...)`: the old block leaks if it fails"
        );
        assert_eq!(position(&text, diagnostic.span.start), (8, 5));
        assert_eq!(position(&text, diagnostic.span.end), (8, 26));
        assert_eq!(
            diagnostic.label,
            "`p` becomes NULL and loses the old block when `realloc` fails"
        );
        assert_eq!(position(&text, diagnostic.related[0].span.start), (5, 9));
        assert_eq!(diagnostic.related[0].message, "allocated here");
    }

    #[test]
    fn deep_nesting_skips_the_function_without_overflowing() {
        let depth = 10_000;
        let mut text = format!("{PRELUDE}def f(n):\n    p = malloc(n)\n    p[0] = ");
        text.push_str(&"g(".repeat(depth));
        text.push('1');
        text.push_str(&")".repeat(depth));
        text.push_str("\ndef g(n):\n    q = malloc(n)\n    q[0] = 1\n");
        let analysis = analysis(&text, Dialect::PurePython);
        let found: Vec<_> = analysis
            .diagnostics
            .iter()
            .map(|d| (d.rule.code, position(&text, d.span.start).0))
            .collect();
        // `f` is too deep to lower and is skipped, and says so; `g` is still analyzed.
        assert_eq!(found, vec![("CY001", 8)]);
        assert_eq!(too_deep(&text, &analysis), vec![("f".to_string(), (4, 5))]);
    }

    fn analysis(text: &str, dialect: Dialect) -> FileAnalysis {
        let empty = ProjectSummaries::default();
        analyze_file(text, dialect, &AnalysisSettings::default(), &empty)
    }

    /// The name and position of each function skipped for its depth.
    fn too_deep(text: &str, analysis: &FileAnalysis) -> Vec<(String, (usize, usize))> {
        analysis
            .too_deep
            .iter()
            .map(|f| (f.name.clone(), position(text, f.name_span.start)))
            .collect()
    }

    #[test]
    fn parentheses_are_transparent_at_any_depth() {
        let depth = 10_000;
        let mut text = format!("{PRELUDE}def f(n):\n    p = ");
        text.push_str(&"(".repeat(depth));
        text.push_str("malloc(n)");
        text.push_str(&")".repeat(depth));
        text.push_str("\n    p[0] = 1\n");
        let found: Vec<_> = diagnostics(&text).iter().map(|d| d.rule.code).collect();
        assert_eq!(found, vec!["CY001"]);
    }

    #[test]
    fn deeply_nested_blocks_skip_the_function() {
        let mut text = format!("{PRELUDE}def f(n):\n    p = malloc(n)\n    p[0] = 1\n");
        for level in 0..300 {
            text.push_str(&" ".repeat(level + 4));
            text.push_str("if n:\n");
        }
        text.push_str(&" ".repeat(304));
        text.push_str("pass\n");
        text.push_str("cdef class Buffer:\n    def fill(self, n):\n        p = malloc(n)\n");
        for level in 0..300 {
            text.push_str(&" ".repeat(level + 8));
            text.push_str("if n:\n");
        }
        text.push_str(&" ".repeat(308));
        text.push_str("p[0] = 1\n");
        let analysis = analysis(&text, Dialect::Cython);
        let found: Vec<_> = analysis.diagnostics.iter().map(|d| d.rule.code).collect();
        assert_eq!(found, Vec::<&str>::new());
        assert_eq!(
            too_deep(&text, &analysis),
            vec![
                ("f".to_string(), (4, 5)),
                ("Buffer.fill".to_string(), (309, 9)),
            ]
        );
    }

    #[test]
    fn a_function_with_a_syntax_error_is_reported_as_cy000_not_as_too_deep() {
        let text = format!("{PRELUDE}def f(n):\n    p = malloc(n)\n    return )\n");
        let analysis = analysis(&text, Dialect::PurePython);
        let found: Vec<_> = analysis.diagnostics.iter().map(|d| d.rule.code).collect();
        assert_eq!(found, vec!["CY000"]);
        assert!(analysis.too_deep.is_empty());
    }

    #[test]
    fn project_families_from_settings_are_checked() {
        let settings = AnalysisSettings {
            extra_families: vec![crate::settings::AllocatorFamily {
                name: "sig".to_string(),
                allocators: vec!["sig_malloc".to_string()],
                reallocators: vec![],
                deallocators: vec!["sig_free".to_string()],
            }],
        };
        let text = "from cysignals.memory cimport sig_malloc, sig_free\n\
                    from libc.stdlib cimport free\n\
                    def f(size_t n):\n    cdef char* p = <char*> sig_malloc(n)\n    p[0] = 0\n    free(p)\n";
        let found: Vec<_> = analyze_source(text, Dialect::Cython, &settings)
            .iter()
            .map(|d| {
                (
                    d.rule.code,
                    position(text, d.span.start).0,
                    d.message.clone(),
                )
            })
            .collect();
        assert_eq!(
            found,
            vec![
                (
                    "CY001",
                    4,
                    "the block from `sig_malloc` is used before it is checked for NULL".to_string()
                ),
                (
                    "CY002",
                    6,
                    "`p` holds a block from `sig_malloc` (sig) but is released with `free` (libc)"
                        .to_string()
                ),
            ]
        );
    }

    #[test]
    fn helpers_cimported_from_another_module_of_the_project_are_summarized() {
        let settings = AnalysisSettings::default();
        let buffers = "from libc.stdlib cimport malloc, free\n\
                       cdef double* make_buffer(size_t n):\n    return <double*> malloc(n)\n\
                       cdef void release(double* p):\n    free(p)\n";
        let mut project = ProjectSummaries::default();
        project.add_module(
            &["pkg", "buffers"],
            &analyze_file(
                buffers,
                Dialect::Cython,
                &settings,
                &ProjectSummaries::default(),
            )
            .summaries,
        );
        let main = "from cpython.mem cimport PyMem_Malloc\n\
                    from .buffers cimport make_buffer, release\n\
                    def f(size_t n):\n    cdef double* p = make_buffer(n)\n    p[0] = 1\n\
                    \n    cdef double* q = <double*> PyMem_Malloc(n)\n    if q != NULL:\n        release(q)\n";
        let found: Vec<_> = analyze_source_in_project(main, Dialect::Cython, &settings, &project)
            .iter()
            .map(|d| (d.rule.code, position(main, d.span.start).0))
            .collect();
        assert_eq!(found, vec![("CY001", 4), ("CY002", 9)]);
        // Without the project, the helpers are unknown functions.
        let alone: Vec<_> = analyze_source(main, Dialect::Cython, &settings)
            .iter()
            .map(|d| d.rule.code)
            .collect();
        assert_eq!(alone, Vec::<&str>::new());
    }

    #[test]
    fn dealloc_missing_free_is_reported_at_the_allocation_with_dealloc_related() {
        let text = "from cpython.mem cimport PyMem_Malloc\n\
                    cdef class Buffer:\n    cdef double* data\n\
                    \x20   def __cinit__(self, size_t n):\n        self.data = <double*> PyMem_Malloc(n)\n\
                    \x20   def __dealloc__(self):\n        pass\n";
        let found = analyze_source(text, Dialect::Cython, &AnalysisSettings::default());
        assert_eq!(found.len(), 1, "{found:?}");
        let diagnostic = &found[0];
        assert_eq!(diagnostic.rule.code, "CY004");
        assert_eq!(
            diagnostic.message,
            "`self.data` receives a block from `PyMem_Malloc` but `__dealloc__` does not free it on every path"
        );
        assert_eq!(position(text, diagnostic.span.start), (5, 31));
        assert_eq!(diagnostic.label, "stored in `self.data` by `__cinit__`");
        assert_eq!(
            diagnostic.help.as_deref(),
            Some("free it in `__dealloc__`: `PyMem_Free(self.data)`")
        );
        assert_eq!(position(text, diagnostic.related[0].span.start), (6, 9));
        assert_eq!(
            diagnostic.related[0].message,
            "`self.data` is not freed here"
        );
    }

    #[test]
    fn deeply_nested_cython_expressions_do_not_overflow() {
        let depth = 10_000;
        let mut text = String::from(
            "from libc.stdlib cimport malloc\ncdef void f(int n):\n    cdef int* p = <int*> malloc(n)\n    p[0] = ",
        );
        text.push_str(&"<int>(".repeat(depth));
        text.push('1');
        text.push_str(&")".repeat(depth));
        text.push_str("\ncdef void g(int n):\n    cdef int* q = <int*> malloc(n)\n    q[0] = 1\n");
        let found: Vec<_> = analyze_source(&text, Dialect::Cython, &AnalysisSettings::default())
            .iter()
            .map(|d| (d.rule.code, position(&text, d.span.start).0))
            .collect();
        // Casts and parentheses are stripped in a loop, so even `f` is analyzed.
        assert_eq!(found, vec![("CY001", 3), ("CY001", 6)]);
    }

    #[test]
    fn only_files_that_cimport_an_exporting_module_need_the_project() {
        let settings = AnalysisSettings::default();
        let buffers = "from libc.stdlib cimport malloc\n\
                       cdef double* make_buffer(size_t n):\n    return <double*> malloc(n)\n";
        let mut project = ProjectSummaries::default();
        project.add_module(
            &["pkg", "buffers"],
            &analyze_file(
                buffers,
                Dialect::Cython,
                &settings,
                &ProjectSummaries::default(),
            )
            .summaries,
        );
        for text in [
            "from pkg.buffers cimport make_buffer\n",
            "from .buffers cimport other, make_buffer as mb\n",
            "from buffers cimport (\n    make_buffer,\n)\n",
            "cimport pkg.buffers as b\n",
            "from cython.cimports.pkg.buffers import make_buffer\n",
        ] {
            assert!(names_project_helpers(text, &project), "{text:?}");
        }
        for text in [
            "from libc.stdlib cimport malloc\n",
            "from pkg.buffers cimport other\n",
            "from pkg.other cimport make_buffer\n",
            "make_buffer = None  # not a cimport\n",
        ] {
            assert!(!names_project_helpers(text, &project), "{text:?}");
        }
    }
}
