#![no_main]
//! `cargo fuzz run address`: see CONTRIBUTING.md.

libfuzzer_sys::fuzz_target!(|data: &[u8]| envwall::fuzzing::address(data));
