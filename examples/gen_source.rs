//! Writes a large generated Terraform source tree, for benchmarks and for trying
//! `envwall check DIR` on realistic sizes:
//! `cargo run --release --example gen_source -- OUT_DIR [FILES] [SEED]` (2,500 `.tf`
//! files and seed 7 unless given), then `envwall check OUT_DIR`.

#[path = "../benches/support/gen_source.rs"]
mod gen_source;

use std::path::PathBuf;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next().map(PathBuf::from) else {
        eprintln!("usage: gen_source OUT_DIR [FILES] [SEED]");
        std::process::exit(2);
    };
    let files = args.next().and_then(|a| a.parse().ok()).unwrap_or(2_500);
    let seed = args.next().and_then(|a| a.parse().ok()).unwrap_or(7);
    match gen_source::write_tree(&dir, files, seed) {
        Ok(stats) => eprintln!(
            "gen_source: {} .tf files, {:.1} MB, {} resource blocks in {}",
            stats.files,
            stats.bytes as f64 / 1e6,
            stats.resources,
            dir.display()
        ),
        Err(e) => {
            eprintln!("gen_source: {}: {e}", dir.display());
            std::process::exit(1);
        }
    }
}
