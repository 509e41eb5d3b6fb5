//! The allocators the binary and the benchmarks run with. `main.rs` and each bench
//! declare mimalloc as their `#[global_allocator]` (only a final crate may) and call
//! [`use_mimalloc_in_tree_sitter`] first, so a benchmark measures the configuration
//! users run.

use std::ffi::c_void;
use std::io::Write;

/// Hands tree-sitter's C runtime the same allocator: parsing is mostly small allocations
/// of subtrees and stack nodes. (The grammar's scanner allocates its state once per
/// parser, with the C library's functions, and frees it with them.)
///
/// # Safety
/// Call it once, on one thread, before any tree-sitter object (parser, tree, query)
/// exists: memory allocated by one allocator must never be freed by the other.
pub unsafe fn use_mimalloc_in_tree_sitter() {
    // SAFETY: the four functions are one allocator family, return memory aligned as
    // `malloc`'s and never NULL for a non-zero size (they abort, as tree-sitter's own
    // defaults do); the caller guarantees no tree-sitter object exists yet.
    unsafe {
        tree_sitter::set_allocator(Some(tree_sitter::Allocator {
            malloc: tree_sitter_malloc,
            calloc: tree_sitter_calloc,
            realloc: tree_sitter_realloc,
            free: libmimalloc_sys::mi_free,
        }));
    }
}

/// An allocation tree-sitter asked for and could not get: it has no way to fail, so the
/// process stops, as with tree-sitter's default allocator.
fn out_of_memory(pointer: *mut c_void, size: usize) -> *mut c_void {
    if pointer.is_null() && size > 0 {
        let _ = writeln!(std::io::stderr(), "cysafe: out of memory ({size} bytes)");
        std::process::abort();
    }
    pointer
}

unsafe extern "C" fn tree_sitter_malloc(size: usize) -> *mut c_void {
    out_of_memory(unsafe { libmimalloc_sys::mi_malloc(size) }, size)
}

unsafe extern "C" fn tree_sitter_calloc(count: usize, size: usize) -> *mut c_void {
    let pointer = unsafe { libmimalloc_sys::mi_calloc(count, size) };
    out_of_memory(pointer, count.saturating_mul(size))
}

unsafe extern "C" fn tree_sitter_realloc(pointer: *mut c_void, size: usize) -> *mut c_void {
    out_of_memory(unsafe { libmimalloc_sys::mi_realloc(pointer, size) }, size)
}

/// Writes the resident and peak memory of the process (`VmRSS`, `VmHWM` of
/// `/proc/self/status`) to standard error with `stage`, when `CYSAFE_MEMORY_STAGES` is
/// set: where a large file's memory goes (issue 9), measured with
/// `MIMALLOC_PURGE_DELAY=0` so that freed memory leaves the resident set at once.
pub fn report_memory(stage: &str) {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    if !*ON.get_or_init(|| std::env::var_os("CYSAFE_MEMORY_STAGES").is_some()) {
        return;
    }
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .map_or("?", str::trim)
            .to_string()
    };
    let _ = writeln!(
        std::io::stderr(),
        "cysafe memory: {stage}: rss {}, peak {}",
        field("VmRSS:"),
        field("VmHWM:")
    );
}
