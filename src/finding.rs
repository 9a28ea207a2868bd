//! Findings: what the run found, as plain data. Rules produce them with document paths; the
//! engine resolves the paths into locations before they reach a reporter.

// Public API (re-exported at the crate root): every public item documented.
#![warn(missing_docs)]

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::source::Location;

/// How serious a finding or diagnostic is, ordered: `Info < Warning < Error`. The three levels
/// are the declaration format's own (`severity:` of a rule), a closed set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; never fails a run unless `--fail-on info`.
    Info,
    /// Worth fixing.
    Warning,
    /// Breaks a commitment or the format: fails a run by default.
    Error,
}

impl Severity {
    /// The severity named `error`, `warning` or `info`.
    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "error" => Some(Severity::Error),
            "warning" => Some(Severity::Warning),
            "info" => Some(Severity::Info),
            _ => None,
        }
    }
    /// Its name: `error`, `warning` or `info`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// A secondary place a finding refers to, possibly in another file.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Related {
    /// The file, as reports name it.
    pub file: String,
    /// The document's index in its file, from 0.
    pub document: usize,
    /// The place in the document, as a path such as `services[2].name`.
    pub path: String,
    /// What the place has to do with the finding.
    pub message: String,
    /// Where the place is in the file.
    #[serde(flatten)]
    pub location: Location,
}

/// One thing wrong (or worth a warning) in one document: which rule, how serious, where (file,
/// document, path and [`Location`]), what is wrong and how to put it right. It serialises as
/// the JSON report's findings, and reads back what it writes.
///
/// Its fields are public to read; it is `#[non_exhaustive]`, so new fields may be added in a
/// minor version.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Finding {
    /// Rule id, or the diagnostic code for syntax and schema findings.
    pub rule: String,
    /// The Roadmap commitment the rule judges, if it judges one.
    pub commitment: Option<u32>,
    /// The Roadmap mission the rule belongs to, if any.
    pub mission: Option<u32>,
    /// How serious it is (after the config's severity overrides).
    pub severity: Severity,
    /// The file, as reports name it (the name given for a document checked from memory).
    pub file: String,
    /// The document's index in its file, from 0.
    pub document: usize,
    /// The place in the document, as a path such as `services[2].name`.
    pub path: String,
    /// Where the place is in the file: lines and columns from 1.
    #[serde(flatten)]
    pub location: Location,
    /// What is wrong.
    pub message: String,
    /// What the primary label says at the span.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// How to put it right.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// Whether a waiver in the declaration covers it (see [`Finding::waiver`]).
    pub waived: bool,
    /// The waiver that covers it. Boxed: few findings are waived, and every finding of a large run is held until the
    /// report is written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waiver: Option<Box<WaiverNote>>,
    /// Other places it refers to, possibly in other files.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<Related>,
    /// The department-level targets it was judged against, with their provenance.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub targets: Vec<String>,
    /// Index of the source file in the run, for rendering snippets.
    #[serde(skip)]
    pub(crate) source: usize,
}

/// Why a finding is waived.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
#[non_exhaustive]
pub struct WaiverNote {
    /// Why the finding is accepted for now.
    pub reason: String,
    /// Who approved the waiver.
    pub approved_by: String,
    /// The day it expires, `YYYY-MM-DD`.
    pub expires: String,
}

impl WaiverNote {
    /// `approved by X until 2025-09-30: the reason`.
    pub fn text(&self) -> String {
        format!(
            "approved by {} until {}: {}",
            self.approved_by, self.expires, self.reason
        )
    }
}

impl Finding {
    /// The deterministic order of reports: file, document, line, column, rule, message.
    pub fn sort_key(&self) -> impl Ord + '_ {
        (
            &self.file,
            self.document,
            self.location.line,
            self.location.column,
            &self.rule,
            &self.path,
            &self.message,
        )
    }
}
