#![no_main]
//! `cargo fuzz run hcl_differential`: see CONTRIBUTING.md.

libfuzzer_sys::fuzz_target!(|data: &[u8]| envwall::fuzzing::hcl_differential(data));
