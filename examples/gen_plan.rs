//! Writes a large generated plan to standard output, for benchmarks and for trying
//! envwall on realistic sizes: `cargo run --release --example gen_plan -- 50000 [SEED] > plan.json`,
//! or `-- --tiny 1000000` for a million tiny resources (about 300 MB).

#[path = "../benches/support/gen_plan.rs"]
mod gen_plan;

use std::io::Write;

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let tiny = args.first().is_some_and(|a| a == "--tiny");
    if tiny {
        args.remove(0);
    }
    let resources = args.first().and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let seed = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(7);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let written = if tiny {
        gen_plan::write_tiny_plan(&mut out, resources)
    } else {
        gen_plan::write_plan(&mut out, resources, seed)
    };
    if let Err(e) = written.and_then(|()| out.flush()) {
        eprintln!("gen_plan: {e}");
        std::process::exit(1);
    }
}
