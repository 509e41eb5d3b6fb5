//! The library's front door: everything `cysafe check` does except printing.
//!
//! A [`Checker`] is built once from the run's options (the `--config` file, the command
//! line's selection and excludes); it then checks one text ([`Checker::check_file`],
//! [`Checker::check_source`]) or a set of paths with the cross-module pass
//! ([`Checker::check_paths`]). The selection, per-file ignores, `# noqa`, skip-file and
//! CY100 are applied here, so a library caller (the benchmarks, an editor) sees exactly
//! what the command line prints. A panic while analyzing one file is caught and becomes
//! that file's [`FileOutcome::InternalError`]; the other files are still checked.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::analyze::{analyze_file, analyze_tree, names_project_helpers};
use crate::config::{Config, ConfigError, ConfigResolver, PathMatcher};
use crate::diagnostic::{Diagnostic, LineIndex};
use crate::discover::{discover_with, DiscoveryError, ExcludeFn};
use crate::noqa::{remove_suppressed, skips_file, unused_noqa};
use crate::ownership::summary::{ProjectSummaries, Summaries};
use crate::parse::Dialect;
use crate::rules::UNUSED_NOQA;
use crate::selection::{RuleSet, SelectionLayer};
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
    /// Globs of folders and files to skip while walking, on top of the configuration's.
    pub exclude: Vec<String>,
}

/// Checks files with the configuration that governs each of them. Shared by the threads
/// of a run.
pub struct Checker {
    cwd: PathBuf,
    resolver: Arc<ConfigResolver>,
    selection: SelectionLayer,
    exclude: PathMatcher,
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

/// A function nested too deeply to analyze; no diagnostic says so, so the caller must.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct TooDeep {
    /// Of its name, from 1; the column in characters.
    pub row: usize,
    pub column: usize,
    /// `Buffer.fill` for a method.
    pub name: String,
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
            FileOutcome::ConfigError(error) => Some(format!(
                "{}: {}",
                relative_to(cwd, &error.path).display(),
                error.message
            )),
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
    /// What the run's `.pyx` files export to the files that cimport them: checking a
    /// file of the run again (after fixing it) needs it.
    pub project: ProjectSummaries,
}

impl Checker {
    /// A checker for `options`; an `exclude` glob that does not parse is an error.
    pub fn new(options: CheckerOptions) -> Result<Checker, String> {
        let exclude = PathMatcher::new(&options.exclude)?;
        Ok(Checker {
            resolver: Arc::new(ConfigResolver::new(options.config, options.cwd.clone())),
            cwd: options.cwd,
            selection: options.selection,
            exclude,
        })
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

    /// The rules reported for `path` under its configuration and the selection.
    pub fn rules_for(&self, path: &Path) -> Result<RuleSet, ConfigError> {
        Ok(self.config_for(path)?.rules_for(path, &self.selection))
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
        let (check, _) = self.check_in_project(path, text, &ProjectSummaries::default());
        check
    }

    /// Checks every file under `paths` (files as given, folders walked), then again the
    /// files that cimport a helper or an extension type another file of the run exports,
    /// knowing it. Files are checked in parallel; the result does not depend on the
    /// number of threads.
    pub fn check_paths(&self, paths: &[PathBuf]) -> CheckRun {
        let exclude: ExcludeFn = {
            let resolver = self.resolver.clone();
            let cwd = self.cwd.clone();
            let cli_exclude = self.exclude.clone();
            Arc::new(move |path: &Path| {
                cli_exclude.matches(&cwd, path)
                    || resolver
                        .for_path(path)
                        .is_ok_and(|config| config.excludes(path))
            })
        };
        let discovered = discover_with(paths, |p| Dialect::from_path(p).is_some(), exclude);
        let mut files = discovered.files;
        files.sort();
        files.dedup();
        // Every file is analyzed once; what the .pyx files export (helpers that
        // allocate or release) then makes the files that name such a helper analyzed
        // again, knowing it. Most trees need no second pass.
        let empty = ProjectSummaries::default();
        let mut analyzed: Vec<(Option<String>, FileCheck, Summaries)> = files
            .into_par_iter()
            .map(|path| match read_source(&path) {
                Err(error) => {
                    let outcome = FileOutcome::Unreadable(error.to_string());
                    (None, unanalyzed(path, outcome), Summaries::default())
                }
                Ok(text) => {
                    let (check, summaries) = self.check_in_project(&path, &text, &empty);
                    (Some(text), check, summaries)
                }
            })
            .collect();
        let project = project_summaries(&analyzed);
        if !project.is_empty() {
            analyzed.par_iter_mut().for_each(|(text, check, _)| {
                if let Some(text) = text {
                    if names_project_helpers(text, &project) {
                        (*check, _) = self.check_in_project(&check.path, text, &project);
                    }
                }
            });
        }
        let files = analyzed
            .into_iter()
            .map(|(text, mut check, _)| {
                if !check.diagnostics().is_empty() {
                    check.text = text;
                }
                check
            })
            .collect();
        CheckRun {
            files,
            discovery_errors: discovered.errors,
            project,
        }
    }

    /// One text of a run again (after `--fix` changed it), knowing what the run's other
    /// files export ([`CheckRun::project`]).
    pub fn check_file_in_project(
        &self,
        path: &Path,
        text: &str,
        project: &ProjectSummaries,
    ) -> FileCheck {
        self.check_in_project(path, text, project).0
    }

    /// One file, with what the rest of the project exports; a panic becomes the file's
    /// internal error.
    fn check_in_project(
        &self,
        path: &Path,
        text: &str,
        project: &ProjectSummaries,
    ) -> (FileCheck, Summaries) {
        self.check_guarded(path, text, project, None)
    }

    /// One text an editor holds, with the tree it keeps reparsing incrementally, and
    /// what the other files it has open export.
    pub fn check_parsed(
        &self,
        path: &Path,
        text: &str,
        tree: &tree_sitter::Tree,
        project: &ProjectSummaries,
    ) -> (FileCheck, Summaries) {
        self.check_guarded(path, text, project, Some(tree))
    }

    fn check_guarded(
        &self,
        path: &Path,
        text: &str,
        project: &ProjectSummaries,
        tree: Option<&tree_sitter::Tree>,
    ) -> (FileCheck, Summaries) {
        let checked = catch_unwind(AssertUnwindSafe(|| {
            self.check_unguarded(path, text, project, tree)
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
                (
                    unanalyzed(path.to_path_buf(), outcome),
                    Summaries::default(),
                )
            }
        }
    }

    fn check_unguarded(
        &self,
        path: &Path,
        text: &str,
        project: &ProjectSummaries,
        tree: Option<&tree_sitter::Tree>,
    ) -> (FileCheck, Summaries) {
        let config = match self.resolver.for_path(path) {
            Ok(config) => config,
            Err(error) => {
                let outcome = FileOutcome::ConfigError(error);
                return (
                    unanalyzed(path.to_path_buf(), outcome),
                    Summaries::default(),
                );
            }
        };
        let dialect = Dialect::from_path(path).unwrap_or(Dialect::Cython);
        // A .py file is Cython only in pure-Python mode, when it imports cython; any
        // other is plain Python with nothing for cysafe, even when named explicitly
        // (pre-commit hands every staged .py file over).
        if dialect == Dialect::PurePython && !uses_cython(text) || skips_file(text) {
            return (
                unanalyzed(path.to_path_buf(), FileOutcome::Skipped),
                Summaries::default(),
            );
        }
        debug_panic_hook(path);
        let rules = config.rules_for(path, &self.selection);
        let analysis = match tree {
            Some(tree) => analyze_tree(tree, text, dialect, &config.analysis, project),
            None => analyze_file(text, dialect, &config.analysis, project),
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
        };
        (check, analysis.summaries)
    }
}

fn unanalyzed(path: PathBuf, outcome: FileOutcome) -> FileCheck {
    FileCheck {
        path,
        outcome,
        too_deep: Vec::new(),
        text: None,
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

/// The summaries every `.pyx` file of the run exports, under the module names a cimport
/// may use for it (its path's dotted suffixes). Added in path order, so the result does
/// not depend on the threads.
fn project_summaries(analyzed: &[(Option<String>, FileCheck, Summaries)]) -> ProjectSummaries {
    let mut project = ProjectSummaries::default();
    for (_, check, summaries) in analyzed {
        let path = &check.path;
        if path.extension().is_none_or(|ext| ext != "pyx") {
            continue;
        }
        let stem = path.with_extension("");
        let parts: Vec<&str> = stem
            .components()
            .filter_map(|part| match part {
                std::path::Component::Normal(name) => name.to_str(),
                _ => None,
            })
            .collect();
        project.add_module(&parts, summaries);
    }
    project
}

/// Whether a .py file imports or cimports Cython (pure-Python mode).
fn uses_cython(text: &str) -> bool {
    text.lines().any(|line| {
        let line = line.trim_start();
        (line.starts_with("import ") || line.starts_with("from ") || line.starts_with("cimport "))
            && line.contains("cython")
    })
}

/// `path` relative to `base` when it lies under it: configuration files are found by
/// absolute path but shown as the user would type them.
pub fn relative_to<'a>(base: &Path, path: &'a Path) -> &'a Path {
    path.strip_prefix(base).unwrap_or(path)
}
