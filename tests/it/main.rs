//! The integration tests: one binary, with a shared harness (`harness`) that runs the real
//! binary (under resource limits where a test needs them). One module per area.

// Tests report by failing: unwrapping is how a helper fails. The harness sets resource limits
// through `setrlimit`, which needs `unsafe`.
#![allow(clippy::unwrap_used, unsafe_code)]

mod harness;
mod history;
mod history_git;
mod plurals;
mod progress;

#[path = "../../examples/gen_corpus.rs"]
#[allow(dead_code)]
mod gen_corpus;

mod architecture;
mod author_commands;
mod author_mistakes;
mod broken_rules;
mod browser;
mod cache;
mod check_display;
mod ci_formats;
mod ci_snippets;
mod cli;
mod cli_toolkit;
mod config_extends;
mod dates;
mod doc_isolation;
mod edges;
mod editors;
mod embedding;
mod example_findings_c8_to_c21;
mod fix;
mod generated_docs;
#[cfg(target_os = "linux")]
mod hostile;
#[cfg(target_os = "linux")]
mod hostile_shapes;
mod init;
#[cfg(target_os = "linux")]
mod injection;
mod jobs_determinism;
mod lean_runs;
mod line_breaks;
mod lsp;
mod man_page;
mod numbers;
mod output_files;
mod proposal_declaration;
mod review_cli;
mod rule_fixtures;
#[cfg(target_os = "linux")]
mod sandbox;
#[cfg(target_os = "linux")]
mod sandbox_life;
mod score_cli;
mod server;
mod server_refusals;
mod server_rules;
mod spilled_reports;
mod targets;
mod versions;
mod workspace;
mod yaml_tags;
