//! Discovery: which files a list of paths names.
//!
//! A file named on the command line is always taken. A folder is walked the way users
//! expect from ruff or ripgrep: hidden folders, virtualenvs and what .gitignore (or
//! .ignore) excludes are skipped, and the caller's `exclude` decides the rest. The order
//! is stable (sorted by name) so output never depends on the file system's order.
//! A path that cannot be walked (an unreadable folder) is an error for that path only.
//! A symlink back to a folder being walked is not followed, as ripgrep and ruff do: a
//! warning, since every file under it is walked anyway.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use ignore::WalkBuilder;

/// Folder and file names no project wants checked: version control, caches, build
/// output, virtualenvs. Configuration's `exclude` replaces this list.
pub const DEFAULT_EXCLUDES: &[&str] = &[
    ".bzr",
    ".direnv",
    ".eggs",
    ".git",
    ".hg",
    ".mypy_cache",
    ".nox",
    ".pytest_cache",
    ".ruff_cache",
    ".svn",
    ".tox",
    ".venv",
    "__pycache__",
    "__pypackages__",
    "_build",
    "build",
    "dist",
    "node_modules",
    "site-packages",
    "venv",
];

/// A path that could not be walked; reported, never fatal for the other paths.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscoveryError {
    pub path: PathBuf,
    pub message: String,
}

pub struct Discovered {
    pub files: Vec<PathBuf>,
    pub errors: Vec<DiscoveryError>,
    /// Symlinks to a folder they lie in, not followed: nothing is left unchecked.
    pub warnings: Vec<DiscoveryError>,
    /// Filled only when asked ([`Discovery::record_skipped`]), and for named files that
    /// `--force-exclude` excluded.
    pub skipped: Vec<(PathBuf, SkipReason)>,
}

/// Decides, for a walked folder or file (never an explicit argument), whether to skip it.
pub type ExcludeFn = Arc<dyn Fn(&Path) -> bool + Send + Sync>;

/// Expands `paths` into files with the default excludes: files as given, folders walked
/// for files that `accept`s.
pub fn discover(paths: &[PathBuf], accept: impl Fn(&Path) -> bool) -> Discovered {
    let exclude: ExcludeFn = Arc::new(|path: &Path| {
        path.file_name()
            .and_then(|name| name.to_str())
            .is_some_and(|name| DEFAULT_EXCLUDES.contains(&name))
    });
    discover_with(paths, accept, exclude)
}

/// Expands `paths` into files: files as given, folders walked for files that `accept`s
/// and that neither `exclude` nor the walker's own rules skip.
pub fn discover_with(
    paths: &[PathBuf],
    accept: impl Fn(&Path) -> bool,
    exclude: ExcludeFn,
) -> Discovered {
    Discovery {
        accept_named: &accept,
        accept_walked: &accept,
        exclude,
        force_exclude: false,
        record_skipped: false,
    }
    .run(paths)
}

/// Why a file or folder under the given paths was not taken (for `--show-files -v`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SkipReason {
    /// Matched `exclude`/`extend-exclude` (or the defaults).
    Excluded,
    /// A name starting with `.`.
    Hidden,
    /// A folder holding pyvenv.cfg.
    Virtualenv,
    /// Excluded by a .gitignore, .ignore or .git/info/exclude.
    Gitignored,
    /// A file whose extension is not a Cython one.
    NotCython,
}

impl SkipReason {
    pub fn as_str(self) -> &'static str {
        match self {
            SkipReason::Excluded => "excluded",
            SkipReason::Hidden => "hidden",
            SkipReason::Virtualenv => "a virtualenv",
            SkipReason::Gitignored => "gitignored",
            SkipReason::NotCython => "not Cython",
        }
    }
}

/// How paths are expanded into files.
pub struct Discovery<'a> {
    /// Whether a file named as an argument is one the command reads; any other is an
    /// error for that path, never silently dropped.
    pub accept_named: &'a dyn Fn(&Path) -> bool,
    /// Whether a file met while walking a folder is taken.
    pub accept_walked: &'a dyn Fn(&Path) -> bool,
    /// Decides, for a walked folder or file, whether to skip it.
    pub exclude: ExcludeFn,
    /// `--force-exclude`: `exclude` applies to named files too (pre-commit names them).
    pub force_exclude: bool,
    /// Fill [`Discovered::skipped`] (walks twice; only for `--show-files --verbose`).
    pub record_skipped: bool,
}

impl Discovery<'_> {
    pub fn run(&self, paths: &[PathBuf]) -> Discovered {
        let mut files = Vec::new();
        let mut errors = Vec::new();
        let mut warnings = Vec::new();
        let mut skipped = Vec::new();
        for root in paths {
            match std::fs::metadata(root) {
                Err(error) => errors.push(DiscoveryError {
                    path: root.clone(),
                    message: error.to_string(),
                }),
                Ok(meta) if meta.is_dir() => {
                    let mut walked = Vec::new();
                    walk(
                        root,
                        &self.accept_walked,
                        self.exclude.clone(),
                        &mut walked,
                        &mut errors,
                        &mut warnings,
                    );
                    if self.record_skipped {
                        skipped.extend(self.skipped_under(root, &walked));
                    }
                    files.extend(walked);
                }
                Ok(_) if self.force_exclude && self.excludes_named(root) => {
                    skipped.push((root.clone(), SkipReason::Excluded));
                }
                Ok(meta) if !meta.is_file() => errors.push(DiscoveryError {
                    path: root.clone(),
                    // Reading a FIFO or a device could block forever or never end.
                    message: crate::source::SourceError::NotRegular(crate::source::file_kind(
                        &meta,
                    ))
                    .to_string(),
                }),
                Ok(_) if !(self.accept_named)(root) => errors.push(DiscoveryError {
                    path: root.clone(),
                    message: "not a Cython file (.pyx, .pxd, .pxi or .py); use \
                              `--stdin-filename NAME.pyx -` to check it as one"
                        .to_string(),
                }),
                Ok(_) => files.push(root.clone()),
            }
        }
        Discovered {
            files: without_repeats(files),
            errors,
            warnings,
            skipped,
        }
    }

    /// Whether a named file, or a folder it lies in, is excluded: `vendored` excludes
    /// `vendored/x.pyx` as walking would. Folders above the current one are not
    /// looked at, so a project that lives under some `build/` is still checked.
    fn excludes_named(&self, path: &Path) -> bool {
        let cwd = std::env::current_dir().unwrap_or_default();
        path.ancestors()
            .take_while(|ancestor| {
                !ancestor.as_os_str().is_empty()
                    && *ancestor != Path::new(".")
                    && (ancestor.is_relative() || ancestor.starts_with(&cwd) && *ancestor != cwd)
            })
            .any(|ancestor| (self.exclude)(ancestor))
    }

    /// What a walk of `root` left out, and why: a second walk without the walker's
    /// filters, classifying each entry the first walk did not take.
    fn skipped_under(&self, root: &Path, taken: &[PathBuf]) -> Vec<(PathBuf, SkipReason)> {
        let taken: std::collections::HashSet<&Path> = taken.iter().map(PathBuf::as_path).collect();
        let mut skipped = Vec::new();
        let mut entries = walkdir::WalkDir::new(root)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter();
        while let Some(entry) = entries.next() {
            // Walk errors were reported by the first walk.
            let Ok(entry) = entry else { continue };
            if entry.depth() == 0 {
                continue;
            }
            let path = entry.path();
            let is_dir = entry.file_type().is_dir();
            let reason = if entry.file_name().to_string_lossy().starts_with('.') {
                Some(SkipReason::Hidden)
            } else if (self.exclude)(path) {
                Some(SkipReason::Excluded)
            } else if is_dir && is_virtualenv(path) {
                Some(SkipReason::Virtualenv)
            } else if is_dir || taken.contains(path) {
                None
            } else if !(self.accept_walked)(path) {
                Some(SkipReason::NotCython)
            } else {
                Some(SkipReason::Gitignored)
            };
            if let Some(reason) = reason {
                if is_dir {
                    entries.skip_current_dir();
                }
                skipped.push((path.to_path_buf(), reason));
            }
        }
        skipped
    }
}

/// The files in their first order, each once: `cysafe check . good.pyx` names
/// `./good.pyx` twice, and a file must never be reported twice.
fn without_repeats(files: Vec<PathBuf>) -> Vec<PathBuf> {
    let mut seen = std::collections::HashSet::new();
    files
        .into_iter()
        .filter(|file| {
            let identity = std::fs::canonicalize(file).unwrap_or_else(|_| file.clone());
            seen.insert(identity)
        })
        .collect()
}

fn walk(
    root: &Path,
    accept: &dyn Fn(&Path) -> bool,
    exclude: ExcludeFn,
    files: &mut Vec<PathBuf>,
    errors: &mut Vec<DiscoveryError>,
    warnings: &mut Vec<DiscoveryError>,
) {
    let walker = WalkBuilder::new(root)
        .hidden(true)
        .parents(true)
        .ignore(true)
        .git_ignore(true)
        .git_exclude(true)
        // A user's global gitignore would make output depend on who runs cysafe.
        .git_global(false)
        // .gitignore is honoured in a tree that is not (yet) a git repository too.
        .require_git(false)
        .follow_links(true)
        .sort_by_file_name(|a, b| a.cmp(b))
        .filter_entry(move |entry| {
            let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
            !(exclude(entry.path()) || is_dir && is_virtualenv(entry.path()))
        })
        .build();
    for entry in walker {
        match entry {
            Ok(entry) => {
                if entry.depth() > 0
                    && entry.file_type().is_some_and(|t| t.is_file())
                    && accept(entry.path())
                {
                    files.push(entry.into_path());
                }
            }
            Err(error) => {
                let looped = is_loop(&error);
                let error = walk_error(root, error);
                if looped {
                    warnings.push(error);
                } else {
                    errors.push(error);
                }
            }
        }
    }
}

/// A symlink back to a folder the walk is inside: what it leads to is walked already.
fn is_loop(error: &ignore::Error) -> bool {
    match error {
        ignore::Error::Loop { .. } => true,
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithPath { err, .. } => is_loop(err),
        _ => false,
    }
}

/// A virtualenv, whatever its name: it holds a pyvenv.cfg.
fn is_virtualenv(folder: &Path) -> bool {
    folder.join("pyvenv.cfg").is_file()
}

fn walk_error(root: &Path, error: ignore::Error) -> DiscoveryError {
    match error {
        ignore::Error::WithDepth { err, .. } => walk_error(root, *err),
        ignore::Error::WithPath { path, err } => {
            let message = walk_error(root, *err).message;
            // The walker repeats the path inside the message; it is shown once already.
            let repeated = format!("IO error for operation on {}: ", path.display());
            let message = message
                .strip_prefix(&repeated)
                .map_or(message.clone(), str::to_string);
            DiscoveryError { path, message }
        }
        ignore::Error::Loop { ancestor, child } => DiscoveryError {
            path: child,
            message: format!(
                "symlink loop: points back to {}; not followed",
                ancestor.display()
            ),
        },
        ignore::Error::Io(io) => DiscoveryError {
            path: root.to_path_buf(),
            message: io.to_string(),
        },
        other => DiscoveryError {
            path: root.to_path_buf(),
            message: other.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(discovered: &Discovered, root: &Path) -> Vec<String> {
        discovered
            .files
            .iter()
            .map(|f| {
                f.strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/")
            })
            .collect()
    }

    #[test]
    fn walk_skips_hidden_ignored_and_virtualenv_folders() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for file in [
            "a.pyx",
            "b.txt",
            "pkg/c.pxd",
            ".hidden/d.pyx",
            "build/e.pyx",
            "env/f.pyx",
            "gen/g.pyx",
            "node_modules/h.pyx",
        ] {
            let path = root.join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "x = 1\n").unwrap();
        }
        std::fs::write(root.join("env/pyvenv.cfg"), "home = /usr\n").unwrap();
        std::fs::write(root.join(".gitignore"), "gen/\n").unwrap();
        let discovered = discover(&[root.to_path_buf()], |p| {
            p.extension().is_some_and(|e| e != "txt")
        });
        assert_eq!(names(&discovered, root), ["a.pyx", "pkg/c.pxd"]);
        assert!(discovered.errors.is_empty());
    }

    #[test]
    fn explicit_files_are_taken_even_when_excluded() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("build/x.pyx");
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, "").unwrap();
        let discovered = discover(std::slice::from_ref(&file), |_| true);
        assert_eq!(discovered.files, [file]);
    }

    #[test]
    fn explicit_files_of_another_kind_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("x.txt");
        std::fs::write(&file, "").unwrap();
        let discovered = discover(std::slice::from_ref(&file), |_| false);
        assert!(discovered.files.is_empty());
        assert!(discovered.errors[0]
            .message
            .starts_with("not a Cython file"));
    }

    #[cfg(unix)]
    #[test]
    fn symlink_loops_are_warnings_and_the_rest_is_walked() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir(root.join("sub")).unwrap();
        std::fs::write(root.join("sub/a.pyx"), "").unwrap();
        std::os::unix::fs::symlink(root, root.join("sub/loop")).unwrap();
        let discovered = discover(&[root.to_path_buf()], |_| true);
        assert_eq!(names(&discovered, root), ["sub/a.pyx"]);
        assert!(discovered.errors.is_empty());
        assert_eq!(discovered.warnings.len(), 1);
        assert_eq!(discovered.warnings[0].path, root.join("sub/loop"));
        assert!(discovered.warnings[0].message.starts_with("symlink loop"));
    }

    #[test]
    fn missing_paths_are_errors() {
        let discovered = discover(&[PathBuf::from("no/such/path.pyx")], |_| true);
        assert!(discovered.files.is_empty());
        assert_eq!(discovered.errors[0].path, PathBuf::from("no/such/path.pyx"));
    }
}
