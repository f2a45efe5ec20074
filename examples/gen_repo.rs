//! Writes a generated repository of Terraform stacks (source and state), for the
//! audit benchmark and for trying `envwall audit` at scale:
//! `cargo run --release --example gen_repo -- OUT_DIR [STACKS=200] [RESOURCES=20000] [SEED=7]`.

#[path = "../benches/support/gen_repo.rs"]
mod gen_repo;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next() else {
        eprintln!("usage: gen_repo OUT_DIR [STACKS] [RESOURCES] [SEED]");
        std::process::exit(2);
    };
    let stacks = args.next().and_then(|a| a.parse().ok()).unwrap_or(200);
    let resources = args.next().and_then(|a| a.parse().ok()).unwrap_or(20_000);
    let seed = args.next().and_then(|a| a.parse().ok()).unwrap_or(7);
    match gen_repo::write_repo(std::path::Path::new(&dir), stacks, resources, seed) {
        Ok(s) => eprintln!("{} stacks, {} resources, {:.1} MB in {dir}", s.stacks, s.resources, s.bytes as f64 / 1e6),
        Err(e) => {
            eprintln!("gen_repo: {e}");
            std::process::exit(1);
        }
    }
}
