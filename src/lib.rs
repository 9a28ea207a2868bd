//! roadmap-lint: a policy-as-code linter for the UK government's 2022-25 Roadmap for Digital
//! and Data.
//!
//! To embed it, load the packs once with a [`Linter`] and check documents with it; the
//! [`Run`] it returns holds the findings (with spans), each rule's result, and, when the
//! options ask, each document's tree. `examples/embed.rs` is a short program that does so.
//!
//! Data flows one way, one module a stage: file bytes -> [`load`] (spanned YAML) ->
//! [`schema`] -> [`engine`] (sandboxed Rhai rules, from [`pack`]) -> [`run`] (evaluation:
//! findings with paths, resolved into spans) -> [`waiver`] -> [`score`] / [`review`] ->
//! [`render`] and [`report`] (one module per format) -> [`cli`], the command line, which alone
//! parses flags, prints and chooses the exit code. [`server`] is the language server, on the
//! same API.

// Errors here are cold paths that carry spans and help text; boxing them buys nothing.
#![allow(clippy::result_large_err)]

/// The exit codes, a documented contract (README.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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

pub use linter::Linter;
pub use run::{Options, Run};

pub mod cache;
pub mod cli;
pub mod config;
pub mod coverage;
pub mod date;
pub mod debug;
pub mod diag;
pub mod docs;
pub mod engine;
pub mod finding;
pub mod fix;
pub mod fixture;
pub mod gendocs;
pub mod hash;
pub mod history;
pub mod init;
pub mod linter;
pub mod load;
pub mod node;
pub mod pack;
pub mod parallel;
pub mod profile;
pub mod progress;
pub mod reference;
pub mod render;
pub mod report;
pub mod review;
pub mod run;
pub mod scaffold;
pub mod schema;
pub mod score;
pub mod server;
pub mod source;
pub mod suggest;
pub mod targets;
pub mod testing;
pub mod waiver;
pub mod workspace;
pub mod write;
