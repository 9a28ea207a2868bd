//! Embedding roadmap-lint: load the built-in pack once, check a declaration held in memory,
//! and print its findings, then check the shipped examples from disk.
//!
//! ```sh
//! cargo run --example embed
//! ```

// A command-line program: it reports on standard output.
#![allow(clippy::print_stdout)]

use roadmap_lint::{Linter, Options};

fn main() {
    let linter = Linter::new(Options::builtin());
    println!("{} rules loaded", linter.rules().rules().count());

    let declaration = "\
schema_version: 1
kind: department
as_of: 2025-06-30
organisation: { id: XYZ, name: Example Department, type: ministerial }
one_login: { strategy_confirmed: 2023-07-14 }
";
    let run = linter.check_text("example.yaml", declaration);
    for f in &run.findings {
        println!(
            "{}:{}:{} {} [{}] {}",
            f.file, f.location.line, f.location.column, f.severity, f.rule, f.message
        );
    }

    // The same linter, again: the packs are not loaded twice.
    let run = linter.check_paths(&["fixtures/examples".to_string()]);
    println!(
        "fixtures/examples: {} findings in {} documents",
        run.findings.len(),
        run.documents.len()
    );
}
