//! The `envwall` binary: parse flags, run, map the outcome to an exit code.
//! 0: nothing to report; 1: findings at or above the threshold; 2: bad usage or input.

use std::process::ExitCode;

use clap::Parser;

// Loading a plan allocates many small objects; mimalloc is markedly faster at that
// than the system allocator (measured in benches/load.rs).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    envwall::report::terminal::install_error_hook();
    let cli = match envwall::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { ExitCode::from(2) } else { ExitCode::SUCCESS };
        }
    };
    match envwall::cli::run(cli) {
        Ok(code) => code,
        Err(e) if e.is_broken_pipe() => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{:?}", miette::Report::new(e));
            ExitCode::from(2)
        }
    }
}
