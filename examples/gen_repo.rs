//! Writes a generated repository of Terraform stacks, source and state, for the
//! audit benchmark and for trying `envwall audit DIR` on realistic sizes:
//! `cargo run --release --example gen_repo -- OUT_DIR [STACKS] [RESOURCES] [SEED]`
//! (200 stacks, 20,000 resources and seed 7 unless given), then `envwall audit OUT_DIR`.

#[path = "../benches/support/gen_repo.rs"]
mod gen_repo;

use std::path::PathBuf;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next().map(PathBuf::from) else {
        eprintln!("usage: gen_repo OUT_DIR [STACKS] [RESOURCES] [SEED]");
        std::process::exit(2);
    };
    let stacks = args.next().and_then(|a| a.parse().ok()).unwrap_or(200);
    let resources = args.next().and_then(|a| a.parse().ok()).unwrap_or(20_000);
    let seed = args.next().and_then(|a| a.parse().ok()).unwrap_or(7);
    match gen_repo::write_repo(&dir, stacks, resources, seed) {
        Ok(s) => eprintln!(
            "gen_repo: {} stacks ({} network), {} resources in their states ({} pending removal, {} not applied yet), \
             {} cross-environment links; {:.1} MB of source, {:.1} MB of state in {}",
            s.stacks,
            s.network_stacks,
            s.resources,
            s.pending_removal,
            s.unapplied,
            s.cross_env_links,
            s.source_bytes as f64 / 1e6,
            s.state_bytes as f64 / 1e6,
            dir.display()
        ),
        Err(e) => {
            eprintln!("gen_repo: {}: {e}", dir.display());
            std::process::exit(1);
        }
    }
}
