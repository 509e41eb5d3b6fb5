//! Discovery: which files a list of paths names.
//!
//! A file named on the command line is always taken; a folder is walked for files whose
//! extension `accept` allows, in a stable (sorted) order so output never depends on the
//! file system's order.

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

/// A path that could not be walked; reported, never fatal for the other paths.
#[derive(Debug)]
pub struct DiscoveryError {
    pub path: PathBuf,
    pub message: String,
}

pub struct Discovered {
    pub files: Vec<PathBuf>,
    pub errors: Vec<DiscoveryError>,
}

/// Expands `paths` into files: files as given, folders walked for files that `accept`s.
pub fn discover(paths: &[PathBuf], accept: impl Fn(&Path) -> bool) -> Discovered {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for root in paths {
        match std::fs::metadata(root) {
            Err(error) => errors.push(DiscoveryError {
                path: root.clone(),
                message: error.to_string(),
            }),
            Ok(meta) if !meta.is_dir() => files.push(root.clone()),
            Ok(_) => {
                for entry in WalkDir::new(root)
                    .follow_links(true)
                    .sort_by_file_name()
                    .into_iter()
                    .filter_entry(|entry| entry.depth() == 0 || !is_hidden(entry.path()))
                {
                    match entry {
                        Ok(entry) if entry.file_type().is_file() && accept(entry.path()) => {
                            files.push(entry.into_path())
                        }
                        Ok(_) => {}
                        Err(error) => errors.push(DiscoveryError {
                            path: error.path().unwrap_or(root).to_path_buf(),
                            message: error
                                .io_error()
                                .map(|io| io.to_string())
                                .unwrap_or_else(|| error.to_string()),
                        }),
                    }
                }
            }
        }
    }
    Discovered { files, errors }
}

fn is_hidden(path: &Path) -> bool {
    path.file_name()
        .and_then(|name| name.to_str())
        .is_some_and(|name| name.starts_with('.'))
}
