//! The language server's latency (issue 12): on a 5,000-line .pyx with allocations in
//! many functions, from a one-character `didChange` in one function to the
//! `publishDiagnostics` of that version, through the real session (incremental reparse,
//! check, conversion to LSP, debounce set to 0 ms) over in-memory channels. Budget: under
//! 30 ms. Next to it, the whole file checked from scratch (`Checker::check_source`).
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
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
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

    // Line 2500 is inside a function body: type a digit after `p[0] = `, then delete it.
    let line = text
        .lines()
        .position(|l| l.starts_with("    p[0] = "))
        .unwrap()
        + 2_000;
    let mut version = 1;
    let mut typed = false;
    let mut group = c.benchmark_group(group_name);
    group.bench_function("one-character edit to publish, 5,000 lines", |b| {
        b.iter(|| {
            version += 1;
            let (range_end, inserted) = if typed { (12, "") } else { (11, "7") };
            typed = !typed;
            send(Notification::new("textDocument/didChange".to_string(), json!({
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [{"range": {"start": {"line": line, "character": 11},
                                              "end": {"line": line, "character": range_end}},
                                    "text": inserted}],
            })).into());
            wait_for_publish(&outgoing, version);
        })
    });
    let checker = Checker::new(CheckerOptions {
        config: Some(cysafe::config::Config::defaults(std::env::temp_dir())),
        ..CheckerOptions::default()
    })
    .unwrap();
    let path = PathBuf::from("large.pyx");
    group.bench_function("whole file from scratch, 5,000 lines", |b| {
        b.iter(|| checker.check_source(&path, &text))
    });
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
criterion_main!(wall, cpu);
