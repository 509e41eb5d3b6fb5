//! One module per subcommand: its arguments and what it does.

pub mod check;
pub mod graph;
pub mod parse;
pub mod rule;
pub mod server;

/// How a command ended, as the process exit code the interface promises.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitStatus {
    /// Nothing found.
    Success = 0,
    /// Diagnostics (or syntax errors, for `parse --check`) were found.
    Failure = 1,
    /// Usage, configuration or I/O error.
    Error = 2,
}
