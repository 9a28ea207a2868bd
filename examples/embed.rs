//! Embedding roadmap-lint: load the built-in pack and a pack of one's own (here the example
//! pack in `fixtures/packs/blueprint-2025`, as a department would keep its pack beside its
//! declarations) once, check a declaration held in memory, and print its findings. The exit
//! code is the command line's for `--fail-on error`.
//!
//! ```sh
//! cargo run --example embed
//! ```
//!
//! `tests/it/embedding.rs` runs this file's code and checks what it finds.

// A command-line program: it reports on standard output and standard error.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::process::ExitCode;

use roadmap_lint::{Date, Linter, Run, Severity};

/// A department's declaration, as a program might hold it after fetching it from elsewhere.
pub const DECLARATION: &str = "\
schema_version: 1
kind: department
as_of: 2026-06-30
organisation: { id: DVLA, name: Driver and Vehicle Licensing Agency }
x_blueprint:
  services:
    - id: vehicle-enquiry
      exchanges_data: true
";

/// The name findings give the declaration: no file of that name need exist.
pub const NAME: &str = "dvla.yaml";

/// The built-in pack and the department's own pack, loaded once, judging every document on
/// one date. Make one and keep it: loading compiles every rule.
pub fn linter() -> Linter {
    let day = Date::parse("2026-06-30").expect("a real day");
    Linter::builder()
        .pack_folder(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/packs/blueprint-2025"
        ))
        .as_of(day)
        .build()
}

/// One line a finding: `file:line:column severity [rule] message`.
pub fn report(run: &Run) -> String {
    let mut out = String::new();
    for f in run.findings() {
        out.push_str(&format!(
            "{}:{}:{} {} [{}] {}\n",
            f.file, f.location.line, f.location.column, f.severity, f.rule, f.message
        ));
    }
    out
}

pub fn main() -> ExitCode {
    let linter = linter();
    // A pack that does not load, or a bad parameter: each with its file and line.
    for problem in linter.diagnostics() {
        eprintln!("{}: {}", problem.code.id(), problem.message);
    }
    let run = linter.check_text(NAME, DECLARATION);
    print!("{}", report(&run));
    println!("{} findings", run.findings().len());
    run.exit(Severity::Error).into()
}
