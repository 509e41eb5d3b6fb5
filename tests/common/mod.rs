//! Helpers for the command-line tests: a temporary project and the cysafe binary.
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// A file with a syntax error that every grammar reports at 2:5 (CY000).
pub const BAD: &str = "def f():\n    return )\n";
pub const GOOD: &str = "def g(n):\n    return n + 1\n";

pub struct Project {
    dir: tempfile::TempDir,
}

impl Project {
    pub fn new() -> Project {
        Project {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn write(&self, relative: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.root().join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, contents).unwrap();
        path
    }

    /// `cysafe ARGS` run inside the project, without colour or a terminal.
    pub fn cysafe(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_cysafe"));
        command
            .args(args)
            .current_dir(self.root())
            .env_remove("NO_COLOR")
            .env_remove("RAYON_NUM_THREADS")
            .env_remove("CI")
            .env_remove("CYSAFE_OUTPUT_FORMAT");
        command
    }

    pub fn run(&self, args: &[&str]) -> Run {
        Run::from(self.cysafe(args).output().unwrap())
    }

    pub fn run_stdin(&self, args: &[&str], input: &[u8]) -> Run {
        let mut child = self
            .cysafe(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // cysafe may exit without reading its input (a refused argument): the pipe is
        // then closed, which is its answer, not the test's failure.
        if let Err(error) = child.stdin.take().unwrap().write_all(input) {
            assert_eq!(error.kind(), std::io::ErrorKind::BrokenPipe, "{error}");
        }
        Run::from(child.wait_with_output().unwrap())
    }
}

#[derive(Debug)]
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(output: Output) -> Run {
        Run {
            code: output.status.code(),
            stdout: String::from_utf8(output.stdout).unwrap(),
            stderr: String::from_utf8(output.stderr).unwrap(),
        }
    }
}
