//! Arbitrary bytes as a file's contents: decode, parse, lower, analyze, every rule,
//! every reporter; more than a second of CPU on an input under 10 KB is a stall.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    cysafe_fuzz::within_cpu_budget(data.len(), || cysafe_fuzz::pipeline::check_bytes(data));
});
