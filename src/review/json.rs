//! The review as JSON: the reviews (with their findings, each carrying the fields of the check
//! report's findings plus `commitment_text`) and the tool's diagnostics.

use serde::Serialize;

use super::{Outcome, Review};
use crate::diag::ToolDiagnostic;

/// The JSON Schema of the review report (`roadmap-lint schema review`).
pub const SCHEMA: &str = include_str!("../../schemas/review.schema.json");

/// Version of the review report format.
pub const REVIEW_VERSION: &str = "2.0";

#[derive(Serialize)]
struct Report<'a> {
    version: &'static str,
    tool: Tool,
    reviews: &'a [Review],
    diagnostics: &'a [ToolDiagnostic],
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

pub fn render(outcome: &Outcome) -> String {
    let report = Report {
        version: REVIEW_VERSION,
        tool: Tool {
            name: env!("CARGO_PKG_NAME"),
            version: env!("CARGO_PKG_VERSION"),
        },
        reviews: &outcome.reviews,
        diagnostics: &outcome.run.diagnostics,
    };
    let mut text = crate::render::escape::json_pretty_string(&report)
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    text.push('\n');
    text
}
