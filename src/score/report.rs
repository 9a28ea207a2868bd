//! The score report's shape: what `score --format json` writes (and `--baseline` reads back),
//! and the figures the text reports show.

use serde::{Deserialize, Serialize};

use super::{Bands, EPSILON, MissionInfo, Top75Service, baseline};
use crate::finding::Severity;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Band {
    Green,
    Amber,
    Red,
}

impl Band {
    pub fn label(self) -> &'static str {
        match self {
            Band::Green => "green",
            Band::Amber => "amber",
            Band::Red => "red",
        }
    }
}

/// Counts of checks. `passed` includes warnings (also counted in `warnings`); `waived` are
/// errors under a waiver.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    pub passed: usize,
    pub failed: usize,
    pub waived: usize,
    pub warnings: usize,
}

impl Tally {
    pub(super) fn add(&mut self, other: Tally) {
        self.passed += other.passed;
        self.failed += other.failed;
        self.waived += other.waived;
        self.warnings += other.warnings;
    }
    /// Checks that count in the headline score.
    pub fn applicable(&self) -> usize {
        self.passed + self.failed
    }
    pub(super) fn value(&self, bands: &Bands) -> Value {
        let ratio = |p: usize, n: usize| (n > 0).then(|| p as f64 * 100.0 / n as f64);
        Value::new(
            ratio(self.passed, self.applicable()),
            ratio(self.passed, self.applicable() + self.waived),
            bands,
        )
    }
}

/// A score in percent: `score` with waivers honoured (the headline), `without_waivers` with
/// waived checks counted as failed. `None` is N/A.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Value {
    pub score: Option<f64>,
    pub without_waivers: Option<f64>,
    pub band: Option<Band>,
    /// Every rule of it was switched off by the config (`enable:`/`disable:`): no score, and
    /// not "nothing applicable" either.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub disabled: bool,
}

impl Value {
    pub(super) fn new(score: Option<f64>, without_waivers: Option<f64>, bands: &Bands) -> Value {
        Value {
            score,
            without_waivers,
            band: bands.band(score),
            disabled: false,
        }
    }
    pub const NA: Value = Value {
        score: None,
        without_waivers: None,
        band: None,
        disabled: false,
    };
    /// A commitment or mission the config switched off.
    pub const DISABLED: Value = Value {
        score: None,
        without_waivers: None,
        band: None,
        disabled: true,
    };
    /// Whether waivers change the score.
    pub fn waivers_matter(&self) -> bool {
        match (self.score, self.without_waivers) {
            (Some(a), Some(b)) => pct(a) != pct(b),
            (a, b) => a.is_some() != b.is_some(),
        }
    }
}

/// A percentage as shown: rounded down, so that 100% means every check passed.
pub fn pct(x: f64) -> i64 {
    (x + EPSILON).floor() as i64
}

/// `82%`, or `N/A`.
pub fn show(score: Option<f64>) -> String {
    score.map_or_else(|| "N/A".to_string(), |s| format!("{}%", pct(s)))
}

/// What a disabled commitment or mission reads, wherever a score would be.
pub const DISABLED_TEXT: &str = "disabled by config";

/// `82% amber`, `82% amber (78% without waivers)`, `N/A`, or `disabled by config`.
pub fn show_value(v: &Value, with_waivers_note: bool) -> String {
    let mut s = match (v.score, v.band) {
        (Some(x), Some(b)) => format!("{}% {}", pct(x), b.label()),
        _ if v.disabled => DISABLED_TEXT.to_string(),
        _ => "N/A".to_string(),
    };
    if with_waivers_note && v.waivers_matter() {
        s.push_str(&format!(" ({} without waivers)", show(v.without_waivers)));
    }
    s
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ScoreReport {
    pub version: String,
    pub tool: String,
    /// The `--as-of` date, when given (else each document's own date was used).
    pub as_of: Option<String>,
    pub bands: Bands,
    pub missions: Vec<MissionInfo>,
    pub departments: Vec<Department>,
    pub government: Government,
    /// Documents and files that could not be scored, and why.
    pub not_scored: Vec<NotScored>,
    /// Proposals are not scored; how many the run held.
    pub proposals_skipped: usize,
    /// Rules that failed to run: the scores they feed are incomplete.
    pub incomplete_rules: Vec<String>,
    /// Every finding of the scored documents, for comparison with a baseline.
    pub findings: Vec<ScoredFinding>,
    /// Present when `--baseline` was given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comparison: Option<baseline::Comparison>,
    /// What produced the scores: config, packs, targets, workspace, history.
    #[serde(default, skip_deserializing)]
    pub provenance: crate::run::Provenance,
    /// Problems with the tool's own inputs (unreadable paths, broken rules, bad parameters), as
    /// the JSON report of `check` gives them. Added in 1.1.
    #[serde(default, skip_deserializing, skip_serializing_if = "Vec::is_empty")]
    pub diagnostics: Vec<crate::diag::ToolDiagnostic>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Department {
    /// The organisation id: several documents for one organisation make one department.
    pub organisation: String,
    pub name: Option<String>,
    pub documents: Vec<DocRef>,
    pub score: Value,
    pub tally: Tally,
    pub missions: Vec<MissionScore>,
    pub commitments: Vec<CommitmentScore>,
    /// Failed checks, the costliest first.
    pub losses: Vec<Loss>,
    /// Waived checks, shown but not counted in the headline score.
    pub waived: Vec<Loss>,
    /// Documents of this organisation that could not be scored.
    pub unscored_documents: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocRef {
    pub file: String,
    pub document: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MissionScore {
    pub number: u32,
    pub score: Value,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CommitmentScore {
    pub number: u32,
    pub mission: u32,
    pub score: Value,
    pub tally: Tally,
    pub rules: Vec<RuleTally>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RuleTally {
    pub rule: String,
    pub tally: Tally,
    /// Why the rule did not apply, for documents where it did not.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_applicable: Vec<String>,
    /// Whether the rule failed to run on some document of the department.
    #[serde(default)]
    pub failed_to_run: bool,
}

/// A failed (or waived) check and what it costs the department's overall score, in percentage
/// points.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Loss {
    pub rule: String,
    pub commitment: u32,
    pub mission: u32,
    pub file: String,
    pub line: usize,
    pub path: String,
    pub message: String,
    pub points: f64,
    /// Who approved the waiver, why and until when (waived checks only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiver: Option<crate::finding::WaiverNote>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Government {
    pub score: Value,
    /// Departments with an overall score (N/A and unscored ones do not count).
    pub departments_scored: usize,
    pub missions: Vec<MissionScore>,
    pub commitments: Vec<GovCommitment>,
    pub portfolio: Portfolio,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GovCommitment {
    pub number: u32,
    pub score: Value,
    /// How many departments this commitment applied to.
    pub departments: usize,
}

/// Commitment 1's portfolio facts: how many top-75 services are great, against the target.
///
/// Convention: the rule a pack names as `score.portfolio_rule` records, per department document, a passed check
/// (`pass_in(item.ref, "services[N]...")`) for each top-75 service it judges great, and a
/// finding under `services[N]` for each top-75 service that is not. A great service is a
/// passed path under `services[N]` whose `id`, with the document's organisation id, is on
/// `ctx.data.top75`; each (department, service) counts once.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Portfolio {
    pub rule: String,
    /// False when the rule is not loaded: the counts below are then not known.
    pub available: bool,
    pub great: usize,
    pub target: Option<i64>,
    /// Services on the top-75 list.
    pub listed: usize,
    pub great_services: Vec<Top75Service>,
    /// Top-75 services not (yet) great, with the reason.
    pub missing: Vec<MissingService>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MissingService {
    #[serde(flatten)]
    pub service: Top75Service,
    /// `not_great`, `not_declared` (its department's declaration does not list it),
    /// `department_not_scored` (syntax or schema errors) or `department_not_in_run`.
    pub status: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NotScored {
    pub organisation: Option<String>,
    pub file: String,
    pub document: Option<usize>,
    pub reason: String,
}

/// A finding of a scored document, identified for baseline comparison by rule, organisation,
/// kind and path (never by line).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoredFinding {
    pub rule: String,
    pub organisation: String,
    pub kind: String,
    pub path: String,
    pub severity: Severity,
    pub waived: bool,
    pub commitment: Option<u32>,
    pub file: String,
    pub line: usize,
    pub message: String,
    /// Who approved the waiver, why and until when (waived findings only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiver: Option<crate::finding::WaiverNote>,
}
