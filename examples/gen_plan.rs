//! Writes a large generated plan to standard output, for benchmarks and for trying
//! envwall on realistic sizes: `cargo run --release --example gen_plan -- 50000 [SEED] > plan.json`.

#[path = "../benches/support/gen_plan.rs"]
mod gen_plan;

use std::io::Write;

fn main() {
    let mut args = std::env::args().skip(1);
    let resources = args.next().and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let seed = args.next().and_then(|a| a.parse().ok()).unwrap_or(7);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    if let Err(e) = gen_plan::write_plan(&mut out, resources, seed).and_then(|()| out.flush()) {
        eprintln!("gen_plan: {e}");
        std::process::exit(1);
    }
}
