use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = roadmap_lint::cli::Cli::parse();
    ExitCode::from(roadmap_lint::cli::run(cli))
}
