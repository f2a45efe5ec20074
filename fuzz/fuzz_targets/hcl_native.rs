#![no_main]
//! `cargo fuzz run hcl_native`: see CONTRIBUTING.md.

libfuzzer_sys::fuzz_target!(|data: &[u8]| envwall::fuzzing::hcl_native(data));
