//! Parse throughput, single thread: our Cython grammar over the real-world corpus
//! (`CYSAFE_CORPUS`, default ~/.cache/cysafe-corpus, made by shared/corpus/fetch-corpus),
//! and, in the same run, tree-sitter-python over as many bytes of the Python standard
//! library as the reference. Criterion reports both in bytes per second.
//!
//! `cargo bench --bench parse`

use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{criterion_group, Criterion, Throughput};
use cysafe::parse::Dialect;
use tree_sitter::{Language, Parser};

/// Parsed when the corpus is absent, so the bench still runs (and says so).
const BUNDLED: &str = "\
from libc.stdlib cimport malloc, free

cdef struct Point:
    double x, y

cdef class Buffer:
    cdef double* data
    cdef Py_ssize_t size

    def __cinit__(self, Py_ssize_t n):
        self.data = <double*>malloc(n * sizeof(double))
        if self.data == NULL:
            raise MemoryError()
        self.size = n

    def __dealloc__(self):
        free(self.data)

cpdef double total(double[::1] values) noexcept nogil:
    cdef double s = 0
    cdef Py_ssize_t i
    for i in range(values.shape[0]):
        s += values[i]
    return s
";

const PYTHON_STDLIB: &str = "/root/.pyenv/versions/3.11.7/lib/python3.11";

fn files_under(root: &Path, extensions: &[&str]) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(root)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_file())
        .map(|entry| entry.into_path())
        .filter(|path| {
            path.extension()
                .and_then(|ext| ext.to_str())
                .is_some_and(|ext| extensions.contains(&ext))
        })
        .collect();
    files.sort();
    files
}

/// The UTF-8 texts of `files`, stopping once `limit` bytes are gathered.
fn read_texts(files: &[PathBuf], limit: usize) -> Vec<String> {
    let mut texts = Vec::new();
    let mut total = 0;
    for file in files {
        if total >= limit {
            break;
        }
        if let Ok(text) = std::fs::read_to_string(file) {
            total += text.len();
            texts.push(text);
        }
    }
    texts
}

fn cython_corpus() -> Vec<String> {
    let root = std::env::var_os("CYSAFE_CORPUS")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME").map(|home| Path::new(&home).join(".cache/cysafe-corpus"))
        })
        .unwrap_or_default();
    let files = files_under(&root, &["pyx", "pxd", "pxi"]);
    if files.is_empty() {
        eprintln!(
            "note: no Cython corpus at {} (run shared/corpus/fetch-corpus); benchmarking a bundled example",
            root.display()
        );
        return vec![BUNDLED.to_string()];
    }
    read_texts(&files, usize::MAX)
}

fn python_reference(bytes: usize) -> Vec<String> {
    let stdlib = Path::new(PYTHON_STDLIB);
    let files: Vec<PathBuf> = files_under(stdlib, &["py"])
        .into_iter()
        .filter(|path| {
            !path
                .components()
                .any(|part| part.as_os_str() == "site-packages")
        })
        .collect();
    if files.is_empty() {
        eprintln!("note: no Python standard library at {PYTHON_STDLIB}; no reference measured");
    }
    read_texts(&files, bytes)
}

fn parse_all(parser: &mut Parser, texts: &[String]) -> usize {
    let mut nodes = 0;
    for text in texts {
        let tree = parser.parse(text, None).expect("no timeout is set");
        nodes += tree.root_node().descendant_count();
    }
    nodes
}

fn bench_language(c: &mut Criterion, group_name: &str, language: Language, texts: &[String]) {
    if texts.is_empty() {
        return;
    }
    let bytes: usize = texts.iter().map(String::len).sum();
    eprintln!("{group_name}: {} files, {bytes} bytes", texts.len());
    let mut parser = Parser::new();
    parser.set_language(&language).unwrap();
    let mut group = c.benchmark_group(group_name);
    group.throughput(Throughput::Bytes(bytes as u64));
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(15));
    group.bench_function("parse", |b| b.iter(|| parse_all(&mut parser, texts)));
    group.finish();
}

fn parse_throughput(c: &mut Criterion) {
    let corpus = cython_corpus();
    let corpus_bytes = corpus.iter().map(String::len).sum();
    bench_language(c, "cython_corpus", Dialect::Cython.language(), &corpus);
    let reference = python_reference(corpus_bytes);
    bench_language(
        c,
        "python_stdlib_reference",
        Dialect::PurePython.language(),
        &reference,
    );
}

criterion_group!(benches, parse_throughput);
/// The CLI's allocators (see `cysafe::allocator`), so this measures what users run.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    // SAFETY: first thing in `main`, on one thread, before any tree-sitter object exists.
    unsafe { cysafe::allocator::use_mimalloc_in_tree_sitter() };
    benches();
    Criterion::default().configure_from_args().final_summary();
}
