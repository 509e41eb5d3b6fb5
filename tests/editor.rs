//! A real editor against `cysafe server`: headless Neovim (its built-in LSP client, as
//! Debian's 0.7 ships it) runs tests/editor/nvim_lsp.lua, which opens a buggy file,
//! waits for the diagnostics, fixes one bug by typing and another with a code action.
//! Neovim must be installed (`apt-get install neovim`; `.ci/run` installs it).

use std::path::Path;
use std::process::Command;

#[test]
fn neovim_shows_the_diagnostics_and_applies_the_fix() {
    let here = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/editor");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("buggy.pyx");
    std::fs::copy(here.join("buggy.pyx.in"), &file).unwrap();
    let output = Command::new("nvim")
        .args(["--headless", "-u", "NONE", "-i", "NONE", "-c"])
        .arg(format!("luafile {}", here.join("nvim_lsp.lua").display()))
        .env("CYSAFE_BIN", env!("CARGO_BIN_EXE_cysafe"))
        .env("CYSAFE_FILE", &file)
        .current_dir(dir.path())
        .output()
        .unwrap_or_else(|error| {
            panic!("cannot run `nvim` ({error}): install Neovim (`apt-get install neovim`)")
        });
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && stdout.contains("nvim: all checks passed"),
        "{}\nstdout: {stdout}\nstderr: {stderr}",
        output.status
    );
}
