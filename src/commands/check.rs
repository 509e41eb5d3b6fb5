//! `cysafe check`: find files, analyze them in parallel, report what the selected rules
//! find. Exit 0 when nothing is found, 1 when something is, 2 when a path, a file or a
//! configuration could not be used (every other file is still checked and reported).

use std::collections::BTreeSet;
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::checker::{relative_to, Checker, CheckerOptions, FileCheck, FileOutcome};
use crate::commands::ExitStatus;
use crate::config::Config;
use crate::fix::{apply_fixes, FixMode};
use crate::report::{
    write_report, write_statistics, FileReport, OutputFormat, ReportOptions, Sources,
};
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
    /// Apply the safe fixes to the files, then report what remains.
    #[arg(long)]
    pub fix: bool,
    /// With --fix or --diff, apply the unsafe fixes too (they change behaviour, e.g.
    /// add a raise).
    #[arg(long)]
    pub unsafe_fixes: bool,
    /// Print the fixes as a unified diff and change nothing; exit 1 when there is a diff.
    #[arg(long)]
    pub diff: bool,
}

/// How many times a file is fixed and analyzed again at most: a round applies the fixes
/// that do not touch each other, the next the ones that waited.
const MAX_FIX_ROUNDS: usize = 10;

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

pub fn run(args: &CheckArgs, out: &mut dyn Write) -> std::io::Result<ExitStatus> {
    let cwd = std::env::current_dir()?;
    let config = match &args.config {
        None => None,
        Some(path) => match Config::load(path, true) {
            Ok(config) => config,
            Err(error) => {
                report_error(&error.to_string());
                return Ok(ExitStatus::Error);
            }
        },
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
    let options = CheckerOptions {
        cwd: cwd.clone(),
        config,
        selection: SelectionLayer {
            select: args.select.clone(),
            extend_select: args.extend_select.clone(),
            ignore: args.ignore.clone(),
        },
        exclude: args.exclude.clone(),
    };
    let checker = match Checker::new(options) {
        Ok(checker) => checker,
        Err(message) => {
            report_error(&format!("--exclude: {message}"));
            return Ok(ExitStatus::Error);
        }
    };
    let stdin_path = || {
        args.stdin_filename
            .clone()
            .unwrap_or_else(|| PathBuf::from("-"))
    };

    if args.show_settings {
        let shown = if reads_stdin {
            vec![stdin_path()]
        } else {
            paths
        };
        return show_settings(&shown, &args.exclude, &checker, out);
    }

    let fix_mode = (args.fix || args.diff).then_some(if args.unsafe_fixes {
        FixMode::SafeAndUnsafe
    } else {
        FixMode::SafeOnly
    });
    if reads_stdin && fix_mode.is_some() {
        report_error("--fix and --diff change files: they cannot read standard input");
        return Ok(ExitStatus::Error);
    }
    let mut errors = BTreeSet::new();
    let files: Vec<FileCheck> = if reads_stdin {
        let path = stdin_path();
        let mut bytes = Vec::new();
        let text = match std::io::stdin().lock().read_to_end(&mut bytes) {
            Err(error) => Err(error.to_string()),
            Ok(_) => decode_source(bytes).map_err(|error| error.to_string()),
        };
        match text {
            Err(message) => {
                errors.insert(format!("{}: {message}", path.display()));
                Vec::new()
            }
            Ok(text) => {
                let mut check = checker.check_file(&path, &text);
                if !check.diagnostics().is_empty() {
                    check.text = Some(text);
                }
                vec![check]
            }
        }
    } else {
        let run = checker.check_paths(&paths);
        for error in run.discovery_errors {
            errors.insert(format!("{}: {}", error.path.display(), error.message));
        }
        run.files
    };

    // A function nested too deeply is never analyzed, and no diagnostic says so: without
    // this warning a clean report would claim code nobody looked at.
    let mut too_deep = BTreeSet::new();
    let mut reports = Vec::new();
    let mut fixed = 0;
    let mut diffs = Vec::new();
    let files: Vec<(FileCheck, Option<Fixed>)> = match fix_mode {
        None => files.into_iter().map(|check| (check, None)).collect(),
        Some(mode) => files
            .into_par_iter()
            .map(|check| fix_file(&checker, check, mode))
            .collect(),
    };
    for (check, result) in files {
        if let Some(result) = result {
            fixed += result.count;
            if args.diff {
                diffs.push(unified_diff(&check.path, &result.original, &result.text));
            } else if let Err(error) = std::fs::write(&check.path, &result.text) {
                errors.insert(format!(
                    "{}: cannot write the fixes: {error}",
                    check.path.display()
                ));
            }
        }
        if let Some(error) = check.error(&cwd) {
            errors.insert(error);
        }
        for function in &check.too_deep {
            too_deep.insert((check.path.clone(), function.clone()));
        }
        if let (FileOutcome::Checked(diagnostics), Some(text)) = (check.outcome, check.text) {
            if !diagnostics.is_empty() {
                reports.push(FileReport {
                    path: check.path,
                    text,
                    diagnostics,
                });
            }
        }
    }
    for error in &errors {
        report_error(error);
    }
    for (path, function) in &too_deep {
        report_error(&format!(
            "warning: {}:{}:{}: `{}` is nested too deeply to analyze; it was skipped",
            path.display(),
            function.row,
            function.column,
            function.name
        ));
    }
    if args.diff {
        for diff in &diffs {
            out.write_all(diff.as_bytes())?;
        }
        let noun = if fixed == 1 {
            "diagnostic"
        } else {
            "diagnostics"
        };
        if fixed > 0 {
            report_line(&format!("Would fix {fixed} {noun}."));
        } else {
            report_line("No fixes available.");
        }
        return Ok(if !errors.is_empty() {
            ExitStatus::Error
        } else if diffs.is_empty() {
            ExitStatus::Success
        } else {
            ExitStatus::Failure
        });
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
            fixed: args.fix.then_some(fixed),
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

/// A file `--fix` changed.
struct Fixed {
    original: String,
    text: String,
    /// How many fixes were applied, over every round.
    count: usize,
}

/// Applies the fixes `mode` allows to a checked file, round after round until none
/// applies (or [`MAX_FIX_ROUNDS`]), analyzing the new text after each; returns the check
/// of the final text and, when it changed, the change.
fn fix_file(checker: &Checker, check: FileCheck, mode: FixMode) -> (FileCheck, Option<Fixed>) {
    let Some(original) = check.text.clone() else {
        return (check, None);
    };
    let mut text = original.clone();
    let mut current = check;
    let mut count = 0;
    for _ in 0..MAX_FIX_ROUNDS {
        let fixes = current
            .diagnostics()
            .iter()
            .filter_map(|diagnostic| diagnostic.fix.as_ref())
            .filter(|fix| mode.allows(fix.applicability));
        let (new_text, applied) = apply_fixes(&text, fixes);
        if applied == 0 {
            break;
        }
        count += applied;
        text = new_text;
        current = checker.recheck(&current, &text);
    }
    if count == 0 {
        return (current, None);
    }
    if !current.diagnostics().is_empty() {
        current.text = Some(text.clone());
    }
    let fixed = Fixed {
        original,
        text,
        count,
    };
    (current, Some(fixed))
}

/// The change as `diff -u` shows it, headed by the path.
fn unified_diff(path: &Path, before: &str, after: &str) -> String {
    let shown = path.display().to_string();
    similar::TextDiff::from_lines(before, after)
        .unified_diff()
        .context_radius(3)
        .header(&shown, &shown)
        .to_string()
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
        let config = match checker.config_for(path) {
            Ok(config) => config,
            Err(error) => {
                report_error(&format!(
                    "{}: {}",
                    relative_to(checker.cwd(), &error.path).display(),
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
                relative_to(checker.cwd(), f).display().to_string()
            });
        writeln!(out, "  config file: {file}")?;
        writeln!(
            out,
            "  rules: {}",
            config
                .rules_for(path, checker.selection())
                .codes()
                .join(", ")
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

/// A message on standard error that is not an error.
fn report_line(message: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{message}");
}

/// One line on standard error. A closed standard error must not panic the process.
fn report_error(message: &str) {
    let _ = writeln!(std::io::stderr().lock(), "cysafe: {message}");
}
