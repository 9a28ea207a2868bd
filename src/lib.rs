//! roadmap-lint: a policy-as-code linter for the UK government's 2022-25 Roadmap for Digital
//! and Data. Data flows one way:
//! file bytes -> [`load`] (spanned YAML) -> [`schema`] -> [`engine`] (Rhai rules) -> findings
//! with paths -> spans resolved ([`run`]) -> [`report`] (one module per format).

// Errors here are cold paths that carry spans and help text; boxing them buys nothing.
#![allow(clippy::result_large_err)]

pub mod cli;
pub mod config;
pub mod date;
pub mod diag;
pub mod docs;
pub mod engine;
pub mod finding;
pub mod fixture;
pub mod gendocs;
pub mod load;
pub mod node;
pub mod pack;
pub mod parallel;
pub mod profile;
pub mod render;
pub mod report;
pub mod review;
pub mod run;
pub mod scaffold;
pub mod schema;
pub mod score;
pub mod source;
pub mod testing;
pub mod waiver;
