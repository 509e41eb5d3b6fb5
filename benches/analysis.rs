//! Parse-only next to the whole check of each file through the library's entry point
//! (`Checker::check_source`: parse, lower, ownership, rules, selection and noqa), over the
//! corpus from `fetch-corpus` when it is there (`CYSAFE_CORPUS`, default
//! `~/.cache/cysafe-corpus`), else over samples/. The budget (issue 9): the analysis adds
//! at most 15% to parsing.

use std::path::PathBuf;

use criterion::{criterion_group, Criterion, Throughput};
use cysafe::parse::{parse, Dialect};
use cysafe::{Checker, CheckerOptions};

fn corpus() -> Vec<(PathBuf, String, Dialect)> {
    let root = std::env::var_os("CYSAFE_CORPUS")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/cysafe-corpus")))
        .filter(|p| p.is_dir())
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("samples"));
    walkdir::WalkDir::new(root)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let dialect = Dialect::from_path(entry.path())?;
            if dialect != Dialect::Cython {
                return None;
            }
            let text = std::fs::read_to_string(entry.path()).ok()?;
            Some((entry.path().to_path_buf(), text, dialect))
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let files = corpus();
    let bytes: usize = files.iter().map(|(_, text, _)| text.len()).sum();
    // The defaults: no configuration file is looked for above the corpus's files.
    let checker = Checker::new(CheckerOptions {
        config: Some(cysafe::config::Config::defaults(std::env::temp_dir())),
        ..CheckerOptions::default()
    })
    .expect("no exclude globs");
    let mut group = c.benchmark_group("corpus");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("parse", |b| {
        b.iter(|| {
            for (_, text, dialect) in &files {
                std::hint::black_box(parse(text, *dialect));
            }
        })
    });
    group.bench_function("check_source", |b| {
        b.iter(|| {
            for (path, text, _) in &files {
                std::hint::black_box(checker.check_source(path, text));
            }
        })
    });
    group.finish();
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
