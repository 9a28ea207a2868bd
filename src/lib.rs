//! roadmap-lint: a policy-as-code linter for the UK government's 2022-25 Roadmap for Digital
//! and Data.
//!
//! # Embedding
//!
//! Load the packs once with a [`Linter`], check documents with it, from memory or from paths,
//! and read the [`Run`] it returns: its [`Finding`]s (each with a [`Location`]) and the
//! [`ToolDiagnostic`]s about the tool's own inputs. [`Options`] is the linter's builder.
//!
//! ```
//! use roadmap_lint::{Exit, Linter, Severity};
//!
//! let linter = Linter::builder().build();
//! assert!(linter.diagnostics().is_empty());
//! let declaration = "\
//! schema_version: 1
//! kind: department
//! as_of: 2025-06-30
//! organisation: { id: XYZ, name: Example Department, type: ministerial }
//! ";
//! let run = linter.check_text("example.yaml", declaration);
//! for finding in run.findings() {
//!     println!("{}:{} [{}] {}", finding.file, finding.location.line, finding.rule, finding.message);
//! }
//! assert_eq!(run.exit(Severity::Error), Exit::Findings);
//! ```
//!
//! `examples/embed.rs` does the same with a department's own pack. What is covered by semantic
//! versioning is exactly what these pages show: the items at the crate root. The module
//! `internal` is hidden from them; it serves the `roadmap-lint` binary and the crate's own tests,
//! and may change in any release.
//!
//! # Inside
//!
//! Data flows one way, one module a stage: file bytes -> `load` (spanned YAML) -> `schema` ->
//! `engine` (sandboxed Rhai rules, from `pack`) -> `run` (evaluation: findings with paths,
//! resolved into spans) -> `waiver` -> `score` / `review` -> `render` and `report` (one module
//! per format) -> `cli`, the command line, which alone parses flags, prints and chooses the exit
//! code. `server` is the language server, on the same API. CONTRIBUTING.md has the module map.

#![warn(missing_docs)]
// Errors here are cold paths that carry spans and help text; boxing them buys nothing.
#![allow(clippy::result_large_err)]

/// The exit codes, a documented contract (README.md); [`Run::exit`] gives a run's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Exit {
    /// No finding at or above `--fail-on`.
    Clean = 0,
    /// Findings at or above `--fail-on` (or, for `review`, a proposal that is not ready).
    Findings = 1,
    /// The tool could not do its job: bad arguments, unreadable input, a broken rule pack.
    ToolError = 2,
}

impl From<Exit> for std::process::ExitCode {
    fn from(exit: Exit) -> Self {
        std::process::ExitCode::from(exit as u8)
    }
}

/// The unit tests count memory as the binary does (`engine::budget`).
#[cfg(test)]
#[global_allocator]
static ALLOCATOR: engine::budget::Counting<std::alloc::System> =
    engine::budget::Counting(std::alloc::System);

pub use date::Date;
pub use diag::{Code, ToolDiagnostic};
pub use engine::budget::Counting as CountingAllocator;
pub use finding::{Finding, Related, Severity, WaiverNote};
pub use linter::Linter;
pub use run::{DocInfo, Options, Run};
pub use source::Location;

/// What the `roadmap-lint` binary, the fuzz targets and the crate's integration tests reach
/// inside the crate. Not covered by semantic versioning: it may change in any release. Its
/// modules mirror the crate's own; each re-exports only the items used from outside.
#[doc(hidden)]
pub mod internal;

// The modules. Their items are documented for the crate's developers, not as public API, so
// `missing_docs` (which also sees what `internal` re-exports) is for the crate root alone.
#[allow(missing_docs)]
mod cache;
#[allow(missing_docs)]
mod cli;
#[allow(missing_docs)]
mod config;
#[allow(missing_docs)]
mod coverage;
#[allow(missing_docs)]
mod date;
#[allow(missing_docs)]
mod debug;
#[allow(missing_docs)]
mod diag;
#[allow(missing_docs)]
mod docs;
#[allow(missing_docs)]
mod engine;
#[allow(missing_docs)]
mod finding;
#[allow(missing_docs)]
mod fix;
#[allow(missing_docs)]
mod fixture;
#[allow(missing_docs)]
mod gendocs;
#[allow(missing_docs)]
mod hash;
#[allow(missing_docs)]
mod history;
#[allow(missing_docs)]
mod init;
mod linter;
#[allow(missing_docs)]
mod load;
#[allow(missing_docs)]
mod node;
#[allow(missing_docs)]
mod pack;
#[allow(missing_docs)]
mod parallel;
#[allow(missing_docs)]
mod profile;
#[allow(missing_docs)]
mod progress;
#[allow(missing_docs)]
mod reference;
#[allow(missing_docs)]
mod render;
#[allow(missing_docs)]
mod report;
#[allow(missing_docs)]
mod review;
#[allow(missing_docs)]
mod run;
#[allow(missing_docs)]
mod scaffold;
#[allow(missing_docs)]
mod schema;
#[allow(missing_docs)]
mod score;
#[allow(missing_docs)]
mod server;
#[allow(missing_docs)]
mod source;
#[allow(missing_docs)]
mod suggest;
#[allow(missing_docs)]
mod targets;
#[allow(missing_docs)]
mod testing;
#[allow(missing_docs)]
mod waiver;
#[allow(missing_docs)]
mod workspace;
#[allow(missing_docs)]
mod write;
