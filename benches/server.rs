//! The language server's latency (issue 12): on a 5,000-line .pyx with allocations in
//! many functions, from a one-character `didChange` in one function to the
//! `publishDiagnostics` of that version, through the real session (incremental reparse,
//! check, conversion to LSP, debounce set to 0 ms) over in-memory channels. Budget: under
//! 30 ms. Next to it, the same for an edit that makes a syntax error (`free(p)7`, whose
//! tree `parse::reparse` builds from scratch), and the whole file checked from scratch
//! (`Checker::check_source`).
//!
//! Each is measured twice: in wall-clock time (group `server`), and in the CPU time the
//! whole process spent (group `server-cpu`: every thread, the session's and the checking
//! thread's). The work from a change to its publish is sequential, so on an idle machine
//! the wall-clock time is the CPU time plus a thread hand-off; on a loaded one (this
//! machine's 2 cores are shared) the CPU time is the figure that does not depend on what
//! else runs.

use std::path::PathBuf;
use std::time::Duration;

use criterion::measurement::{Measurement, ValueFormatter};
use criterion::{criterion_group, Criterion, Throughput};
use crossbeam_channel::{unbounded, Receiver, Sender};
use cysafe::server::transport::Incoming;
use cysafe::{Checker, CheckerOptions};
use lsp_server::{Message, Notification, Request, RequestId};
use serde_json::json;

/// 500 functions of 10 lines: allocations, checks, a realloc, frees; a few bugs.
fn large_file() -> String {
    let mut text = String::from("from libc.stdlib cimport malloc, realloc, free\n\n");
    for i in 0..500 {
        let check = if i % 7 == 0 {
            ""
        } else {
            "    if p == NULL:\n        raise MemoryError()\n"
        };
        text.push_str(&format!(
            "def f{i}(size_t n):\n    cdef double* p = <double*> malloc(n * sizeof(double))\n{check}    p[0] = {i}\n    cdef char* q = <char*> malloc(n)\n    if q == NULL:\n        free(p)\n        raise MemoryError()\n    free(q)\n    free(p)\n",
        ));
    }
    text
}

fn wait_for_publish(outgoing: &Receiver<Message>, version: i32) {
    loop {
        match outgoing
            .recv_timeout(Duration::from_secs(30))
            .expect("the server publishes")
        {
            Message::Notification(n)
                if n.method == "textDocument/publishDiagnostics"
                    && n.params["version"] == version =>
            {
                return
            }
            _ => {}
        }
    }
}

/// The CPU time of the whole process, every thread included, in nanoseconds.
struct ProcessCpu;

fn process_cpu_nanos() -> f64 {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `now` is a valid timespec to write into; the clock id is a constant.
    let status = unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut now) };
    assert_eq!(status, 0, "the process CPU clock is available on Linux");
    now.tv_sec as f64 * 1e9 + now.tv_nsec as f64
}

impl Measurement for ProcessCpu {
    type Intermediate = f64;
    type Value = f64;

    fn start(&self) -> f64 {
        process_cpu_nanos()
    }

    fn end(&self, start: f64) -> f64 {
        process_cpu_nanos() - start
    }

    fn add(&self, a: &f64, b: &f64) -> f64 {
        a + b
    }

    fn zero(&self) -> f64 {
        0.0
    }

    fn to_f64(&self, value: &f64) -> f64 {
        *value
    }

    fn formatter(&self) -> &dyn ValueFormatter {
        &CpuFormatter
    }
}

/// Shows CPU nanoseconds as criterion shows durations (no throughputs are measured).
struct CpuFormatter;

impl ValueFormatter for CpuFormatter {
    fn scale_values(&self, typical: f64, values: &mut [f64]) -> &'static str {
        let (factor, unit) = if typical < 1e3 {
            (1.0, "ns (CPU)")
        } else if typical < 1e6 {
            (1e-3, "µs (CPU)")
        } else if typical < 1e9 {
            (1e-6, "ms (CPU)")
        } else {
            (1e-9, "s (CPU)")
        };
        for value in values {
            *value *= factor;
        }
        unit
    }

    fn scale_throughputs(
        &self,
        _typical: f64,
        _throughput: &Throughput,
        _values: &mut [f64],
    ) -> &'static str {
        "(no throughput)"
    }

    fn scale_for_machines(&self, _values: &mut [f64]) -> &'static str {
        "ns"
    }
}

fn bench_wall(c: &mut Criterion) {
    bench(c, "server");
}

fn bench_cpu(c: &mut Criterion<ProcessCpu>) {
    bench(c, "server-cpu");
}

fn bench<M: Measurement>(c: &mut Criterion<M>, group_name: &str) {
    let text = large_file();
    assert!(
        text.lines().count() >= 5_000,
        "{} lines",
        text.lines().count()
    );
    let dir = std::env::temp_dir();
    let (to_server, incoming): (Sender<Incoming>, _) = unbounded();
    let (outgoing_sender, outgoing) = unbounded();
    let server = std::thread::spawn(move || cysafe::server::serve(&incoming, &outgoing_sender));
    let send = |message: Message| to_server.send(Incoming::Message(message)).unwrap();
    send(
        Request::new(
            RequestId::from(1),
            "initialize".to_string(),
            json!({
                "processId": null, "capabilities": {}, "initializationOptions": {"debounceMs": 0},
                "rootUri": url::Url::from_directory_path(&dir).unwrap(),
            }),
        )
        .into(),
    );
    let uri = url::Url::from_file_path(dir.join("cysafe-bench-large.pyx")).unwrap();
    send(
        Notification::new(
            "textDocument/didOpen".to_string(),
            json!({
                "textDocument": {"uri": uri, "languageId": "cython", "version": 1, "text": text},
            }),
        )
        .into(),
    );
    wait_for_publish(&outgoing, 1);

    // Inside `f250`, near line 2,700: type a digit after `p[0] = ` (`p[0] = 7250`), then
    // delete it; both texts parse. Then the same at the end of its `free(p)` line
    // (`free(p)7`): a syntax error, then its repair, each parsed again from scratch by
    // `parse::reparse` (an incremental tree with an error may differ from a fresh one).
    let lines: Vec<&str> = text.lines().collect();
    let function = lines
        .iter()
        .position(|l| l.starts_with("def f250("))
        .unwrap();
    let in_function = |prefix: &str| {
        function
            + lines[function..]
                .iter()
                .position(|l| l.starts_with(prefix))
                .unwrap()
    };
    let edits = [
        (
            "one-character edit to publish, 5,000 lines",
            in_function("    p[0] = "),
            11,
        ),
        (
            "one-character syntax error to publish, 5,000 lines",
            in_function("    free(p)"),
            11,
        ),
    ];
    let mut version = 1;
    let mut group = c.benchmark_group(group_name);
    for (name, line, column) in edits {
        let mut typed = false;
        group.bench_function(name, |b| {
            b.iter(|| {
                version += 1;
                let (range_end, inserted) = if typed {
                    (column + 1, "")
                } else {
                    (column, "7")
                };
                typed = !typed;
                send(Notification::new("textDocument/didChange".to_string(), json!({
                    "textDocument": {"uri": uri, "version": version},
                    "contentChanges": [{"range": {"start": {"line": line, "character": column},
                                                  "end": {"line": line, "character": range_end}},
                                        "text": inserted}],
                })).into());
                wait_for_publish(&outgoing, version);
            })
        });
        // An odd number of iterations leaves the digit: delete it before the next case.
        if typed {
            version += 1;
            send(Notification::new("textDocument/didChange".to_string(), json!({
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [{"range": {"start": {"line": line, "character": column},
                                              "end": {"line": line, "character": column + 1}},
                                    "text": ""}],
            })).into());
            wait_for_publish(&outgoing, version);
        }
    }
    let checker = Checker::new(CheckerOptions {
        config: Some(cysafe::config::Config::defaults(std::env::temp_dir())),
        ..CheckerOptions::default()
    })
    .unwrap();
    let path = PathBuf::from("large.pyx");
    group.bench_function("whole file from scratch, 5,000 lines", |b| {
        b.iter(|| checker.check_source(&path, &text))
    });
    group.bench_function("parse from scratch, 5,000 lines", |b| {
        b.iter(|| cysafe::parse::parse(&text, cysafe::parse::Dialect::Cython))
    });
    // The reparse alone (`parse::reparse`), each time from the same text and trees: a
    // digit typed in `p[0] = 250`, a character deleted from `double` in a `cdef` line,
    // `free(p)7` typed (a syntax error: the tree is built from scratch), and the `7`
    // deleted again, from the tree of `free(p)7` (tree-sitter reuses nothing after its
    // error recovery) and from the last tree without an error, told of both edits (what
    // `didChange` does).
    let offset = |line: usize, column: usize| {
        lines[..line].iter().map(|l| l.len() + 1).sum::<usize>() + column
    };
    let error_line = edits[1].1;
    let error_at = offset(error_line, 11);
    let with_error = {
        let mut broken = text.clone();
        broken.insert(error_at, '7');
        broken
    };
    let edit_at = |line: usize, column: usize, removed: usize, inserted: usize| {
        let start = offset(line, column);
        tree_sitter::InputEdit {
            start_byte: start,
            old_end_byte: start + removed,
            new_end_byte: start + inserted,
            start_position: tree_sitter::Point::new(line, column),
            old_end_position: tree_sitter::Point::new(line, column + removed),
            new_end_position: tree_sitter::Point::new(line, column + inserted),
        }
    };
    let parsed = |text: &str| cysafe::parse::parse(text, cysafe::parse::Dialect::Cython);
    let clean_tree = parsed(&text);
    let error_tree = parsed(&with_error);
    let typed = edit_at(error_line, 11, 0, 1);
    let deleted = edit_at(error_line, 11, 1, 0);
    let mut digit_text = text.clone();
    digit_text.insert(offset(edits[0].1, 11), '7');
    let cdef_line = in_function("    cdef double* p");
    let mut cdef_text = text.clone();
    cdef_text.remove(offset(cdef_line, 9));
    let cases: [(&str, &tree_sitter::Tree, Vec<tree_sitter::InputEdit>, &str); 5] = [
        (
            "reparse after a digit typed",
            &clean_tree,
            vec![edit_at(edits[0].1, 11, 0, 1)],
            &digit_text,
        ),
        (
            "reparse after a cdef line's character deleted",
            &clean_tree,
            vec![edit_at(cdef_line, 9, 1, 0)],
            &cdef_text,
        ),
        (
            "reparse after a syntax error typed",
            &clean_tree,
            vec![typed],
            &with_error,
        ),
        (
            "reparse after a syntax error deleted, from its tree",
            &error_tree,
            vec![deleted],
            &text,
        ),
        (
            "reparse after a syntax error deleted, from the tree before it",
            &clean_tree,
            vec![typed, deleted],
            &text,
        ),
    ];
    for (name, base_tree, tree_edits, edited) in cases {
        group.bench_function(name, |b| {
            b.iter(|| {
                let mut tree = base_tree.clone();
                for edit in &tree_edits {
                    tree.edit(edit);
                }
                cysafe::parse::reparse(edited, cysafe::parse::Dialect::Cython, &tree)
            })
        });
    }
    group.finish();
    send(Request::new(RequestId::from(2), "shutdown".to_string(), json!(null)).into());
    send(Notification::new("exit".to_string(), json!(null)).into());
    server.join().unwrap().unwrap();
}

criterion_group!(wall, bench_wall);
criterion_group! {
    name = cpu;
    config = Criterion::default().with_measurement(ProcessCpu);
    targets = bench_cpu
}
/// The CLI's allocators (see `cysafe::allocator`), so this measures what users run.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    // SAFETY: first thing in `main`, on one thread, before any tree-sitter object exists.
    unsafe { cysafe::allocator::use_mimalloc_in_tree_sitter() };
    wall();
    cpu();
    Criterion::default().configure_from_args().final_summary();
}
