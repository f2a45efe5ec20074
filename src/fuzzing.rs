//! What the fuzz targets under `fuzz/` run, one function per target, here so
//! that the tests run them too (over the fuzzers' seeds and every crash they
//! found). Each takes any input and must neither panic nor hang: an input
//! envwall refuses is an `Err`, which the functions drop.

use std::io::sink;
use std::path::{Path, PathBuf};

use crate::findings::Report;
use crate::input::{self, Source};
use crate::policy::Policy;

/// Plan or state JSON (any format version), through every stage and report.
pub fn plan_or_state(bytes: &[u8]) {
    let Ok(source) = Source::from_bytes(Path::new("fuzz.json"), bytes.to_vec()) else { return };
    let sources = [source];
    let Ok(model) = input::load(&sources) else { return };
    reports(&crate::findings::check(&model, &Policy::builtin(), &input::Locator::new(&sources)));
}

/// Native HCL: the parser alone.
pub fn hcl_native(bytes: &[u8]) {
    if let Ok(text) = std::str::from_utf8(bytes) {
        let _ = input::hcl::native_parses(text);
    }
}

/// Native HCL: the native parser and hcl-edit give the same tree, or the
/// native parser refuses it. Panics when they differ.
pub fn hcl_differential(bytes: &[u8]) {
    if let Ok(text) = std::str::from_utf8(bytes)
        && let Err(e) = input::hcl::parsers_agree(text)
    {
        panic!("{e}\n--- input:\n{text}");
    }
}

/// A Terraform configuration of one file, read, evaluated and checked.
pub fn evaluate(bytes: &[u8]) {
    let Ok(text) = std::str::from_utf8(bytes) else { return };
    let dir = scratch_dir();
    if std::fs::write(dir.join("main.tf"), text).is_err() {
        return;
    }
    let Ok(sources) = input::read_sources(std::slice::from_ref(&dir)) else { return };
    let Ok(model) = input::load(&sources) else { return };
    reports(&crate::findings::check(&model, &Policy::builtin(), &input::Locator::new(&sources)));
}

/// A policy file, on top of the built-in policy.
pub fn policy(bytes: &[u8]) {
    let Ok(text) = std::str::from_utf8(bytes) else { return };
    let _ = Policy::builtin().add_file(PathBuf::from(".envwall.hcl"), text, &crate::rules::codes());
}

/// A connection string or setting value: its endpoints, and what reports
/// may show of it, which keeps every offset.
pub fn connection_string(bytes: &[u8]) {
    let Ok(text) = std::str::from_utf8(bytes) else { return };
    for bare_hosts in [false, true] {
        let _ = crate::vocab::connstr::parse(text, bare_hosts);
    }
    for source in [text.to_owned(), format!("DATABASE_URL = \"{text}\"\n"), format!("v = <<EOT\n{text}\nEOT\n")] {
        let masked = crate::vocab::mask::mask_source(&source);
        assert_eq!(masked.len(), source.len(), "masking keeps every offset");
    }
}

/// A resource address: one that parses prints as text that parses to itself.
pub fn address(bytes: &[u8]) {
    let Ok(text) = std::str::from_utf8(bytes) else { return };
    if let Ok(address) = crate::model::address::Address::parse(text) {
        let printed = address.to_string();
        let again = crate::model::address::Address::parse(&printed)
            .unwrap_or_else(|e| panic!("`{text}` printed as `{printed}`, which does not parse: {e}"));
        assert_eq!(again, address, "`{text}` printed as `{printed}`");
    }
}

/// Every report of a check, written nowhere.
fn reports(report: &Report) {
    let root = crate::report::sarif::Root { dir: PathBuf::from("/"), cwd: PathBuf::from("/") };
    let _ = crate::report::json::write(&mut sink(), report);
    let _ = crate::report::pretty::write(&mut sink(), report, false, Some(100));
    let _ = crate::report::sarif::write(&mut sink(), report, &root, 0);
}

/// A directory of this process's own, for the configuration being evaluated.
fn scratch_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("envwall-fuzz-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    dir
}
