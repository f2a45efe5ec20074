#![no_main]
//! `cargo fuzz run policy`: see CONTRIBUTING.md.

libfuzzer_sys::fuzz_target!(|data: &[u8]| envwall::fuzzing::policy(data));
