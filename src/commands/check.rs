//! `cysafe check`: find files, analyze them in parallel, report what the selected rules
//! find. Exit 0 when nothing is found, 1 when something is, 2 when a path, a file or a
//! configuration could not be used (every other file is still checked and reported).

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::checker::{relative_to, uses_cython, Checker, CheckerOptions, FileCheck, FileOutcome};
use crate::commands::ExitStatus;
use crate::config::Config;
use crate::fix::{apply_fixes, FixMode};
use crate::output::ColorChoice;
use crate::parse::Dialect;
use crate::report::{
    write_report, write_statistics, FileReport, OutputFormat, ReportOptions, Sources,
};
use crate::selection::{RuleSelector, SelectionLayer};
use crate::source::{read_source, read_stdin};

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Files and folders to check (default: the current folder); `-` reads one file from
    /// standard input, as does giving no path with --stdin-filename.
    pub paths: Vec<PathBuf>,
    /// How to print diagnostics (`text` is another name for `full`).
    #[arg(long, value_enum, env = "CYSAFE_OUTPUT_FORMAT", default_value_t = OutputFormat::Full)]
    pub output_format: OutputFormat,
    /// Write the report to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output_file: Option<PathBuf>,
    /// Colour in `full` and `concise` output: `auto` colours a terminal, or anything when
    /// FORCE_COLOR or CLICOLOR_FORCE is set, and nothing when NO_COLOR is.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// The name of the file read from standard input (`-`): where it is reported and
    /// which configuration applies.
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<PathBuf>,
    /// A pyproject.toml or cysafe.toml used for every file instead of the nearest, or an
    /// inline setting `KEY = VALUE` (TOML) applied over every configuration; repeatable.
    #[arg(long, value_name = "FILE | KEY = VALUE")]
    pub config: Vec<String>,
    /// Read no configuration file: the defaults, the command line and `--config KEY =
    /// VALUE` only.
    #[arg(long)]
    pub isolated: bool,
    /// Only these rules (codes, prefixes like CY00, or ALL), replacing the configuration's.
    #[arg(long, value_delimiter = ',', value_name = "RULES", value_parser = RuleSelector::parse)]
    pub select: Option<Vec<RuleSelector>>,
    /// Add these rules to the selection.
    #[arg(long, value_delimiter = ',', value_name = "RULES", value_parser = RuleSelector::parse)]
    pub extend_select: Vec<RuleSelector>,
    /// Do not report these rules.
    #[arg(long, value_delimiter = ',', value_name = "RULES", value_parser = RuleSelector::parse)]
    pub ignore: Vec<RuleSelector>,
    /// Skip folders and files matching these globs while walking, instead of the default
    /// exclusions and the configuration's `exclude` (relative to the current folder, or a
    /// bare name like `vendored`).
    #[arg(long, value_delimiter = ',', value_name = "GLOBS")]
    pub exclude: Option<Vec<String>>,
    /// Skip these globs too, on top of the exclusions.
    #[arg(long, value_delimiter = ',', value_name = "GLOBS")]
    pub extend_exclude: Vec<String>,
    /// Do not report these rules in files matching the glob: `GLOB:RULES`, e.g.
    /// `tests/*:CY001,CY003`; repeatable, on top of the configuration's.
    #[arg(long, value_name = "GLOB:RULES", value_parser = parse_per_file_ignore)]
    pub per_file_ignores: Vec<(String, Vec<RuleSelector>)>,
    /// Apply the exclusions to files named on the command line too (as pre-commit names
    /// them); without it a named file is always checked.
    #[arg(long, overrides_with = "no_force_exclude")]
    pub force_exclude: bool,
    #[arg(long, overrides_with = "force_exclude", hide = true)]
    pub no_force_exclude: bool,
    /// Fail (exit 2) when a function is skipped as too deep or too large to analyze.
    /// On by default when the CI environment variable is `true`; --no-strict turns it off.
    #[arg(long, overrides_with = "no_strict")]
    pub strict: bool,
    #[arg(long, overrides_with = "strict")]
    pub no_strict: bool,
    /// Print how many diagnostics each rule gave instead of the diagnostics.
    #[arg(long)]
    pub statistics: bool,
    /// Exit 0 even when diagnostics are found (errors still exit 2).
    #[arg(long)]
    pub exit_zero: bool,
    /// Print the diagnostics and nothing else (no summary line).
    #[arg(short, long)]
    pub quiet: bool,
    /// Say more: each file read but not analyzed (a .py file without `import cython`,
    /// `# cysafe: skip-file`), and with --show-files each file skipped and why.
    #[arg(short, long)]
    pub verbose: bool,
    /// Print each file that would be checked, and check nothing.
    #[arg(long, conflicts_with = "show_settings")]
    pub show_files: bool,
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

/// `GLOB:RULES` of `--per-file-ignores`; the last `:` splits, so a glob may hold one.
fn parse_per_file_ignore(value: &str) -> Result<(String, Vec<RuleSelector>), String> {
    let (glob, rules) = value.rsplit_once(':').ok_or_else(|| {
        format!("expected GLOB:RULES (like `tests/*:CY001,CY003`), found `{value}`")
    })?;
    let rules = rules
        .split(',')
        .map(|rule| RuleSelector::parse(rule.trim()))
        .collect::<Result<Vec<_>, _>>()?;
    Ok((glob.to_string(), rules))
}

/// Whether skipped functions fail the run: `--strict`, or a CI run (`CI=true`, set by
/// GitHub Actions, GitLab CI and others) unless `--no-strict`.
fn strict(args: &CheckArgs) -> bool {
    args.strict
        || !args.no_strict
            && std::env::var("CI").is_ok_and(|value| value.eq_ignore_ascii_case("true"))
}

/// Splits `--config` values into the one configuration file and the inline settings,
/// as ruff does: an existing file (or a name ending in `.toml`) is a file, anything
/// else must be `KEY = VALUE` in TOML.
fn config_arguments(values: &[String]) -> Result<(Option<PathBuf>, toml::Table), String> {
    let mut file: Option<PathBuf> = None;
    let mut overrides = toml::Table::new();
    for value in values {
        let path = Path::new(value);
        if path.is_file() || value.ends_with(".toml") && !value.contains('=') {
            if let Some(first) = &file {
                return Err(format!(
                    "--config: only one configuration file can be given (`{}` and `{value}`)",
                    first.display()
                ));
            }
            file = Some(path.to_path_buf());
            continue;
        }
        let table: toml::Table = value.parse().map_err(|error: toml::de::Error| {
            format!(
                "--config: `{value}` is neither a file nor a `KEY = VALUE` setting: {}",
                error.message().trim_end()
            )
        })?;
        overrides.extend(table);
    }
    Ok((file, overrides))
}

pub fn run(args: &CheckArgs, out: &mut dyn Write) -> std::io::Result<ExitStatus> {
    let cwd = std::env::current_dir()?;
    let (config_file, overrides) = match config_arguments(&args.config) {
        Ok(split) => split,
        Err(message) => {
            report_error(&message);
            return Ok(ExitStatus::Error);
        }
    };
    if args.isolated && config_file.is_some() {
        report_error(
            "--isolated reads no configuration file; --config FILE cannot be used with it",
        );
        return Ok(ExitStatus::Error);
    }
    let config = match &config_file {
        None => None,
        Some(path) => match Config::load_with(path, true, &overrides) {
            Ok(config) => config,
            Err(error) => {
                report_error(&error.render(path));
                return Ok(ExitStatus::Error);
            }
        },
    };
    let mut file_out;
    let out: &mut dyn Write = match &args.output_file {
        None => out,
        Some(path) => match std::fs::File::create(path) {
            Ok(file) => {
                file_out = std::io::BufWriter::new(file);
                &mut file_out
            }
            Err(error) => {
                report_error(&format!("{}: {error}", path.display()));
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
        extend_exclude: args.extend_exclude.clone(),
        per_file_ignores: args.per_file_ignores.clone(),
        force_exclude: args.force_exclude,
        overrides,
        isolated: args.isolated,
    };
    let checker = match Checker::new(options) {
        Ok(checker) => checker,
        Err(message) => {
            report_error(&message);
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
        return show_settings(&shown, args, &checker, out);
    }
    if args.show_files {
        return show_files(&paths, args.verbose, &checker, out);
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
        match read_stdin() {
            Err(error) => {
                errors.insert(format!("{}: {error}", path.display()));
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
        if run.files.is_empty() && run.discovery_errors.is_empty() {
            let under: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
            report_error(&format!(
                "warning: no Cython files found under {}",
                under.join(", ")
            ));
        }
        for error in run.discovery_errors {
            errors.insert(format!("{}: {}", error.path.display(), error.message));
        }
        for warning in run.discovery_warnings {
            report_error(&format!(
                "warning: {}: {}",
                warning.path.display(),
                warning.message
            ));
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
        // A named file that was read but not analyzed is said so under -v, never dropped
        // without a trace.
        if args.verbose && matches!(check.outcome, FileOutcome::Skipped) {
            report_error(&format!(
                "skipped {}: {}",
                check.path.display(),
                if Dialect::from_path(&check.path) == Some(Dialect::PurePython) {
                    "a .py file that does not import cython, or marked `# cysafe: skip-file`"
                } else {
                    "marked `# cysafe: skip-file`"
                }
            ));
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
    // Under --strict (or CI=true) a skipped function fails the run: CI must not pass
    // code nobody analyzed.
    let strict = strict(args);
    let level = if strict { "error" } else { "warning" };
    for (path, function) in &too_deep {
        report_error(&format!(
            "{level}: {}:{}:{}: `{}` {}; it was skipped",
            path.display(),
            function.row,
            function.column,
            function.name,
            function.reason
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
            // A file named by --output-file is no terminal: only `always` colours it.
            color: match args.output_file {
                None => args.color.enabled(),
                Some(_) => args.color == ColorChoice::Always,
            },
            quiet: args.quiet,
            unchecked: errors.len(),
            fixed: args.fix.then_some(fixed),
        };
        write_report(args.output_format, &reports, &sources, options, out)?;
    }
    out.flush()?;
    Ok(if !errors.is_empty() || strict && !too_deep.is_empty() {
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

/// `--show-files`: each file a check would read, sorted; with `verbose`, each file or
/// folder left out and why on standard error.
fn show_files(
    paths: &[PathBuf],
    verbose: bool,
    checker: &Checker,
    out: &mut dyn Write,
) -> std::io::Result<ExitStatus> {
    let discovered = checker.discover(paths, verbose);
    for file in &discovered.files {
        // A .py file is read to know whether it is Cython's pure-Python mode.
        if verbose && Dialect::from_path(file) == Some(Dialect::PurePython) {
            if let Ok(text) = read_source(file) {
                if !uses_cython(&text) {
                    report_error(&format!(
                        "skipped {}: a .py file that does not import cython",
                        file.display()
                    ));
                    continue;
                }
            }
        }
        writeln!(out, "{}", file.display())?;
    }
    if verbose {
        for (path, reason) in &discovered.skipped {
            report_error(&format!("skipped {}: {}", path.display(), reason.as_str()));
        }
    }
    for error in &discovered.errors {
        report_error(&format!("{}: {}", error.path.display(), error.message));
    }
    for warning in &discovered.warnings {
        report_error(&format!(
            "warning: {}: {}",
            warning.path.display(),
            warning.message
        ));
    }
    Ok(if discovered.errors.is_empty() {
        ExitStatus::Success
    } else {
        ExitStatus::Error
    })
}

fn show_settings(
    paths: &[PathBuf],
    args: &CheckArgs,
    checker: &Checker,
    out: &mut dyn Write,
) -> std::io::Result<ExitStatus> {
    let mut status = ExitStatus::Success;
    for path in paths {
        let config = match checker.config_for(path) {
            Ok(config) => config,
            Err(error) => {
                report_error(&error.render(relative_to(checker.cwd(), &error.path)));
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
        if let Some(exclude) = &args.exclude {
            writeln!(
                out,
                "  exclude (command line, replaces the above): {}",
                exclude.join(", ")
            )?;
        }
        writeln!(
            out,
            "  extend-exclude (command line): {}",
            args.extend_exclude.join(", ")
        )?;
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
