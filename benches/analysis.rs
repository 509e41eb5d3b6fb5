//! Parse-only next to the whole analysis (parse, lower, ownership, rules), over the
//! corpus from `fetch-corpus` when it is there (`CYSAFE_CORPUS`, default
//! `~/.cache/cysafe-corpus`), else over samples/. The budget: the analysis adds at
//! most 30% to parsing.

use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use cysafe::analyze::analyze_source;
use cysafe::parse::{parse, Dialect};
use cysafe::settings::AnalysisSettings;

fn corpus() -> Vec<(String, Dialect)> {
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
            Some((text, dialect))
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let files = corpus();
    let bytes: usize = files.iter().map(|(text, _)| text.len()).sum();
    let settings = AnalysisSettings::default();
    let mut group = c.benchmark_group("corpus");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("parse", |b| {
        b.iter(|| {
            for (text, dialect) in &files {
                std::hint::black_box(parse(text, *dialect));
            }
        })
    });
    group.bench_function("analyze_source", |b| {
        b.iter(|| {
            for (text, dialect) in &files {
                std::hint::black_box(analyze_source(text, *dialect, &settings));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
