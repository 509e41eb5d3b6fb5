//! Settings the analysis reads. The configuration layer (pyproject.toml, cysafe.toml,
//! command-line flags) resolves into these; the analysis never reads a file itself.

/// An allocator family: blocks from its allocators must go back through its deallocators.
/// The built-in families (libc, PyMem, ...) live in the ownership module's table; a
/// project adds its own (cysignals' `sig_malloc`/`sig_free`, an `xmalloc`/`xfree`) with
/// the `allocators` configuration key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AllocatorFamily {
    /// Shown in diagnostics: "a block from `sig_malloc` (family sig) ...".
    pub name: String,
    /// Functions that return a fresh block, or NULL when they fail.
    pub allocators: Vec<String>,
    /// Functions `realloc`-shaped: `(block, size) -> block or NULL`, old block kept on failure.
    pub reallocators: Vec<String>,
    /// Functions that release a block of this family.
    pub deallocators: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AnalysisSettings {
    /// Families added by the project's configuration, on top of the built-in table.
    pub extra_families: Vec<AllocatorFamily>,
}
