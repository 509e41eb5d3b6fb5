//! `cysafe check`: find files, analyze them in parallel, report what the selected rules
//! find. Exit 0 when nothing is found, 1 when something is, 2 when a path, a file or a
//! configuration could not be used (every other file is still checked and reported).

use std::collections::BTreeSet;
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::analyze::{analyze_file, names_project_helpers};
use crate::commands::ExitStatus;
use crate::config::{Config, ConfigError, ConfigResolver, PathMatcher};
use crate::diagnostic::{Diagnostic, LineIndex};
use crate::discover::{discover_with, ExcludeFn};
use crate::noqa::{remove_suppressed, skips_file, unused_noqa};
use crate::ownership::summary::{ProjectSummaries, Summaries};
use crate::parse::Dialect;
use crate::report::{
    write_report, write_statistics, FileReport, OutputFormat, ReportOptions, Sources,
};
use crate::rules::UNUSED_NOQA;
use crate::selection::{RuleSelector, SelectionLayer};
use crate::source::{decode_source, read_source};

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Files and folders to check (default: the current folder); `-` reads one file from
    /// standard input, as does giving no path with --stdin-filename.
    pub paths: Vec<PathBuf>,
    /// How to print diagnostics.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub output_format: OutputFormat,
    /// Colour in `text` output: `auto` colours only a terminal, and honours NO_COLOR.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// The name of the file read from standard input (`-`): where it is reported and
    /// which configuration applies.
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<PathBuf>,
    /// Use this pyproject.toml or cysafe.toml for every file instead of the nearest.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Only these rules (codes, prefixes like CY00, or ALL), replacing the configuration's.
    #[arg(long, value_delimiter = ',', value_name = "RULES", value_parser = RuleSelector::parse)]
    pub select: Option<Vec<RuleSelector>>,
    /// Add these rules to the selection.
    #[arg(long, value_delimiter = ',', value_name = "RULES", value_parser = RuleSelector::parse)]
    pub extend_select: Vec<RuleSelector>,
    /// Do not report these rules.
    #[arg(long, value_delimiter = ',', value_name = "RULES", value_parser = RuleSelector::parse)]
    pub ignore: Vec<RuleSelector>,
    /// Also skip folders and files matching these globs while walking (relative to the
    /// current folder, or a bare name like `vendored`).
    #[arg(long, value_delimiter = ',', value_name = "GLOBS")]
    pub exclude: Vec<String>,
    /// Print how many diagnostics each rule gave instead of the diagnostics.
    #[arg(long)]
    pub statistics: bool,
    /// Exit 0 even when diagnostics are found (errors still exit 2).
    #[arg(long)]
    pub exit_zero: bool,
    /// Print the diagnostics and nothing else (no summary line).
    #[arg(short, long)]
    pub quiet: bool,
    /// Print the settings each path resolves to, and check nothing.
    #[arg(long)]
    pub show_settings: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    fn enabled(self) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
                !no_color && std::io::stdout().is_terminal()
            }
        }
    }
}

/// What became of one file.
enum Outcome {
    Checked(FileReport),
    /// Checked, and nothing to report: its text is not kept.
    Clean,
    /// Not a file to check after all (a .py file that does not use Cython), or one that
    /// asks to be skipped.
    Skipped,
    Failed(String),
    /// Governed by a configuration file that cannot be used; reported once per file.
    ConfigFailed(ConfigError),
}

/// What one analysis of a file yields for the run.
struct FileCheck {
    outcome: Outcome,
    /// What the file exports to the files that cimport it (empty when it is not analyzed).
    summaries: Summaries,
    /// The functions too deep or too large to analyze: (row, column, "`name` reason").
    too_deep: Vec<(usize, usize, String)>,
}

impl FileCheck {
    fn unanalyzed(outcome: Outcome) -> FileCheck {
        FileCheck {
            outcome,
            summaries: Summaries::default(),
            too_deep: Vec::new(),
        }
    }
}

pub fn run(args: &CheckArgs, out: &mut dyn Write) -> std::io::Result<ExitStatus> {
    let cwd = std::env::current_dir()?;
    let explicit = match &args.config {
        None => None,
        Some(path) => match Config::load(path, true) {
            Ok(config) => config,
            Err(error) => {
                report_error(&error.to_string());
                return Ok(ExitStatus::Error);
            }
        },
    };
    let cli_exclude = match PathMatcher::new(&args.exclude) {
        Ok(matcher) => matcher,
        Err(message) => {
            report_error(&format!("--exclude: {message}"));
            return Ok(ExitStatus::Error);
        }
    };
    let paths = match (&args.paths[..], &args.stdin_filename) {
        ([], Some(_)) => vec![PathBuf::from("-")],
        ([], None) => vec![PathBuf::from(".")],
        (given, _) => given.to_vec(),
    };
    let reads_stdin = paths.iter().any(|p| p.as_os_str() == "-");
    if reads_stdin && paths.len() > 1 {
        report_error("`-` (standard input) cannot be combined with other paths");
        return Ok(ExitStatus::Error);
    }
    let resolver = Arc::new(ConfigResolver::new(explicit, cwd.clone()));
    let cli = SelectionLayer {
        select: args.select.clone(),
        extend_select: args.extend_select.clone(),
        ignore: args.ignore.clone(),
    };
    let checker = Checker {
        cwd: cwd.clone(),
        resolver: resolver.clone(),
        cli,
    };

    if args.show_settings {
        let shown = if reads_stdin {
            vec![args
                .stdin_filename
                .clone()
                .unwrap_or_else(|| PathBuf::from("-"))]
        } else {
            paths
        };
        return show_settings(&shown, &args.exclude, &checker, out);
    }

    let mut errors = BTreeSet::new();
    let checks: Vec<(PathBuf, FileCheck)> = if reads_stdin {
        let path = args
            .stdin_filename
            .clone()
            .unwrap_or_else(|| PathBuf::from("-"));
        let mut bytes = Vec::new();
        let check = match std::io::stdin().lock().read_to_end(&mut bytes) {
            Err(error) => FileCheck::unanalyzed(Outcome::Failed(error.to_string())),
            Ok(_) => match decode_source(bytes) {
                Err(error) => FileCheck::unanalyzed(Outcome::Failed(error.to_string())),
                Ok(text) => checker.check_text(&path, &text, &ProjectSummaries::default()),
            },
        };
        vec![(path, check)]
    } else {
        let exclude: ExcludeFn = {
            let resolver = resolver.clone();
            let cwd = cwd.clone();
            Arc::new(move |path: &Path| {
                cli_exclude.matches(&cwd, path)
                    || resolver
                        .for_path(path)
                        .is_ok_and(|config| config.excludes(path))
            })
        };
        let discovered = discover_with(&paths, |p| Dialect::from_path(p).is_some(), exclude);
        for error in discovered.errors {
            errors.insert(format!("{}: {}", error.path.display(), error.message));
        }
        let mut files = discovered.files;
        files.sort();
        files.dedup();
        // Every file is analyzed once; what the .pyx files export (helpers that
        // allocate or release) then makes the files that name such a helper analyzed
        // again, knowing it. Most trees need no second pass.
        let empty = ProjectSummaries::default();
        let mut analyzed: Vec<(PathBuf, Result<String, String>, FileCheck)> = files
            .into_par_iter()
            .map(|path| match read_source(&path) {
                Err(error) => {
                    let message = error.to_string();
                    let check = FileCheck::unanalyzed(Outcome::Failed(message.clone()));
                    (path, Err(message), check)
                }
                Ok(text) => {
                    let check = checker.check_text(&path, &text, &empty);
                    (path, Ok(text), check)
                }
            })
            .collect();
        let project = project_summaries(&analyzed);
        if !project.is_empty() {
            analyzed.par_iter_mut().for_each(|(path, text, check)| {
                if let Ok(text) = text {
                    if names_project_helpers(text, &project) {
                        *check = checker.check_text(path, text, &project);
                    }
                }
            });
        }
        analyzed
            .into_iter()
            .map(|(path, _, check)| (path, check))
            .collect()
    };

    // A function nested too deeply is never analyzed, and no diagnostic says so: without
    // this warning a clean report would claim code nobody looked at.
    let mut too_deep = BTreeSet::new();
    let mut reports = Vec::new();
    for (path, check) in checks {
        for (row, column, name) in check.too_deep {
            too_deep.insert((path.clone(), row, column, name));
        }
        match check.outcome {
            Outcome::Checked(report) => reports.push(report),
            Outcome::Clean | Outcome::Skipped => {}
            Outcome::Failed(message) => {
                errors.insert(format!("{}: {message}", path.display()));
            }
            Outcome::ConfigFailed(error) => {
                errors.insert(format!(
                    "{}: {}",
                    relative_to(&cwd, &error.path).display(),
                    error.message
                ));
            }
        }
    }
    for error in &errors {
        report_error(error);
    }
    for (path, row, column, name) in &too_deep {
        report_error(&format!(
            "warning: {}:{row}:{column}: {name}; it was skipped",
            path.display()
        ));
    }
    let found: usize = reports.iter().map(|r| r.diagnostics.len()).sum();
    let extra = related_sources(&reports);
    let sources = Sources::new(&reports, &extra);
    if args.statistics {
        write_statistics(args.output_format, &reports, out)?;
    } else {
        let options = ReportOptions {
            color: args.color.enabled(),
            quiet: args.quiet,
            unchecked: errors.len(),
        };
        write_report(args.output_format, &reports, &sources, options, out)?;
    }
    Ok(if !errors.is_empty() {
        ExitStatus::Error
    } else if found > 0 && !args.exit_zero {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

/// Everything a file needs to be checked: the configurations and the command line's
/// selection. Shared by the threads.
struct Checker {
    cwd: PathBuf,
    resolver: Arc<ConfigResolver>,
    cli: SelectionLayer,
}

impl Checker {
    fn check_text(&self, path: &Path, text: &str, project: &ProjectSummaries) -> FileCheck {
        let config = match self.resolver.for_path(path) {
            Ok(config) => config,
            Err(error) => return FileCheck::unanalyzed(Outcome::ConfigFailed(error)),
        };
        let dialect = Dialect::from_path(path).unwrap_or(Dialect::Cython);
        // A .py file is Cython only in pure-Python mode, when it imports cython; any
        // other is plain Python with nothing for cysafe, even when named explicitly
        // (pre-commit hands every staged .py file over).
        if dialect == Dialect::PurePython && !uses_cython(text) || skips_file(text) {
            return FileCheck::unanalyzed(Outcome::Skipped);
        }
        let rules = config.rules_for(path, &self.cli);
        let analysis = analyze_file(text, dialect, &config.analysis, project);
        let too_deep = if analysis.too_deep.is_empty() {
            Vec::new()
        } else {
            let lines = LineIndex::new(text);
            analysis
                .too_deep
                .into_iter()
                .map(|function| {
                    let start = lines.position(function.name_span.start);
                    let what = format!("`{}` {}", function.name, function.reason);
                    (start.row, start.column, what)
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
        let outcome = if diagnostics.is_empty() {
            Outcome::Clean
        } else {
            Outcome::Checked(FileReport {
                path: path.to_path_buf(),
                text: text.to_string(),
                diagnostics,
            })
        };
        FileCheck {
            outcome,
            summaries: analysis.summaries,
            too_deep,
        }
    }
}

/// The summaries every `.pyx` file of the run exports, under the module names a cimport
/// may use for it (its path's dotted suffixes). Added in path order, so the result does
/// not depend on the threads.
fn project_summaries(
    analyzed: &[(PathBuf, Result<String, String>, FileCheck)],
) -> ProjectSummaries {
    let mut project = ProjectSummaries::default();
    for (path, _, check) in analyzed {
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
        project.add_module(&parts, &check.summaries);
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

/// The text of files that related sites point into but that were not checked.
fn related_sources(reports: &[FileReport]) -> Vec<(PathBuf, String)> {
    let checked: BTreeSet<&Path> = reports.iter().map(|r| r.path.as_path()).collect();
    let wanted: BTreeSet<&Path> = reports
        .iter()
        .flat_map(|r| &r.diagnostics)
        .flat_map(|d| &d.related)
        .filter_map(|related| related.path.as_deref())
        .filter(|path| !checked.contains(path))
        .collect();
    wanted
        .into_iter()
        .filter_map(|path| Some((path.to_path_buf(), read_source(path).ok()?)))
        .collect()
}

fn show_settings(
    paths: &[PathBuf],
    cli_exclude: &[String],
    checker: &Checker,
    out: &mut dyn Write,
) -> std::io::Result<ExitStatus> {
    let mut status = ExitStatus::Success;
    for path in paths {
        let config = match checker.resolver.for_path(path) {
            Ok(config) => config,
            Err(error) => {
                report_error(&format!(
                    "{}: {}",
                    relative_to(&checker.cwd, &error.path).display(),
                    error.message
                ));
                status = ExitStatus::Error;
                continue;
            }
        };
        writeln!(out, "Settings for {}:", path.display())?;
        let file = config
            .file
            .as_ref()
            .map_or("none (defaults)".to_string(), |f| {
                relative_to(&checker.cwd, f).display().to_string()
            });
        writeln!(out, "  config file: {file}")?;
        writeln!(
            out,
            "  rules: {}",
            config.rules_for(path, &checker.cli).codes().join(", ")
        )?;
        writeln!(out, "  exclude: {}", config.exclude.patterns().join(", "))?;
        writeln!(
            out,
            "  extend-exclude: {}",
            config.extend_exclude.patterns().join(", ")
        )?;
        writeln!(out, "  exclude (command line): {}", cli_exclude.join(", "))?;
        for (matcher, ignored) in &config.per_file_ignores {
            let ignored: Vec<String> = ignored.iter().map(ToString::to_string).collect();
            writeln!(
                out,
                "  per-file-ignores: {} = {}",
                matcher.patterns().join(", "),
                ignored.join(", ")
            )?;
        }
        for family in &config.analysis.extra_families {
            writeln!(
                out,
                "  allocator family {}: allocators [{}], reallocators [{}], deallocators [{}]",
                family.name,
                family.allocators.join(", "),
                family.reallocators.join(", "),
                family.deallocators.join(", ")
            )?;
        }
    }
    Ok(status)
}

/// `path` relative to `base` when it lies under it: configuration files are found by
/// absolute path but shown as the user would type them.
fn relative_to<'a>(base: &Path, path: &'a Path) -> &'a Path {
    path.strip_prefix(base).unwrap_or(path)
}

/// One line on standard error. A closed standard error must not panic the process.
fn report_error(message: &str) {
    let _ = writeln!(std::io::stderr().lock(), "cysafe: {message}");
}
