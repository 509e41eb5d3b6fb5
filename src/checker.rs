//! The library's front door: everything `cysafe check` does except printing.
//!
//! A [`Checker`] is built once from the run's options (the `--config` file, the command
//! line's selection and excludes); it then checks one text ([`Checker::check_file`],
//! [`Checker::check_source`]) or a set of paths with the cross-module pass
//! ([`Checker::check_paths`]). The selection, per-file ignores, `# noqa`, skip-file and
//! CY100 are applied here, so a library caller (the benchmarks, an editor) sees exactly
//! what the command line prints. A panic while analyzing one file is caught and becomes
//! that file's [`FileOutcome::InternalError`]; the other files are still checked.

use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use rayon::prelude::*;

use crate::analyze::{
    analyze_tree_until, prepare_file, prepare_file_keeping_parse, BoundedParse, ContextFile,
    Grouping, Incremental, LoweringInputs, PreparedFile, ProjectNameMatchers, SharedContext,
};
use crate::config::{Config, ConfigError, ConfigResolver, PathMatcher};
use crate::diagnostic::{Diagnostic, LineIndex};
use crate::discover::{Discovered, Discovery, DiscoveryError, ExcludeFn};
use crate::noqa::{remove_suppressed, skips_file, unused_noqa};
use crate::ownership::module::Cancelled;
use crate::ownership::summary::{ModuleExports, ProjectSummaries, Summaries};
use crate::parse::Dialect;
use crate::project::{Components, Imports, ModuleFile, ModuleGraph};
use crate::rules::UNUSED_NOQA;
use crate::selection::{RuleSelector, RuleSet, SelectionLayer};
use crate::source::read_source;

/// What a [`Checker`] is built from.
#[derive(Clone, Debug, Default)]
pub struct CheckerOptions {
    /// The folder relative excludes are matched from and the default configuration is
    /// rooted at (the command line's current folder).
    pub cwd: PathBuf,
    /// A configuration used for every file instead of the nearest one (`--config`).
    pub config: Option<Config>,
    /// The command line's selection, applied on top of each file's configuration.
    pub selection: SelectionLayer,
    /// `--exclude`: globs (from `cwd`) that replace every configuration's `exclude` and
    /// the default exclusions; `None` keeps them.
    pub exclude: Option<Vec<String>>,
    /// `--extend-exclude`: globs (from `cwd`) skipped on top of the configuration's.
    pub extend_exclude: Vec<String>,
    /// `--per-file-ignores`: (glob from `cwd`, rules) on top of the configuration's.
    pub per_file_ignores: Vec<(String, Vec<RuleSelector>)>,
    /// Whether files named in the paths are excluded like walked ones (`--force-exclude`).
    pub force_exclude: bool,
    /// `--config 'KEY = VALUE'`: set on top of every configuration, the defaults included.
    pub overrides: toml::Table,
    /// `--isolated`: read no configuration file.
    pub isolated: bool,
}

/// Checks files with the configuration that governs each of them. Shared by the threads
/// of a run.
pub struct Checker {
    cwd: PathBuf,
    resolver: Arc<ConfigResolver>,
    selection: SelectionLayer,
    exclusions: Arc<Exclusions>,
    per_file_ignores: Vec<(PathMatcher, Vec<RuleSelector>)>,
    force_exclude: bool,
}

/// What became of one file.
#[derive(Debug)]
pub enum FileOutcome {
    /// Analyzed; the diagnostics the selected rules report, after `# noqa`, sorted by
    /// position and code (empty for a clean file).
    Checked(Vec<Diagnostic>),
    /// Not a file to check after all (a `.py` file that does not use Cython), or one
    /// that asks to be skipped (`# cysafe: skip-file`).
    Skipped,
    /// The file could not be read or decoded.
    Unreadable(String),
    /// The configuration governing the file cannot be used.
    ConfigError(ConfigError),
    /// cysafe itself failed on this file (a bug): the message of the panic.
    InternalError(String),
}

/// A function skipped because it is nested too deeply or too large to analyze; no
/// diagnostic says so, so the caller must.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct TooDeep {
    /// Of its name, from 1; the column in characters.
    pub row: usize,
    pub column: usize,
    /// `Buffer.fill` for a method.
    pub name: String,
    /// Which limit it passes, as the rest of a sentence after its name: "is nested too
    /// deeply to analyze", "is too large to analyze (... the budget of ...)".
    pub reason: String,
}

/// One file's check.
#[derive(Debug)]
pub struct FileCheck {
    pub path: PathBuf,
    pub outcome: FileOutcome,
    /// The functions skipped for their depth, in source order.
    pub too_deep: Vec<TooDeep>,
    /// The file's text when it has diagnostics (reporters quote it), else `None`.
    pub text: Option<String>,
    /// What checking the file again needs (after `--fix` changed it), kept by
    /// [`Checker::check_paths`] for the files that have a fix.
    pub recheck: Option<Arc<Recheck>>,
}

/// What a file of a run was checked knowing: the exports of the modules it cimports, and
/// the texts of its context (its `.pxd`, or the file that includes a `.pxi`).
#[derive(Debug, Default)]
pub struct Recheck {
    pub project: ProjectSummaries,
    pub context: Vec<String>,
}

impl FileCheck {
    /// The diagnostics found (none unless the file was checked).
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match &self.outcome {
            FileOutcome::Checked(diagnostics) => diagnostics,
            _ => &[],
        }
    }

    /// The error that kept the file from being checked, as one line naming the file;
    /// `cwd` shortens a configuration file's path.
    pub fn error(&self, cwd: &Path) -> Option<String> {
        match &self.outcome {
            FileOutcome::Checked(_) | FileOutcome::Skipped => None,
            FileOutcome::Unreadable(message) => Some(format!("{}: {message}", self.path.display())),
            FileOutcome::ConfigError(error) => Some(error.render(relative_to(cwd, &error.path))),
            FileOutcome::InternalError(message) => Some(format!(
                "{}: internal error: cysafe failed while analyzing this file ({message}); \
                 the other files were checked; please report this as a cysafe bug",
                self.path.display()
            )),
        }
    }
}

/// The check of a set of paths.
#[derive(Debug, Default)]
pub struct CheckRun {
    /// Every file found, sorted by path.
    pub files: Vec<FileCheck>,
    /// The paths that could not be walked.
    pub discovery_errors: Vec<DiscoveryError>,
    /// Symlink loops not followed (nothing was left unchecked).
    pub discovery_warnings: Vec<DiscoveryError>,
}

impl Checker {
    /// A checker for `options`; a glob that does not parse, or an override that is not
    /// a valid setting, is an error naming the option.
    pub fn new(options: CheckerOptions) -> Result<Checker, String> {
        let exclude = options
            .exclude
            .as_deref()
            .map(PathMatcher::new)
            .transpose()
            .map_err(|message| format!("--exclude: {message}"))?;
        let extend_exclude = PathMatcher::new(&options.extend_exclude)
            .map_err(|message| format!("--extend-exclude: {message}"))?;
        let per_file_ignores = options
            .per_file_ignores
            .into_iter()
            .map(|(glob, rules)| Ok((PathMatcher::new(&[glob])?, rules)))
            .collect::<Result<_, String>>()
            .map_err(|message| format!("--per-file-ignores: {message}"))?;
        let resolver = ConfigResolver::with_overrides(
            options.config,
            options.cwd.clone(),
            options.overrides,
            options.isolated,
        )
        .map_err(|error| error.message)?;
        let resolver = Arc::new(resolver);
        Ok(Checker {
            exclusions: Arc::new(Exclusions {
                cwd: options.cwd.clone(),
                resolver: resolver.clone(),
                exclude,
                extend_exclude,
            }),
            resolver,
            cwd: options.cwd,
            selection: options.selection,
            per_file_ignores,
            force_exclude: options.force_exclude,
        })
    }

    /// Whether walking skips `path` (a folder or a file): the command line's
    /// `--exclude` replaces the configuration's `exclude` (and the defaults), and both
    /// `extend-exclude`s add to it.
    pub fn excludes(&self, path: &Path) -> bool {
        self.exclusions.excludes(path)
    }

    /// The files `paths` expand to, without checking them; with `record_skipped`, also
    /// what was left out and why (`--show-files --verbose`).
    pub fn discover(&self, paths: &[PathBuf], record_skipped: bool) -> Discovered {
        let exclude: ExcludeFn = {
            let exclusions = self.exclusions.clone();
            Arc::new(move |path: &Path| exclusions.excludes(path))
        };
        let is_cython = |p: &Path| Dialect::from_path(p).is_some();
        let mut discovered = Discovery {
            accept_named: &is_cython,
            accept_walked: &is_cython,
            exclude,
            force_exclude: self.force_exclude,
            record_skipped,
        }
        .run(paths);
        discovered.files.sort();
        discovered
    }

    /// The folder the checker was built for.
    pub fn cwd(&self) -> &Path {
        &self.cwd
    }

    /// The command line's selection, applied on top of each file's configuration.
    pub fn selection(&self) -> &SelectionLayer {
        &self.selection
    }

    /// The configuration governing `path`.
    pub fn config_for(&self, path: &Path) -> Result<Arc<Config>, ConfigError> {
        self.resolver.for_path(path)
    }

    /// The rules reported for `path` under its configuration, the selection and the
    /// command line's per-file ignores.
    pub fn rules_for(&self, path: &Path) -> Result<RuleSet, ConfigError> {
        Ok(self.rules_under(&*self.config_for(path)?, path))
    }

    fn rules_under(&self, config: &Config, path: &Path) -> RuleSet {
        let mut rules = config.rules_for(path, &self.selection);
        for (matcher, ignored) in &self.per_file_ignores {
            if matcher.matches(&self.cwd, path) {
                rules.remove(ignored);
            }
        }
        rules
    }

    /// The diagnostics of one text, as `cysafe check` would print them for a file at
    /// `path` (which picks the dialect and the configuration; nothing is read). Without
    /// the other files of its project. Empty when the file is skipped or cannot be
    /// checked: [`Checker::check_file`] tells those apart.
    pub fn check_source(&self, path: &Path, text: &str) -> Vec<Diagnostic> {
        match self.check_file(path, text).outcome {
            FileOutcome::Checked(diagnostics) => diagnostics,
            _ => Vec::new(),
        }
    }

    /// The whole outcome of checking one text at `path`, alone.
    pub fn check_file(&self, path: &Path, text: &str) -> FileCheck {
        let (check, _) = self.check_in_project(path, text, &ProjectSummaries::default(), &[]);
        check
    }

    /// Checks every file under `paths` (files as given, folders walked), each knowing
    /// what the modules of the run it cimports export (see `crate::project` for how
    /// modules are named and resolved). Files are checked in parallel; the result does
    /// not depend on the number of threads.
    pub fn check_paths(&self, paths: &[PathBuf]) -> CheckRun {
        self.check_paths_keeping(paths, false)
    }

    /// What the files on disk that the file at `path` cimports export, as `cysafe check
    /// path` finds them (its `.pxd`, the modules it cimports, the files those read in
    /// turn): the language server checks an open document knowing them.
    pub fn project_on_disk(&self, path: &Path) -> ProjectSummaries {
        // Most files read no other file of the project: no run for them.
        let Ok(text) = read_source(path) else {
            return ProjectSummaries::default();
        };
        let absolute = crate::project::normalize(&self.cwd, path);
        let reads_some = crate::project::files_read_by(&absolute, &Imports::scan(&text))
            .iter()
            .any(|read| Dialect::from_path(read) == Some(Dialect::Cython) && read.is_file());
        if !reads_some {
            return ProjectSummaries::default();
        }
        let run = self.check_paths_keeping(&[path.to_path_buf()], true);
        run.files
            .into_iter()
            .next()
            .and_then(|check| check.recheck)
            .map(|recheck| recheck.project.clone())
            .unwrap_or_default()
    }

    /// [`Checker::check_paths`], keeping what each file was checked knowing
    /// ([`FileCheck::recheck`]) for every file when `keep_context`, else for the files
    /// with a fix only.
    fn check_paths_keeping(&self, paths: &[PathBuf], keep_context: bool) -> CheckRun {
        let discovered = self.discover(paths, false);
        let mut files = discovered.files;
        let checked = files.len();
        let (mut texts, mut module_files): (Vec<Result<String, String>>, Vec<ModuleFile>) = files
            .par_iter()
            .map(|path| {
                let text = read_source(path).map_err(|error| error.to_string());
                let imports = text.as_deref().map(Imports::scan).unwrap_or_default();
                let file = ModuleFile {
                    path: path.clone(),
                    imports,
                };
                (text, file)
            })
            .unzip();
        self.add_files_read(&mut files, &mut texts, &mut module_files);
        let graph = ModuleGraph::build(&self.cwd, paths, &module_files);
        let roles: Vec<FileRole> = module_files
            .iter()
            .map(|file| FileRole::of(&file.path, &file.imports))
            .collect();
        let components = graph.components();
        let dependents = components.dependents();
        let mut is_context = vec![false; files.len()];
        for &outer in graph.context.iter().flatten() {
            is_context[outer] = true;
        }
        let contexts = files
            .iter()
            .zip(&texts)
            .enumerate()
            .map(|(file, (path, text))| {
                // A context is parsed once for its names and its own check, unless
                // that check parses it by groups (so that its whole tree never
                // exists while it is lowered).
                let keeps_parse = is_context[file]
                    && Dialect::from_path(path) == Some(Dialect::Cython)
                    && text
                        .as_ref()
                        .is_ok_and(|text| !Grouping::LARGE_FILES.applies_to(text));
                SharedContext::new(keeps_parse)
            })
            .collect();
        let run = ModuleRun {
            checker: self,
            files: &files,
            texts: &texts,
            graph: &graph,
            components: &components,
            dependents: &dependents,
            roles,
            waiting_for: components
                .depends
                .iter()
                .map(|depends| AtomicUsize::new(depends.len()))
                .collect(),
            contexts,
            exports: (0..graph.modules.len()).map(|_| OnceLock::new()).collect(),
            own_helpers: (0..graph.modules.len()).map(|_| OnceLock::new()).collect(),
            helper_summaries: (0..files.len()).map(|_| OnceLock::new()).collect(),
            checks: (0..files.len()).map(|_| OnceLock::new()).collect(),
        };
        // Each component of the module graph is analyzed as soon as the components it
        // cimports are done, not in waves: a wave waits for its slowest file while the
        // other cores idle. Tasks run in the order they are spawned (`spawn_fifo`, on
        // every thread), the largest components without dependencies first, so that no
        // large file is left to run alone at the end.
        let mut ready: Vec<usize> = (0..components.members.len())
            .filter(|&component| components.depends[component].is_empty())
            .collect();
        ready.sort_by_key(|&component| std::cmp::Reverse(run.size_of(component)));
        rayon::scope_fifo(|scope| {
            for component in ready {
                let run = &run;
                scope.spawn_fifo(move |scope| run.component(component, scope));
            }
        });
        let exports: Vec<Arc<ModuleExports>> = run
            .exports
            .into_iter()
            .map(|exports| exports.into_inner().expect("every module is analyzed"))
            .collect();
        let own_helpers: Vec<Option<Arc<ModuleExports>>> = run
            .own_helpers
            .into_iter()
            .map(OnceLock::into_inner)
            .collect();
        let rechecks: Vec<Option<Arc<Recheck>>> = run
            .checks
            .iter()
            .enumerate()
            .map(|(file, check)| {
                let fixable = keep_context
                    || check
                        .get()
                        .is_some_and(|check| check.diagnostics().iter().any(|d| d.fix.is_some()));
                fixable.then(|| {
                    let mut project = project_for(&graph, file, |module| exports[module].clone());
                    let role = &run.roles[file];
                    let helpers = &own_helpers[graph.module_of[file]];
                    if let (false, false, Some(helpers)) = (role.helper, role.declaration, helpers)
                    {
                        project.add_own_helpers(helpers.clone());
                    }
                    Arc::new(Recheck {
                        project,
                        context: graph.context[file]
                            .iter()
                            .filter_map(|&outer| texts[outer].clone().ok())
                            .collect(),
                    })
                })
            })
            .collect();
        // The files read only for what the checked ones cimport or include are not
        // reported.
        let files = run
            .checks
            .into_iter()
            .zip(texts)
            .zip(rechecks)
            .take(checked)
            .map(|((check, text), recheck)| {
                let mut check = check.into_inner().expect("every module is analyzed");
                if !check.diagnostics().is_empty() {
                    check.text = text.ok();
                }
                check.recheck = recheck;
                check
            })
            .collect();
        CheckRun {
            files,
            discovery_errors: discovered.errors,
            discovery_warnings: discovered.warnings,
        }
    }

    /// Adds to a run the files on disk its files cimport or include (transitively) that
    /// it does not hold, as context: `cysafe check pkg/user.pyx` knows what `pkg/alloc`'s
    /// helpers do, as `cysafe check pkg` does. A context file that cannot be read is left
    /// out, silently; one with a syntax error only exports less.
    fn add_files_read(
        &self,
        files: &mut Vec<PathBuf>,
        texts: &mut Vec<Result<String, String>>,
        module_files: &mut Vec<ModuleFile>,
    ) {
        /// Bounds the context of a run whose cimports reach into a huge tree.
        const MAX_CONTEXT_FILES: usize = 10_000;
        let mut known: std::collections::HashSet<PathBuf> = files
            .iter()
            .map(|path| crate::project::normalize(&self.cwd, path))
            .collect();
        let mut pending: Vec<usize> = (0..files.len()).collect();
        let mut added = 0;
        while let Some(index) = pending.pop() {
            let path = crate::project::normalize(&self.cwd, &files[index]);
            for read in crate::project::files_read_by(&path, &module_files[index].imports) {
                let cython = Dialect::from_path(&read) == Some(Dialect::Cython);
                if added == MAX_CONTEXT_FILES || !cython || known.contains(&read) || !read.is_file()
                {
                    continue;
                }
                known.insert(read.clone());
                let Ok(text) = read_source(&read) else {
                    continue;
                };
                let imports = Imports::scan(&text);
                pending.push(files.len());
                files.push(read.clone());
                texts.push(Ok(text));
                module_files.push(ModuleFile {
                    path: read,
                    imports,
                });
                added += 1;
            }
        }
    }

    /// One text of a run again, after `--fix` changed it, knowing what it knew the
    /// first time ([`FileCheck::recheck`]); alone when that is not kept.
    pub fn recheck(&self, check: &FileCheck, text: &str) -> FileCheck {
        let empty = Recheck::default();
        let recheck = check.recheck.as_deref().unwrap_or(&empty);
        let context: Vec<ContextFile<'_>> = recheck
            .context
            .iter()
            .map(|text| text.as_str().into())
            .collect();
        let (mut again, _) = self.check_in_project(&check.path, text, &recheck.project, &context);
        again.recheck = check.recheck.clone();
        again
    }

    /// One text an editor holds, with the tree it keeps reparsing incrementally, what
    /// the other files it has open export, and the texts of its context (its `.pxd`).
    pub fn check_parsed(
        &self,
        path: &Path,
        text: &str,
        tree: &tree_sitter::Tree,
        project: &ProjectSummaries,
        context: &[&str],
    ) -> (FileCheck, Summaries) {
        let context: Vec<ContextFile<'_>> = context.iter().map(|&text| text.into()).collect();
        self.check_guarded(
            path,
            text,
            project,
            &context,
            Source::Tree(tree, Incremental::default()),
        )
        .expect("a check nobody cancels finishes")
    }

    /// [`Checker::check_parsed`] as the language server runs it: stopping with
    /// `Err(Cancelled)` once [`Incremental::cancelled`] answers true (the check of a
    /// version a newer edit replaced), and reusing what the check of the previous version
    /// lowered and analyzed where it still holds ([`Incremental::cache`]).
    pub fn check_parsed_until(
        &self,
        path: &Path,
        text: &str,
        tree: &tree_sitter::Tree,
        project: &ProjectSummaries,
        context: &[&str],
        incremental: Incremental<'_>,
    ) -> Result<(FileCheck, Summaries), Cancelled> {
        let context: Vec<ContextFile<'_>> = context.iter().map(|&text| text.into()).collect();
        self.check_guarded(
            path,
            text,
            project,
            &context,
            Source::Tree(tree, incremental),
        )
    }

    /// One file, with what the rest of the project exports; a panic becomes the file's
    /// internal error.
    fn check_in_project(
        &self,
        path: &Path,
        text: &str,
        project: &ProjectSummaries,
        context: &[ContextFile<'_>],
    ) -> (FileCheck, Summaries) {
        let source = Source::Text {
            kept: None,
            shared: None,
            matchers: None,
        };
        self.check_guarded(path, text, project, context, source)
            .expect("a check nobody cancels finishes")
    }

    fn check_guarded(
        &self,
        path: &Path,
        text: &str,
        project: &ProjectSummaries,
        context: &[ContextFile<'_>],
        source: Source<'_>,
    ) -> Result<(FileCheck, Summaries), Cancelled> {
        let checked = catch_unwind(AssertUnwindSafe(|| {
            self.check_unguarded(path, text, project, context, source)
        }));
        match checked {
            Ok(checked) => checked,
            Err(payload) => {
                let message = payload
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| payload.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "a panic without a message".to_string());
                let outcome = FileOutcome::InternalError(message);
                Ok((
                    unanalyzed(path.to_path_buf(), outcome),
                    Summaries::default(),
                ))
            }
        }
    }

    fn check_unguarded(
        &self,
        path: &Path,
        text: &str,
        project: &ProjectSummaries,
        context: &[ContextFile<'_>],
        source: Source<'_>,
    ) -> Result<(FileCheck, Summaries), Cancelled> {
        let config = match self.resolver.for_path(path) {
            Ok(config) => config,
            Err(error) => {
                let outcome = FileOutcome::ConfigError(error);
                return Ok((
                    unanalyzed(path.to_path_buf(), outcome),
                    Summaries::default(),
                ));
            }
        };
        let dialect = Dialect::from_path(path).unwrap_or(Dialect::Cython);
        // A .py file is Cython only in pure-Python mode, when it imports cython; any
        // other is plain Python with nothing for cysafe, even when named explicitly
        // (pre-commit hands every staged .py file over).
        if dialect == Dialect::PurePython && !uses_cython(text) || skips_file(text) {
            return Ok((
                unanalyzed(path.to_path_buf(), FileOutcome::Skipped),
                Summaries::default(),
            ));
        }
        debug_panic_hook(path);
        // A `.pxd` checked without its `.pyx` (alone, in an editor): the `__dealloc__`
        // of its classes is somewhere this check does not see.
        let declaration;
        let project = if is_declaration(path) && !project.is_declaration() {
            let mut declared = project.clone();
            declared.declare(Default::default());
            declaration = declared;
            &declaration
        } else {
            project
        };
        let rules = self.rules_under(&config, path);
        let analysis = match source {
            Source::Tree(tree, incremental) => analyze_tree_until(
                tree,
                text,
                dialect,
                &config.analysis,
                project,
                context,
                incremental,
            )?,
            Source::Text {
                kept,
                shared,
                matchers,
            } => {
                // `shared` keeps only parses in the Cython dialect.
                let parsed = shared
                    .filter(|_| dialect == Dialect::Cython)
                    .and_then(|shared| shared.parse_for_own_check(text));
                let prepare = |parsed| {
                    prepare_file(text, dialect, &config.analysis, project, context, parsed)
                };
                match kept {
                    None => prepare(parsed).analyze(text, dialect, project),
                    Some(kept) => {
                        let inputs = match matchers {
                            Some(matchers) => {
                                LoweringInputs::of_sharing(project, text, context, matchers)
                            }
                            None => LoweringInputs::of(project, text, context),
                        };
                        // A later round lowers the text again from the parse the first
                        // kept, rather than parsing it again.
                        let prepare_keeping = |parsed| {
                            let analysis = &config.analysis;
                            prepare_file_keeping_parse(
                                text, dialect, analysis, project, context, parsed,
                            )
                        };
                        let (prepared, parse) = match kept.take() {
                            Some((before, prepared, parse)) if before == inputs => {
                                (prepared, parse)
                            }
                            Some((_, _, parse)) => prepare_keeping(parse.or(parsed)),
                            None => prepare_keeping(parsed),
                        };
                        let (_, prepared, _) = kept.insert((inputs, prepared, parse));
                        prepared.analyze(text, dialect, project)
                    }
                }
            }
        };
        let too_deep = if analysis.too_deep.is_empty() {
            Vec::new()
        } else {
            let lines = LineIndex::new(text);
            analysis
                .too_deep
                .into_iter()
                .map(|function| {
                    let start = lines.position(function.name_span.start);
                    TooDeep {
                        row: start.row,
                        column: start.column,
                        name: function.name,
                        reason: function.reason,
                    }
                })
                .collect()
        };
        let diagnostics: Vec<Diagnostic> = analysis
            .diagnostics
            .into_iter()
            .filter(|diagnostic| rules.contains(diagnostic.rule.code))
            .collect();
        let (mut diagnostics, used) = remove_suppressed(text, diagnostics);
        if rules.contains(UNUSED_NOQA.code) {
            diagnostics.extend(unused_noqa(text, &used, &rules));
        }
        diagnostics.sort_by(|a, b| (a.span.start, a.rule.code).cmp(&(b.span.start, b.rule.code)));
        let check = FileCheck {
            path: path.to_path_buf(),
            outcome: FileOutcome::Checked(diagnostics),
            too_deep,
            text: None,
            recheck: None,
        };
        Ok((check, analysis.summaries))
    }
}

/// What a check starts from besides the text.
enum Source<'a> {
    /// An editor's tree of the text, and what its previous check left.
    Tree(&'a tree_sitter::Tree, Incremental<'a>),
    /// Only the text; with a slot for what a run keeps of a file it may analyze again
    /// (see [`PreparedFile`]): the text prepared last time, used again when what its
    /// lowering reads is the same, and what this check prepares; and, for a context of
    /// other files of a run, its [`SharedContext`], whose parse the check takes or makes.
    Text {
        kept: Option<&'a mut KeptLowering>,
        shared: Option<&'a SharedContext>,
        /// Where a kept file's [`LoweringInputs`] find the project's names.
        matchers: Option<&'a ProjectNameMatchers>,
    },
}

/// What a run keeps of a file it may analyze again: the file prepared, what its
/// lowering read of the project, and the parse it was lowered from (unless the file is
/// parsed by groups), kept while the file's component is iterated.
type KeptLowering = Option<(LoweringInputs, PreparedFile, Option<BoundedParse>)>;

/// The exclusion half of a [`Checker`], shared with the walker's threads.
struct Exclusions {
    cwd: PathBuf,
    resolver: Arc<ConfigResolver>,
    exclude: Option<PathMatcher>,
    extend_exclude: PathMatcher,
}

impl Exclusions {
    fn excludes(&self, path: &Path) -> bool {
        let config = self.resolver.for_path(path).ok();
        let replaced = match (&self.exclude, &config) {
            (Some(exclude), _) => exclude.matches(&self.cwd, path),
            (None, Some(config)) => config.exclude.matches(&config.root, path),
            (None, None) => false,
        };
        replaced
            || self.extend_exclude.matches(&self.cwd, path)
            || config.is_some_and(|config| config.extend_exclude.matches(&config.root, path))
    }
}

fn unanalyzed(path: PathBuf, outcome: FileOutcome) -> FileCheck {
    FileCheck {
        path,
        outcome,
        too_deep: Vec::new(),
        text: None,
        recheck: None,
    }
}

/// Lets the tests of panic isolation make the analysis of one file panic: in debug
/// builds only, when `CYSAFE_DEBUG_PANIC_ON` names the file's name. Release builds have
/// no such hook, so no user can trip it.
#[cfg(debug_assertions)]
fn debug_panic_hook(path: &Path) {
    if let Some(name) = std::env::var_os("CYSAFE_DEBUG_PANIC_ON") {
        if path.file_name() == Some(name.as_os_str()) {
            panic!("CYSAFE_DEBUG_PANIC_ON asked for a panic");
        }
    }
}

#[cfg(not(debug_assertions))]
fn debug_panic_hook(_path: &Path) {}

/// How many times the files of a cycle of cimports are analyzed at most.
const MAX_ROUNDS_IN_A_CYCLE: usize = 8;

/// What the modules `file` cimports export, under the names the file (or its context)
/// writes for them.
fn project_for(
    graph: &ModuleGraph,
    file: usize,
    exports_of: impl Fn(usize) -> Arc<ModuleExports>,
) -> ProjectSummaries {
    let mut project = ProjectSummaries::default();
    for (written, module) in &graph.cimports[file] {
        let exports = exports_of(*module);
        if !exports.is_empty() {
            project.add_module(written, exports);
        }
    }
    project
}

/// The cross-module pass of [`Checker::check_paths`]: the components of the module graph
/// (see [`crate::project`]), each analyzed once every component it cimports is done, by
/// a rayon task that the last of those spawns.
struct ModuleRun<'r> {
    checker: &'r Checker,
    files: &'r [PathBuf],
    texts: &'r [Result<String, String>],
    graph: &'r ModuleGraph,
    components: &'r Components,
    dependents: &'r [Vec<usize>],
    /// Where each file comes in its module's order.
    roles: Vec<FileRole>,
    /// For each component, how many of the components it depends on are not done.
    waiting_for: Vec<AtomicUsize>,
    /// What a context file binds, worked out once however many files see it, from the
    /// parse its own check takes (or made, when it comes first).
    contexts: Vec<SharedContext>,
    /// What each module exports, set when its component is done.
    exports: Vec<OnceLock<Arc<ModuleExports>>>,
    /// What each module's helper files export, set when its component is done.
    own_helpers: Vec<OnceLock<Arc<ModuleExports>>>,
    /// What each helper file exports, set when its component is done (for the other
    /// modules that include a `.pxi`).
    helper_summaries: Vec<OnceLock<Summaries>>,
    /// Each file's last check, set when its component is done.
    checks: Vec<OnceLock<FileCheck>>,
}

impl<'r> ModuleRun<'r> {
    /// The bytes of text of a component's files.
    fn size_of(&self, component: usize) -> usize {
        self.files_of(component)
            .map(|file| self.texts[file].as_ref().map_or(0, String::len))
            .sum()
    }

    fn files_of(&self, component: usize) -> impl Iterator<Item = usize> + 'r {
        let graph = self.graph;
        self.components.members[component]
            .iter()
            .flat_map(move |&module| graph.modules[module].1.iter().copied())
    }

    /// Analyzes one component, whose dependencies are done; then starts each dependent
    /// component this was the last dependency of.
    ///
    /// Each file is analyzed knowing everything the modules it cimports export; only
    /// the files of a cycle of cimports (or of a module that cimports itself) are
    /// analyzed again, while what the cycle's modules export changes, each round
    /// starting from what the previous one lowered when it lowers alike. The result is
    /// what analyzing the components in waves gives: a component reads only what its
    /// dependencies export, which is final when it starts, and its rounds are its own.
    fn component<'s>(&'s self, component: usize, scope: &rayon::ScopeFifo<'s>)
    where
        'r: 's,
    {
        let graph = self.graph;
        let modules = &self.components.members[component];
        let in_component = |module: usize| self.components.component_of[module] == component;
        let mut exports: HashMap<usize, Arc<ModuleExports>> = modules
            .iter()
            .map(|&module| (module, Arc::default()))
            .collect();
        let mut summaries: HashMap<usize, Summaries> = HashMap::new();
        let mut checks: HashMap<usize, FileCheck> = HashMap::new();
        // The files a later round may analyze again keep what they were lowered to.
        let prepared: HashMap<usize, Mutex<KeptLowering>> = self
            .files_of(component)
            .filter(|&file| {
                graph.cimports[file]
                    .iter()
                    .any(|&(_, module)| in_component(module))
            })
            .map(|file| (file, Mutex::new(None)))
            .collect();
        // What each module's helper files export, for its other files' bare-name calls.
        let mut own_helpers: HashMap<usize, Arc<ModuleExports>> = HashMap::new();
        let mut pending: Vec<usize> = self.files_of(component).collect();
        // The files kept for later rounds of the component mostly see the same names.
        let matchers = ProjectNameMatchers::default();
        let batch = |batch: &[usize],
                     exports: &HashMap<usize, Arc<ModuleExports>>,
                     summaries: &HashMap<usize, Summaries>,
                     own_helpers: Option<&HashMap<usize, Arc<ModuleExports>>>| {
            self.batch(batch, exports, summaries, own_helpers, &prepared, &matchers)
        };
        for round in 1.. {
            // A module's helper files come first, so that its other files know their
            // helpers' summaries (a call graph whose components are files: a helper
            // calls nothing of the files after it); its `.pxd` comes last, since the
            // classes it declares are finalized by the `__dealloc__` of their `.pyx`
            // half. A `.pxd` that does both is analyzed in both places.
            let helpers: Vec<usize> = pending
                .iter()
                .copied()
                .filter(|&file| self.roles[file].helper)
                .collect();
            let analyzed = batch(&helpers, &exports, &summaries, None);
            for (file, check, exported) in analyzed {
                checks.insert(file, check);
                summaries.insert(file, exported);
            }
            let mut helpers_changed = Vec::new();
            for &module in modules {
                let mut merged = ModuleExports::default();
                for &file in &graph.modules[module].1 {
                    if let (true, Some(exported)) = (self.roles[file].helper, summaries.get(&file))
                    {
                        merged.add_file(exported);
                    }
                }
                // A `.pxi` the module includes but another module (the first to include
                // it) analyzes: that one's component is done, or is this one.
                for &file in &graph.foreign_includes[module] {
                    let exported = summaries
                        .get(&file)
                        .or_else(|| self.helper_summaries[file].get());
                    if let (true, Some(exported)) = (self.roles[file].helper, exported) {
                        merged.add_file(exported);
                    }
                }
                if own_helpers.get(&module).map(|known| **known != merged) != Some(false) {
                    own_helpers.insert(module, Arc::new(merged));
                    helpers_changed.push(module);
                }
            }
            // The other files of a module whose helpers changed are analyzed again, as
            // files that cimport a changed module are.
            let implementations: Vec<usize> = self
                .files_of(component)
                .filter(|&file| {
                    let role = &self.roles[file];
                    !role.helper
                        && !role.declaration
                        && (pending.contains(&file)
                            || helpers_changed.contains(&graph.module_of[file]) && round > 1)
                })
                .collect();
            let analyzed = batch(&implementations, &exports, &summaries, Some(&own_helpers));
            for (file, check, exported) in analyzed {
                checks.insert(file, check);
                summaries.insert(file, exported);
            }
            let declarations: Vec<usize> = pending
                .iter()
                .copied()
                .filter(|&file| self.roles[file].declaration)
                .collect();
            let analyzed = batch(&declarations, &exports, &summaries, None);
            for (file, check, exported) in analyzed {
                checks.insert(file, check);
                summaries.insert(file, exported);
            }
            let mut changed = Vec::new();
            for &module in modules {
                let mut merged = ModuleExports::default();
                for &file in &graph.modules[module].1 {
                    merged.add_file(&summaries[&file]);
                }
                if merged != *exports[&module] {
                    exports.insert(module, Arc::new(merged));
                    changed.push(module);
                }
            }
            if changed.is_empty() || round == MAX_ROUNDS_IN_A_CYCLE {
                break;
            }
            pending = self
                .files_of(component)
                .filter(|&file| {
                    graph.cimports[file]
                        .iter()
                        .any(|(_, module)| changed.contains(module))
                })
                .collect();
            if pending.is_empty() {
                break;
            }
        }
        for (module, helpers) in own_helpers {
            let _ = self.own_helpers[module].set(helpers);
        }
        for (file, exported) in summaries {
            if self.roles[file].helper {
                let _ = self.helper_summaries[file].set(exported);
            }
        }
        for (file, check) in checks {
            let _ = self.checks[file].set(check);
            // A parse kept for a check that has run already (the names were worked
            // out in a later round) is not needed.
            drop(self.contexts[file].take_parse());
        }
        for (module, exported) in exports {
            let _ = self.exports[module].set(exported);
        }
        for &dependent in &self.dependents[component] {
            if self.waiting_for[dependent].fetch_sub(1, Ordering::AcqRel) == 1 {
                scope.spawn_fifo(move |scope| self.component(dependent, scope));
            }
        }
    }

    /// Files of a component that do not depend on each other, in parallel: each knowing
    /// what the component's modules export so far (`exports`, the others' are final) and,
    /// with `own_helpers`, what its module's helper files export.
    fn batch(
        &self,
        batch: &[usize],
        exports: &HashMap<usize, Arc<ModuleExports>>,
        summaries: &HashMap<usize, Summaries>,
        own_helpers: Option<&HashMap<usize, Arc<ModuleExports>>>,
        prepared: &HashMap<usize, Mutex<KeptLowering>>,
        matchers: &ProjectNameMatchers,
    ) -> Vec<(usize, FileCheck, Summaries)> {
        batch
            .par_iter()
            .map(|&file| {
                let exports_of = |module: usize| match exports.get(&module) {
                    Some(exports) => exports.clone(),
                    None => self.exports[module]
                        .get()
                        .expect("a dependency is done before its dependents start")
                        .clone(),
                };
                let helpers = own_helpers
                    .and_then(|helpers| helpers.get(&self.graph.module_of[file]))
                    .cloned();
                let (check, exported) = self.file(
                    file,
                    summaries,
                    exports_of,
                    helpers,
                    prepared.get(&file),
                    matchers,
                );
                (file, check, exported)
            })
            .collect()
    }

    /// One file of a component, knowing what the files of its module analyzed so far
    /// export (`summaries`), what each module exports (`exports_of`) and what its
    /// module's helper files export (`own_helpers`, for a `.pyx`).
    fn file(
        &self,
        file: usize,
        summaries: &HashMap<usize, Summaries>,
        exports_of: impl Fn(usize) -> Arc<ModuleExports>,
        own_helpers: Option<Arc<ModuleExports>>,
        prepared: Option<&Mutex<KeptLowering>>,
        matchers: &ProjectNameMatchers,
    ) -> (FileCheck, Summaries) {
        let graph = self.graph;
        let path = &self.files[file];
        let text = match &self.texts[file] {
            Ok(text) => text,
            Err(message) => {
                let outcome = FileOutcome::Unreadable(message.clone());
                return (unanalyzed(path.clone(), outcome), Summaries::default());
            }
        };
        let mut project = project_for(graph, file, exports_of);
        if let Some(helpers) = own_helpers {
            project.add_own_helpers(helpers);
        }
        if is_declaration(path) {
            let halves = graph.modules[graph.module_of[file]]
                .1
                .iter()
                .filter(|&&other| !is_declaration(&self.files[other]))
                .filter_map(|other| summaries.get(other))
                .flat_map(|exported| exported.classes.clone())
                .collect();
            project.declare(halves);
        }
        let context: Vec<ContextFile<'_>> = graph.context[file]
            .iter()
            .filter_map(|&outer| {
                let text = self.texts[outer].as_deref().ok()?;
                let names = Some(&self.contexts[outer]);
                Some(ContextFile { text, names })
            })
            .collect();
        let mut kept = prepared.map(|slot| slot.lock().unwrap_or_else(|e| e.into_inner()));
        let source = Source::Text {
            kept: kept.as_deref_mut(),
            shared: Some(&self.contexts[file]),
            matchers: Some(matchers),
        };
        self.checker
            .check_guarded(path, text, &project, &context, source)
            .expect("a check nobody cancels finishes")
    }
}

/// Where a file comes in the order of its module's files within a round.
struct FileRole {
    /// It defines helpers the module's other files call by their bare name, and comes
    /// first: an included `.pxi`, or a `.pxd` with inline functions.
    helper: bool,
    /// A `.pxd` that declares classes (or defines no helper): it comes last, after the
    /// `.pyx` half of its classes.
    declaration: bool,
}

impl FileRole {
    fn of(path: &Path, imports: &Imports) -> FileRole {
        let extension = path.extension().and_then(|e| e.to_str());
        let defines_helpers = imports.defines_functions && extension == Some("pxd");
        FileRole {
            helper: extension == Some("pxi") || defines_helpers,
            declaration: extension == Some("pxd") && (!defines_helpers || imports.declares_classes),
        }
    }
}

/// Whether a file is a `.pxd`, the declaration half of its module.
fn is_declaration(path: &Path) -> bool {
    path.extension().is_some_and(|extension| extension == "pxd")
}

/// Whether a .py file imports or cimports Cython (pure-Python mode).
pub fn uses_cython(text: &str) -> bool {
    text.lines().any(|line| {
        let line = line.trim_ascii_start().trim_start();
        (line.starts_with("import ") || line.starts_with("from ") || line.starts_with("cimport "))
            && line.contains("cython")
    })
}

/// `path` relative to `base` when it lies under it: configuration files are found by
/// absolute path but shown as the user would type them.
pub fn relative_to<'a>(base: &Path, path: &'a Path) -> &'a Path {
    path.strip_prefix(base).unwrap_or(path)
}
