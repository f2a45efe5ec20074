#![no_main]
//! `cargo fuzz run evaluate`: see CONTRIBUTING.md.

libfuzzer_sys::fuzz_target!(|data: &[u8]| envwall::fuzzing::evaluate(data));
