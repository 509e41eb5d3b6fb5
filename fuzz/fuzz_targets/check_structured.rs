//! Generated Cython modules (see `cysafe_fuzz::generate`) through the same pipeline as
//! `check_bytes`, so that inputs reach the ownership analysis and the rules.
#![no_main]

use cysafe_fuzz::generate::Program;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|program: Program| {
    cysafe_fuzz::within_cpu_budget(program.text.len(), || {
        cysafe_fuzz::pipeline::check_text(&program.text, program.dialect)
    });
});
