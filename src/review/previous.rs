//! A resubmission compared with its previous review (`review --previous-review OLD.json`): the
//! previous review's conditions met, still open or new, and its findings fixed or new. Matched
//! by rule and path, never by line (a proposal edited above a finding moves it, and it is still
//! the same finding); a condition the panel added is matched by its text, and one no longer
//! listed is for the assessor to confirm, since no rule checks it.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::assess::Review;
use super::decision::Recommendation;
use super::record::ConditionFate;
use crate::diag::{Code, ToolDiagnostic};

/// Largest previous review read.
pub const MAX_BYTES: u64 = 64 << 20;

#[derive(Debug, Clone, Deserialize)]
struct OldReport {
    #[serde(default)]
    reviews: Vec<OldReview>,
}

#[derive(Debug, Clone, Deserialize)]
struct OldSummary {
    id: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
struct OldDecision {
    recommendation: Recommendation,
}

#[derive(Debug, Clone, Deserialize)]
struct OldSource {
    rule: Option<String>,
    path: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
struct OldCondition {
    id: String,
    text: String,
    source: OldSource,
}

#[derive(Debug, Clone, Deserialize)]
struct OldRecorded {
    id: String,
    text: String,
    fate: ConditionFate,
    rule: Option<String>,
    path: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
struct OldRecord {
    decision: Recommendation,
    #[serde(default)]
    conditions: Vec<OldRecorded>,
}

#[derive(Debug, Clone, Deserialize)]
struct OldFinding {
    rule: String,
    path: String,
    message: String,
    #[serde(default)]
    waived: bool,
}

#[derive(Debug, Clone, Deserialize)]
struct OldReview {
    as_of: Option<String>,
    proposal: OldSummary,
    decision: OldDecision,
    #[serde(default)]
    conditions: Vec<OldCondition>,
    #[serde(default)]
    findings: Vec<OldFinding>,
    record: Option<OldRecord>,
}

/// A previous review report, read.
#[derive(Debug, Clone)]
pub struct Previous {
    pub file: String,
    reviews: Vec<OldReview>,
}

/// Read a `review --format json` report of this version.
pub fn load(path: &Path) -> Result<Previous, ToolDiagnostic> {
    let shown = crate::load::shown(path);
    let fail = |message: String| {
        ToolDiagnostic::new(Code::PreviousReviewInvalid, message)
            .file(shown.clone())
            .help("give the JSON report of the proposal's previous review: `roadmap-lint review PROPOSAL --format json -o review.json`")
    };
    let text = crate::load::read::read_text(path, MAX_BYTES).map_err(|e| fail(e.message(path)))?;
    let version = serde_json::from_str::<serde_json::Value>(&text)
        .map_err(|e| fail(format!("{shown} is not JSON: {e}")))?
        .get("version")
        .and_then(|v| v.as_str())
        .map(str::to_string);
    let major = super::json::REVIEW_VERSION.split('.').next().unwrap_or("");
    match version.as_deref() {
        Some(v) if v.split('.').next() == Some(major) => {}
        Some(v) => {
            return Err(fail(format!(
                "{shown} is a review report of version {v}; this tool reads version {major}.x"
            )));
        }
        None => {
            return Err(fail(format!(
                "{shown} is not a review report: it has no `version`"
            )));
        }
    }
    let report: OldReport = serde_json::from_str(&text).map_err(|e| {
        fail(format!(
            "{shown} is not a review report this tool reads: {e}"
        ))
    })?;
    Ok(Previous {
        file: shown,
        reviews: report.reviews,
    })
}

/// What became of a condition since the previous review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ConditionChange {
    /// The previous review's, and its finding is gone.
    Met,
    /// In both reviews.
    StillOpen,
    /// Only in this review.
    New,
    /// The panel's own, no longer listed: no rule checks it, so the assessor confirms it.
    ToConfirm,
}

impl ConditionChange {
    pub fn title(self) -> &'static str {
        match self {
            ConditionChange::Met => "met",
            ConditionChange::StillOpen => "still open",
            ConditionChange::New => "new",
            ConditionChange::ToConfirm => "to confirm (the panel's own)",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ConditionDelta {
    pub change: ConditionChange,
    /// Its id in the previous review, and in this one.
    pub previous_id: Option<String>,
    pub id: Option<String>,
    pub text: String,
    pub rule: Option<String>,
    pub path: Option<String>,
}

/// A finding as the comparison names it.
#[derive(Debug, Clone, Serialize)]
pub struct FindingRef {
    pub rule: String,
    pub path: String,
    pub message: String,
}

/// This review beside the previous one.
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    pub file: String,
    pub as_of: Option<String>,
    pub recommendation: Recommendation,
    /// The panel's decision, when the previous review carried its record.
    pub decision: Option<Recommendation>,
    pub conditions: Vec<ConditionDelta>,
    pub findings_fixed: Vec<FindingRef>,
    pub findings_new: Vec<FindingRef>,
    pub findings_still_open: usize,
}

/// A condition's identity across reviews: its rule and path, or the panel's text.
fn key(rule: Option<&str>, path: Option<&str>, text: &str) -> String {
    match rule {
        Some(r) => format!("{r} at {}", path.unwrap_or("")),
        None => format!("text: {text}"),
    }
}

/// The conditions a review leaves standing: the panel's, when it recorded a decision (those it
/// removed left out), else the tool's; as (key, id, text, rule, path).
type Standing = (String, String, String, Option<String>, Option<String>);

fn standing_now(r: &Review) -> Vec<Standing> {
    match &r.record {
        Some(s) => s
            .conditions
            .iter()
            .filter(|c| c.fate != ConditionFate::Removed)
            .map(|c| {
                let k = key(c.rule.as_deref(), c.path.as_deref(), &c.text);
                (
                    k,
                    c.id.clone(),
                    c.text.clone(),
                    c.rule.clone(),
                    c.path.clone(),
                )
            })
            .collect(),
        None => r
            .conditions
            .iter()
            .map(|c| {
                let (rule, path) = (c.source.rule.clone(), c.source.path.clone());
                let k = key(rule.as_deref(), path.as_deref(), &c.text);
                (k, c.id.clone(), c.text.clone(), rule, path)
            })
            .collect(),
    }
}

fn standing_then(old: &OldReview) -> Vec<Standing> {
    match &old.record {
        Some(rec) => rec
            .conditions
            .iter()
            .filter(|c| c.fate != ConditionFate::Removed)
            .map(|c| {
                let k = key(c.rule.as_deref(), c.path.as_deref(), &c.text);
                (
                    k,
                    c.id.clone(),
                    c.text.clone(),
                    c.rule.clone(),
                    c.path.clone(),
                )
            })
            .collect(),
        None => old
            .conditions
            .iter()
            .map(|c| {
                let (rule, path) = (c.source.rule.clone(), c.source.path.clone());
                let k = key(rule.as_deref(), path.as_deref(), &c.text);
                (k, c.id.clone(), c.text.clone(), rule, path)
            })
            .collect(),
    }
}

/// The review compared with its previous one (the one of the same proposal reference), or
/// why it cannot be.
pub fn compare(previous: &Previous, r: &Review) -> Result<Comparison, ToolDiagnostic> {
    let old = previous
        .reviews
        .iter()
        .find(|o| o.proposal.id.is_some() && o.proposal.id == r.proposal.id)
        .ok_or_else(|| {
            ToolDiagnostic::new(
                Code::PreviousReviewInvalid,
                format!(
                    "{} holds no review of proposal {}",
                    previous.file,
                    r.proposal.id.as_deref().unwrap_or("(no id)")
                ),
            )
            .file(previous.file.clone())
            .help("give the previous review of the same proposal reference (`proposal.id`)")
        })?;
    let now = standing_now(r);
    let then = standing_then(old);
    let mut conditions: Vec<ConditionDelta> = then
        .iter()
        .map(|(k, id, text, rule, path)| {
            let found = now.iter().find(|(nk, ..)| nk == k);
            let change = match (found, rule) {
                (Some(_), _) => ConditionChange::StillOpen,
                (None, Some(_)) => ConditionChange::Met,
                (None, None) => ConditionChange::ToConfirm,
            };
            ConditionDelta {
                change,
                previous_id: Some(id.clone()),
                id: found.map(|(_, id, ..)| id.clone()),
                text: text.clone(),
                rule: rule.clone(),
                path: path.clone(),
            }
        })
        .collect();
    conditions.extend(
        now.iter()
            .filter(|(k, ..)| !then.iter().any(|(tk, ..)| tk == k))
            .map(|(_, id, text, rule, path)| ConditionDelta {
                change: ConditionChange::New,
                previous_id: None,
                id: Some(id.clone()),
                text: text.clone(),
                rule: rule.clone(),
                path: path.clone(),
            }),
    );
    let old_live: Vec<&OldFinding> = old.findings.iter().filter(|f| !f.waived).collect();
    let new_live: Vec<&crate::finding::Finding> = r
        .findings
        .iter()
        .map(|f| &f.finding)
        .filter(|f| !f.waived)
        .collect();
    let in_new = |rule: &str, path: &str| new_live.iter().any(|f| f.rule == rule && f.path == path);
    let in_old = |rule: &str, path: &str| old_live.iter().any(|f| f.rule == rule && f.path == path);
    Ok(Comparison {
        file: previous.file.clone(),
        as_of: old.as_of.clone(),
        recommendation: old.decision.recommendation,
        decision: old.record.as_ref().map(|rec| rec.decision),
        conditions,
        findings_fixed: old_live
            .iter()
            .filter(|f| !in_new(&f.rule, &f.path))
            .map(|f| FindingRef {
                rule: f.rule.clone(),
                path: f.path.clone(),
                message: f.message.clone(),
            })
            .collect(),
        findings_new: new_live
            .iter()
            .filter(|f| !in_old(&f.rule, &f.path))
            .map(|f| FindingRef {
                rule: f.rule.clone(),
                path: f.path.clone(),
                message: f.message.clone(),
            })
            .collect(),
        findings_still_open: new_live.iter().filter(|f| in_old(&f.rule, &f.path)).count(),
    })
}
