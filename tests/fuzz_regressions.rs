//! The fuzz targets' findings, replayed: each minimized input in `tests/fuzz_regressions/`
//! goes through the same in-memory pipeline as under the fuzzer (`fuzz/src/pipeline.rs`,
//! included here so the two cannot drift), and its exact diagnostics are asserted.
//! See fuzz/README.md.

#[path = "../fuzz/src/pipeline.rs"]
mod pipeline;

use std::path::Path;

/// Every sample, the bulk of both targets' seeds, passes the pipeline's checks of the
/// output formats in both dialects.
#[test]
fn every_sample_passes_the_pipeline_checks() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    let mut checked = 0;
    let mut pending = vec![root];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let checks = pipeline::check_bytes(&std::fs::read(&path).unwrap());
                assert_eq!(checks.len(), 2, "{} is source", path.display());
                checked += 1;
            }
        }
    }
    assert!(checked >= 40, "only {checked} samples found");
}
