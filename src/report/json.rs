//! The machine-readable report (`--format json`). Its shape is versioned and described by
//! `schemas/report.schema.json`; consumers may rely on every field named in the spec.

use std::io::Write;

use serde::Serialize;

use super::Summary;
use crate::diag::ToolDiagnostic;
use crate::finding::Finding;
use crate::run::{DocInfo, FINDING_DEPTH, Item, Run};

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
    /// Written empty: [`write`] streams the findings in its place.
    findings: &'a [Finding],
    diagnostics: &'a [ToolDiagnostic],
    documents: &'a [DocInfo],
    #[serde(skip_serializing_if = "Option::is_none")]
    scores: Option<&'a crate::score::Summary>,
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

/// Where the findings go in the report's frame (the report with no findings).
const FINDINGS_KEY: &[u8] = b"\n  \"findings\": []";

/// Write the report as [`render`] makes it, without holding the text in memory: the frame
/// (everything but the findings) is rendered whole, and the findings are streamed in its
/// place, each as the report prints it (copied as they are when they were rendered already).
pub fn write(run: &Run, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let report = Report {
        version: REPORT_VERSION,
        tool: Tool {
            name: env!("CARGO_PKG_NAME"),
            version: env!("CARGO_PKG_VERSION"),
        },
        summary: Summary::of(run),
        provenance: &run.provenance,
        findings: &[],
        diagnostics: &run.diagnostics,
        documents: &run.documents,
        scores: run.scores.as_ref(),
    };
    let mut frame = Vec::new();
    crate::render::escape::json_pretty(&mut frame, &report)?;
    // The key is the report's own: text from documents is escaped, so no value holds it.
    let at = frame
        .windows(FINDINGS_KEY.len())
        .position(|w| w == FINDINGS_KEY)
        .map(|p| p + FINDINGS_KEY.len() - 2)
        .ok_or_else(|| std::io::Error::other("the report has no findings key"))?;
    let mut out = std::io::BufWriter::with_capacity(1 << 16, out);
    out.write_all(&frame[..at])?;
    write_findings(run, &mut out)?;
    out.write_all(&frame[at + 2..])?;
    out.write_all(b"\n")?;
    out.flush()
}

/// The `findings` array: those in memory, merged with those a JSON-only run kept on disk
/// ([`crate::run::Spill`]), read back a file at a time.
fn write_findings(run: &Run, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut first = true;
    let mut emit = |item: Item<'_>| -> std::io::Result<()> {
        let rendered;
        let held = match &item {
            Item::Rendered(bytes, _) => Err(*bytes),
            Item::Read(f) => Ok(&**f),
            Item::Finding(f) => Ok(*f),
        };
        let bytes = match held {
            Err(bytes) => bytes,
            Ok(f) => {
                rendered = crate::render::fragment::json_at_depth(f, FINDING_DEPTH)?;
                &rendered[..]
            }
        };
        out.write_all(if first { b"[\n    " } else { b",\n    " })?;
        first = false;
        out.write_all(bytes)
    };
    match &run.spill {
        Some(spill) => spill.merged(&run.findings, &mut emit, |e| e)?,
        None => {
            for f in &run.findings {
                emit(Item::Finding(f))?;
            }
        }
    }
    out.write_all(if first { b"[]" } else { b"\n  ]" })
}
