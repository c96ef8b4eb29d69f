//! Replays every input kept in `fuzz/regressions/<target>/` (minimised crashes and hangs the fuzzers
//! found, plus a few seeds) through the fuzz targets' own bodies (`fuzz/harness.rs`), so the normal
//! `cargo test` keeps them fixed without nightly or cargo-fuzz. docs/fuzzing.md.

#[path = "../fuzz/harness.rs"]
mod harness;

use std::path::Path;

/// A fuzz target's body.
type Target = fn(&[u8]);

const TARGETS: [(&str, Target); 8] = [
    ("page", harness::page),
    ("site_config", harness::site_config),
    ("roster", harness::roster),
    ("review_log", harness::review_log),
    ("render", harness::render),
    ("html_audit", harness::html_audit),
    ("terms", harness::terms),
    ("platform", harness::platform),
];

#[test]
fn every_kept_fuzz_input_runs_clean() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions");
    let mut replayed = 0;
    for (target, run) in TARGETS {
        let directory = root.join(target);
        let mut inputs: Vec<_> = std::fs::read_dir(&directory)
            .unwrap_or_else(|error| panic!("{}: {error}", directory.display()))
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.is_file())
            .collect();
        inputs.sort();
        assert!(!inputs.is_empty(), "{target}: no kept inputs");
        for input in inputs {
            let bytes = std::fs::read(&input).unwrap();
            let outcome = std::panic::catch_unwind(|| run(&bytes));
            assert!(outcome.is_ok(), "{target}: {} fails again", input.display());
            replayed += 1;
        }
    }
    assert!(replayed >= TARGETS.len());
}
