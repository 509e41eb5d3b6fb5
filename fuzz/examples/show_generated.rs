//! Prints the module `check_structured` builds from each input file, to read what a
//! corpus entry or a crash artifact of that target really is:
//! `cargo +nightly run --example show_generated -- fuzz/artifacts/check_structured/crash-*`.

use arbitrary::{Arbitrary, Unstructured};
use cysafe_fuzz::generate::Program;

fn main() {
    for path in std::env::args().skip(1) {
        let bytes = std::fs::read(&path).unwrap_or_else(|error| panic!("{path}: {error}"));
        // As libfuzzer-sys's `fuzz_target!` builds a typed input.
        match Program::arbitrary_take_rest(Unstructured::new(&bytes)) {
            Ok(program) => println!("# {path} ({:?})\n{}", program.dialect, program.text),
            Err(error) => println!("# {path}: no program ({error})"),
        }
    }
}
