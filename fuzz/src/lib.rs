//! The fuzz targets' shared code: the in-memory check pipeline, the generator of
//! structured inputs, and the stall criterion. See `fuzz/README.md`.

pub mod generate;
pub mod pipeline;

/// Inputs under this many bytes must be checked within [`CPU_BUDGET_SECONDS`].
pub const STALL_INPUT_BYTES: usize = 10_000;
pub const CPU_BUDGET_SECONDS: f64 = 1.0;

/// Runs `check` on an input of `len` bytes and panics if it took more than a second of
/// this thread's CPU time while the input is under 10 KB: a stall.
///
/// libFuzzer's own `-timeout` counts wall-clock time, which on a loaded machine (and
/// under `nice`) flags inputs that merely waited for a core; CPU time does not.
pub fn within_cpu_budget<T>(len: usize, check: impl FnOnce() -> T) -> T {
    let start = thread_cpu_seconds();
    let result = check();
    let spent = thread_cpu_seconds() - start;
    if len < STALL_INPUT_BYTES && spent > CPU_BUDGET_SECONDS {
        panic!("stall: {spent:.2} s of CPU for an input of {len} bytes");
    }
    result
}

fn thread_cpu_seconds() -> f64 {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `now` is a valid timespec to write into; the clock id is a constant.
    let status = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut now) };
    assert_eq!(status, 0, "the thread CPU clock is available on Linux");
    now.tv_sec as f64 + now.tv_nsec as f64 * 1e-9
}
