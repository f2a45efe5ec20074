#![no_main]
//! `cargo fuzz run connection_string`: see CONTRIBUTING.md.

libfuzzer_sys::fuzz_target!(|data: &[u8]| envwall::fuzzing::connection_string(data));
