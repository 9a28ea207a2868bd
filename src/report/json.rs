//! The machine-readable report (`--format json`). Its shape is versioned and described by
//! `schemas/report.schema.json`; consumers may rely on every field named in the spec.

use serde::Serialize;

use super::Summary;
use crate::diag::ToolDiagnostic;
use crate::finding::Finding;
use crate::run::{DocInfo, Run};

/// The JSON Schema of the report (`roadmap-lint schema report`).
pub const SCHEMA: &str = include_str!("../../schemas/report.schema.json");

/// Version of the report format. Bump the major part on any breaking change.
pub const REPORT_VERSION: &str = "1.3";

#[derive(Serialize)]
struct Report<'a> {
    version: &'static str,
    tool: Tool,
    summary: Summary,
    provenance: &'a crate::run::Provenance,
    findings: Findings<'a>,
    diagnostics: &'a [ToolDiagnostic],
    documents: &'a [DocInfo],
    #[serde(skip_serializing_if = "Option::is_none")]
    scores: Option<&'a crate::score::Summary>,
}

/// The run's findings in report order: those in memory, merged with those a JSON-only run
/// kept on disk ([`crate::run::Spill`]), read back a file at a time.
struct Findings<'a>(&'a Run);

impl Serialize for Findings<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{Error, SerializeSeq};
        let run = self.0;
        let Some(spill) = &run.spill else {
            return run.findings.serialize(serializer);
        };
        let mut seq = serializer.serialize_seq(None)?;
        spill.merged(
            &run.findings,
            |f: &Finding| seq.serialize_element(f),
            |e| S::Error::custom(format!("cannot read back the findings kept on disk: {e}")),
        )?;
        seq.end()
    }
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

pub fn render(run: &Run) -> String {
    let mut out = Vec::new();
    match write(run, &mut out) {
        Ok(()) => String::from_utf8_lossy(&out).into_owned(),
        Err(e) => format!("{{\"error\": \"{e}\"}}\n"),
    }
}

/// Write the report as [`render`] makes it, without holding the text in memory.
pub fn write(run: &Run, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let report = Report {
        version: REPORT_VERSION,
        tool: Tool {
            name: env!("CARGO_PKG_NAME"),
            version: env!("CARGO_PKG_VERSION"),
        },
        summary: Summary::of(run),
        provenance: &run.provenance,
        findings: Findings(run),
        diagnostics: &run.diagnostics,
        documents: &run.documents,
        scores: run.scores.as_ref(),
    };
    crate::render::escape::json_pretty(&mut *out, &report)?;
    out.write_all(b"\n")
}
