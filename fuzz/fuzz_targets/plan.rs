#![no_main]
//! `cargo fuzz run plan`: see CONTRIBUTING.md.

libfuzzer_sys::fuzz_target!(|data: &[u8]| envwall::fuzzing::plan_or_state(data));
