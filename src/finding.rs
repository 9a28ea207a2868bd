//! Findings: what the run found, as plain data. Rules produce them with document paths; the
//! engine resolves the paths into locations before they reach a reporter.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::source::Location;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "error" => Some(Severity::Error),
            "warning" => Some(Severity::Warning),
            "info" => Some(Severity::Info),
            _ => None,
        }
    }
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
pub struct Related {
    pub file: String,
    pub document: usize,
    pub path: String,
    pub message: String,
    #[serde(flatten)]
    pub location: Location,
}

/// One thing wrong (or worth a warning) in one document. It reads back what it writes: a run
/// whose only report is JSON keeps findings on disk until the report is written
/// ([`crate::run::Spill`]).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Finding {
    /// Rule id, or the diagnostic code for syntax and schema findings.
    pub rule: String,
    pub commitment: Option<u32>,
    pub mission: Option<u32>,
    pub severity: Severity,
    pub file: String,
    pub document: usize,
    pub path: String,
    #[serde(flatten)]
    pub location: Location,
    pub message: String,
    /// What the primary label says at the span.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    pub waived: bool,
    /// Boxed: few findings are waived, and every finding of a large run is held until the
    /// report is written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waiver: Option<Box<WaiverNote>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<Related>,
    /// The department-level targets it was judged against, with their provenance.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub targets: Vec<String>,
    /// Index of the source file in the run, for rendering snippets.
    #[serde(skip)]
    pub source: usize,
}

/// Why a finding is waived.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct WaiverNote {
    pub reason: String,
    pub approved_by: String,
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
