//! The machine-readable report (`--format json`). Its shape is versioned and described by
//! `schemas/report.schema.json`; consumers may rely on every field named in the spec.

use serde::Serialize;

use super::Summary;
use crate::diag::ToolDiagnostic;
use crate::finding::Finding;
use crate::run::{DocInfo, Run};

/// Version of the report format. Bump the major part on any breaking change.
pub const REPORT_VERSION: &str = "1.0";

#[derive(Serialize)]
struct Report<'a> {
    version: &'static str,
    tool: Tool,
    summary: Summary,
    findings: &'a [Finding],
    diagnostics: &'a [ToolDiagnostic],
    documents: &'a [DocInfo],
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

pub fn render(run: &Run) -> String {
    let report = Report {
        version: REPORT_VERSION,
        tool: Tool {
            name: env!("CARGO_PKG_NAME"),
            version: env!("CARGO_PKG_VERSION"),
        },
        summary: Summary::of(run),
        findings: &run.findings,
        diagnostics: &run.diagnostics,
        documents: &run.documents,
    };
    let mut text =
        serde_json::to_string_pretty(&report).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    text.push('\n');
    text
}
