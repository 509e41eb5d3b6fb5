//! `cysafe server`: the language server, on standard input and output.

use crate::commands::ExitStatus;

/// Editors start it themselves: configure your editor's LSP client to run
/// `cysafe server` for Cython files (`.pyx`, `.pxd`, `.pxi`, and `.py` in pure-Python
/// mode); it speaks LSP 3.17 over stdio. See README.md, "In your editor".
#[derive(Debug, clap::Args)]
pub struct ServerArgs {}

pub fn run(_args: &ServerArgs) -> std::io::Result<ExitStatus> {
    match crate::server::run_stdio() {
        Ok(()) => Ok(ExitStatus::Success),
        Err(error) => {
            eprintln!("cysafe server: {error}");
            Ok(ExitStatus::Error)
        }
    }
}
