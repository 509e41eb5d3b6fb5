//! How the analysis grows with the size of one function, class or chain (issue 9, item
//! 4): each shape at N = 1,000, 2,000, 4,000 and 8,000. The target: growth at most
//! N log N, each shape at N = 8,000 under 0.5 s and 200 MB.
//!
//! `CYSAFE_SCALE_WRITE=DIR cargo bench --bench scale` also writes each generated file
//! to DIR (`allocations-8000.pyx`, ...), so peak memory can be measured on the binary:
//! `/usr/bin/time -v target/release/cysafe check DIR/allocations-8000.pyx`.

use std::fmt::Write as _;
use std::time::Duration;

use criterion::{criterion_group, BenchmarkId, Criterion, Throughput};
use cysafe::analyze::analyze_source;
use cysafe::parse::Dialect;
use cysafe::settings::AnalysisSettings;

const SIZES: [usize; 4] = [1_000, 2_000, 4_000, 8_000];

const HEADER: &str = "from libc.stdlib cimport malloc, realloc, free\n\n";

/// One function: N allocations, each checked, used and freed.
fn allocations(n: usize) -> String {
    let mut text = format!("{HEADER}def f():\n");
    for i in 0..n {
        let _ = write!(
            text,
            "    cdef int* p{i} = <int*>malloc(8)\n    if p{i} == NULL:\n        \
             raise MemoryError()\n    p{i}[0] = {i}\n    free(p{i})\n"
        );
    }
    text
}

/// One function: N sequential if/else blocks, each allocating on both sides.
fn if_else(n: usize) -> String {
    let mut text = format!("{HEADER}def f(int n):\n    cdef int* q\n");
    for i in 0..n {
        let _ = write!(
            text,
            "    if n > {i}:\n        q = <int*>malloc(8)\n    else:\n        \
             q = <int*>malloc(16)\n    if q == NULL:\n        raise MemoryError()\n    \
             free(q)\n"
        );
    }
    text
}

/// A class with N attributes allocated in `__cinit__` and freed in `__dealloc__`.
fn class(n: usize) -> String {
    let mut text = format!("{HEADER}cdef class Big:\n");
    for i in 0..n {
        let _ = writeln!(text, "    cdef int* a{i}");
    }
    text.push_str("    def __cinit__(self):\n");
    for i in 0..n {
        let _ = write!(
            text,
            "        self.a{i} = <int*>malloc(8)\n        if self.a{i} == NULL:\n            \
             raise MemoryError()\n"
        );
    }
    text.push_str("    def __dealloc__(self):\n");
    for i in 0..n {
        let _ = writeln!(text, "        free(self.a{i})");
    }
    text
}

/// One function: N if blocks that each `realloc` on one side (a CY003 each).
fn realloc(n: usize) -> String {
    let mut text = format!(
        "{HEADER}def f(int n):\n    cdef int* p = <int*>malloc(8)\n    if p == NULL:\n        \
         raise MemoryError()\n"
    );
    for i in 0..n {
        let _ = write!(
            text,
            "    if n > {i}:\n        p = <int*>realloc(p, {})\n",
            i + 16
        );
    }
    text.push_str("    free(p)\n");
    text
}

/// A chain of N helpers, each returning what the previous one returns.
fn chain(n: usize) -> String {
    let mut text = format!("{HEADER}cdef int* h0():\n    return <int*>malloc(8)\n");
    for i in 1..n {
        let _ = write!(text, "cdef int* h{i}():\n    return h{}()\n", i - 1);
    }
    let _ = write!(
        text,
        "def f():\n    cdef int* p = h{}()\n    p[0] = 1\n",
        n - 1
    );
    text
}

/// N nested `def`s, each allocating and freeing (past the nesting bound, the deeper ones
/// are named as skipped).
fn nested(n: usize) -> String {
    let mut text = HEADER.to_string();
    for i in 0..n {
        let indent = " ".repeat(i);
        let _ = write!(
            text,
            "{indent}def f{i}():\n{indent} cdef int* p = <int*>malloc(8)\n{indent} \
             if p == NULL:\n{indent}  raise MemoryError()\n{indent} free(p)\n"
        );
    }
    text
}

type Shape = (&'static str, fn(usize) -> String);

const SHAPES: [Shape; 6] = [
    ("allocations", allocations),
    ("if_else", if_else),
    ("class", class),
    ("realloc", realloc),
    ("chain", chain),
    ("nested", nested),
];

fn bench(c: &mut Criterion) {
    let settings = AnalysisSettings::default();
    let write_to = std::env::var_os("CYSAFE_SCALE_WRITE").map(std::path::PathBuf::from);
    for (name, shape) in SHAPES {
        let mut group = c.benchmark_group(format!("scale/{name}"));
        group.sample_size(10);
        group.warm_up_time(Duration::from_millis(500));
        group.measurement_time(Duration::from_secs(2));
        for n in SIZES {
            let text = shape(n);
            if let Some(dir) = &write_to {
                std::fs::create_dir_all(dir).expect("CYSAFE_SCALE_WRITE is a writable folder");
                std::fs::write(dir.join(format!("{name}-{n}.pyx")), &text)
                    .expect("CYSAFE_SCALE_WRITE is a writable folder");
            }
            group.throughput(Throughput::Bytes(text.len() as u64));
            group.bench_with_input(BenchmarkId::from_parameter(n), &text, |b, text| {
                b.iter(|| analyze_source(text, Dialect::Cython, &settings))
            });
        }
        group.finish();
    }
}

criterion_group!(benches, bench);
/// The CLI's allocators (see `cysafe::allocator`), so this measures what users run.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    // SAFETY: first thing in `main`, on one thread, before any tree-sitter object exists.
    unsafe { cysafe::allocator::use_mimalloc_in_tree_sitter() };
    benches();
    Criterion::default().configure_from_args().final_summary();
}
