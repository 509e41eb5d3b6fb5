//! Discovery: which files a list of paths names.
//!
//! A file named on the command line is always taken. A folder is walked the way users
//! expect from ruff or ripgrep: hidden folders, virtualenvs and what .gitignore (or
//! .ignore) excludes are skipped, and the caller's `exclude` decides the rest. The order
//! is stable (sorted by name) so output never depends on the file system's order.
//! A path that cannot be walked (a symlink loop, an unreadable folder) is an error for
//! that path only.

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
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for root in paths {
        match std::fs::metadata(root) {
            Err(error) => errors.push(DiscoveryError {
                path: root.clone(),
                message: error.to_string(),
            }),
            Ok(meta) if !meta.is_dir() => files.push(root.clone()),
            Ok(_) => walk(root, &accept, exclude.clone(), &mut files, &mut errors),
        }
    }
    Discovered { files, errors }
}

fn walk(
    root: &Path,
    accept: &impl Fn(&Path) -> bool,
    exclude: ExcludeFn,
    files: &mut Vec<PathBuf>,
    errors: &mut Vec<DiscoveryError>,
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
            Err(error) => errors.push(walk_error(root, error)),
        }
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
    fn explicit_files_are_always_taken() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("build/x.txt");
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, "").unwrap();
        let discovered = discover(std::slice::from_ref(&file), |_| false);
        assert_eq!(discovered.files, [file]);
    }

    #[cfg(unix)]
    #[test]
    fn symlink_loops_are_reported_and_the_rest_is_walked() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir(root.join("sub")).unwrap();
        std::fs::write(root.join("sub/a.pyx"), "").unwrap();
        std::os::unix::fs::symlink(root, root.join("sub/loop")).unwrap();
        let discovered = discover(&[root.to_path_buf()], |_| true);
        assert_eq!(names(&discovered, root), ["sub/a.pyx"]);
        assert_eq!(discovered.errors.len(), 1);
        assert_eq!(discovered.errors[0].path, root.join("sub/loop"));
        assert!(discovered.errors[0].message.starts_with("symlink loop"));
    }

    #[test]
    fn missing_paths_are_errors() {
        let discovered = discover(&[PathBuf::from("no/such/path.pyx")], |_| true);
        assert!(discovered.files.is_empty());
        assert_eq!(discovered.errors[0].path, PathBuf::from("no/such/path.pyx"));
    }
}
