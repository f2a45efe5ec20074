#![no_main]
//! `cargo fuzz run state`: see CONTRIBUTING.md.

libfuzzer_sys::fuzz_target!(|data: &[u8]| envwall::fuzzing::plan_or_state(data));
