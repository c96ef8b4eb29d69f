#![no_main]
//! See harness.rs: the same function runs the kept inputs in `cargo test` (tests/fuzz_regressions.rs).

#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::platform(data));
