use std::process::ExitCode;

use clap::Parser;

/// mimalloc instead of the system allocator: rule evaluation makes and drops millions of small
/// values, and with glibc's allocator a tenth of a large run was spent in `malloc` and `free`
/// (docs/benchmarks.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = roadmap_lint::cli::Cli::parse();
    ExitCode::from(roadmap_lint::cli::run(cli))
}
