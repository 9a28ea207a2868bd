//! Compliance scores, computed from one [`Run`] without re-running any rule. The model is
//! described in `docs/scoring.md`; in short:
//!
//! - a **check** is one passed path or one finding of a [`RuleResult`];
//! - a **commitment's** score for a department is passed checks over applicable checks, pooled
//!   over every rule of the commitment and every document of the department; nothing applicable
//!   gives N/A, never 0 or 100;
//! - a **mission's** score is the weighted mean of its commitments' scores (N/A left out), a
//!   **department's** the weighted mean of its missions' scores, and each **government** figure
//!   the unweighted mean of the departments' figures in the same place;
//! - warnings count as passed checks; waived errors leave the headline score and are counted as
//!   failed in the "without waivers" one.
//!
//! Output formats are one module each; [`render`] picks one.

pub mod baseline;
mod government;
pub mod html;
pub mod human;
pub mod json;
pub mod markdown;
pub mod portfolio;
pub mod text;

pub use text::{
    Grid, bands_text, cell_text, commitment_grid, mission_grid, portfolio_lines, show_delta,
    tally_text,
};

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::diag::{Code, ToolDiagnostic};
use crate::finding::Severity;
use crate::run::{Mark, Prepared, RuleResult, Run, Status};

/// Version of the score report format (`score --format json`, also read back by `--baseline`).
pub const SCORE_REPORT_VERSION: &str = "1.1";

/// A small tolerance for float noise in weighted means, so that 90 never shows as 89.
pub const EPSILON: f64 = 1e-9;

// ---------------------------------------------------------------------------------------------
// Configuration

/// RAG bands: a score at or above `green` is green, at or above `amber` is amber, else red.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bands {
    #[serde(default = "default_green")]
    pub green: f64,
    #[serde(default = "default_amber")]
    pub amber: f64,
}

fn default_green() -> f64 {
    90.0
}
fn default_amber() -> f64 {
    70.0
}

impl Default for Bands {
    fn default() -> Self {
        Bands {
            green: default_green(),
            amber: default_amber(),
        }
    }
}

impl Bands {
    pub fn band(&self, score: Option<f64>) -> Option<Band> {
        let s = score? + EPSILON;
        Some(if s >= self.green {
            Band::Green
        } else if s >= self.amber {
            Band::Amber
        } else {
            Band::Red
        })
    }
}

/// Scoring settings that override the pack: weights by mission and commitment number, and the
/// RAG bands. This is the shape of the `--weights FILE` YAML file, and the struct a `score:`
/// section of a config file can deserialize into.
///
/// ```yaml
/// missions: { 1: 2, 4: 1.5 }     # mission number: weight
/// commitments: { 1: 3 }          # commitment number: weight
/// bands: { green: 90, amber: 70 }
/// ```
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScoreConfig {
    #[serde(default)]
    pub missions: BTreeMap<u32, f64>,
    #[serde(default)]
    pub commitments: BTreeMap<u32, f64>,
    #[serde(default)]
    pub bands: Option<Bands>,
    /// Packs besides the built-in ones whose missions count (the config's `scored_packs`).
    #[serde(skip)]
    pub packs: Vec<String>,
}

impl ScoreConfig {
    /// Read a `--weights` file.
    pub fn load(path: &Path) -> Result<ScoreConfig, ToolDiagnostic> {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| {
            ToolDiagnostic::new(Code::WeightsUnreadable, format!("cannot read {name}: {e}"))
                .file(name.clone())
                .help("give the path of a YAML file with `missions`, `commitments` and `bands`")
        })?;
        Self::parse(&text).map_err(|msg| {
            ToolDiagnostic::new(Code::WeightsInvalid, format!("{name}: {msg}"))
                .file(name.clone())
                .help("expected `missions: {N: weight}`, `commitments: {N: weight}` and `bands: {green: 90, amber: 70}`; weights are numbers >= 0")
        })
    }

    pub fn parse(text: &str) -> Result<ScoreConfig, String> {
        let config: ScoreConfig = if text.trim().is_empty() {
            ScoreConfig::default()
        } else {
            // Read by the declarations' parser first: linear on any nesting, with the same
            // limits (see `load::yaml::first_error`).
            if let Some(problem) =
                crate::load::yaml::first_error(text, &crate::load::Limits::default())
            {
                let at = crate::source::SourceFile::new("", text).locate(problem.span);
                return Err(format!(
                    "line {}, column {}: {}",
                    at.line, at.column, problem.message
                ));
            }
            yaml_serde::from_str(text).map_err(|e| e.to_string())?
        };
        config.validate()?;
        Ok(config)
    }

    pub fn validate(&self) -> Result<(), String> {
        for (what, map) in [
            ("mission", &self.missions),
            ("commitment", &self.commitments),
        ] {
            for (n, w) in map {
                if !w.is_finite() || *w < 0.0 {
                    return Err(format!(
                        "the weight of {what} {n} is {w}; weights are numbers >= 0"
                    ));
                }
            }
        }
        if let Some(b) = self.bands {
            validate_bands(&b)?;
        }
        Ok(())
    }
}

fn validate_bands(b: &Bands) -> Result<(), String> {
    let ok = |x: f64| x.is_finite() && (0.0..=100.0).contains(&x);
    if !ok(b.green) || !ok(b.amber) || b.amber > b.green {
        return Err(format!(
            "bands green {} and amber {} must lie between 0 and 100, with amber <= green",
            b.green, b.amber
        ));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The model's inputs

/// A mission, its weight and its commitments, as scored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MissionInfo {
    pub number: u32,
    pub title: String,
    pub weight: f64,
    pub commitments: Vec<CommitmentInfo>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommitmentInfo {
    pub number: u32,
    pub text: String,
    pub weight: f64,
}

/// One service of the top-75 list (`ctx.data.top75`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Top75Service {
    pub department: String,
    pub id: String,
    pub name: String,
}

/// The missions of the packs that count, the first pack's of each number.
fn missions_of(prepared: &Prepared, left_out: &BTreeSet<String>) -> Vec<MissionInfo> {
    let mut missions: Vec<MissionInfo> = Vec::new();
    for pack in prepared
        .rules
        .packs
        .iter()
        .filter(|p| !left_out.contains(&p.manifest.name))
    {
        for m in &pack.manifest.missions {
            if missions.iter().any(|x| x.number == m.number) {
                continue;
            }
            missions.push(MissionInfo {
                number: m.number,
                title: m.title.clone(),
                weight: m.weight,
                commitments: m
                    .commitments
                    .iter()
                    .map(|c| CommitmentInfo {
                        number: c.number,
                        text: c.text.clone(),
                        weight: c.weight,
                    })
                    .collect(),
            });
        }
    }
    missions
}

/// The packs whose missions do not count: beside the built-in pack, a pack counts only when
/// the config names it in `scored_packs` (a department's own pack is checked, but leaves the
/// government score as it is); without the built-in pack, the packs loaded are the policy.
fn packs_left_out(prepared: &Prepared, config: &ScoreConfig) -> BTreeSet<String> {
    let packs = &prepared.rules.packs;
    if !packs.iter().any(|p| p.origin == "builtin") {
        return BTreeSet::new();
    }
    packs
        .iter()
        .filter(|p| p.origin != "builtin" && !config.packs.contains(&p.manifest.name))
        .map(|p| p.manifest.name.clone())
        .collect()
}

/// Everything the arithmetic needs besides the run.
#[derive(Debug, Clone, Default)]
pub struct Model {
    pub missions: Vec<MissionInfo>,
    pub bands: Bands,
    /// The rule whose results carry commitment 1's portfolio facts (a pack's
    /// `score.portfolio_rule`).
    pub c1_rule: Option<String>,
    /// Whether that rule was loaded (it may be switched off).
    pub c1_rule_loaded: bool,
    /// The top-75 list, from the pack's data.
    pub top75: Vec<Top75Service>,
    /// The `great_services_target` parameter.
    pub great_target: Option<i64>,
    /// The evaluation date given on the command line, if any.
    pub as_of: Option<String>,
    /// Commitments whose every rule the config switched off: scored as `disabled by config`,
    /// never as N/A.
    pub disabled: std::collections::BTreeSet<u32>,
    /// Rules of packs whose missions do not count (a department's own pack, unless the config
    /// names it in `scored_packs`): their results are left out of every score.
    pub unscored: BTreeSet<String>,
}

impl Model {
    /// Build the model from the loaded packs, with `config` overriding pack weights and bands.
    pub fn from_prepared(prepared: &Prepared, config: &ScoreConfig) -> Result<Model, String> {
        let left_out = packs_left_out(prepared, config);
        let unscored: BTreeSet<String> = prepared
            .rules
            .packs
            .iter()
            .filter(|p| left_out.contains(&p.manifest.name))
            .flat_map(|p| p.rules.iter().map(|r| r.id.clone()))
            .collect();
        let mut missions = missions_of(prepared, &left_out);
        let bad = |w: f64| !w.is_finite() || w < 0.0;
        for m in &missions {
            if bad(m.weight) {
                return Err(format!(
                    "the pack weight of mission {} is {}; weights are numbers >= 0",
                    m.number, m.weight
                ));
            }
            if let Some(c) = m.commitments.iter().find(|c| bad(c.weight)) {
                return Err(format!(
                    "the pack weight of commitment {} is {}; weights are numbers >= 0",
                    c.number, c.weight
                ));
            }
        }
        for (n, w) in &config.missions {
            let m = missions
                .iter_mut()
                .find(|m| m.number == *n)
                .ok_or_else(|| format!("weights: no pack has a mission {n}"))?;
            m.weight = *w;
        }
        for (n, w) in &config.commitments {
            let c = missions
                .iter_mut()
                .flat_map(|m| m.commitments.iter_mut())
                .find(|c| c.number == *n)
                .ok_or_else(|| format!("weights: no pack has a commitment {n}"))?;
            c.weight = *w;
        }
        missions.sort_by_key(|m| m.number);
        let c1_rule = prepared
            .rules
            .packs
            .iter()
            .find_map(|p| p.manifest.score.portfolio_rule.clone());
        let c1_rule_loaded = c1_rule
            .as_deref()
            .is_some_and(|id| prepared.rules.find(id).is_some());
        let pack_name = c1_rule
            .as_deref()
            .and_then(|id| prepared.rules.find(id))
            .map(|(p, _)| p.manifest.name.clone())
            .or_else(|| {
                prepared
                    .rules
                    .packs
                    .first()
                    .map(|p| p.manifest.name.clone())
            });
        let (top75, great_target) = pack_name
            .and_then(|name| prepared.pack_ctx.get(&name))
            .map(|(params, data)| {
                let target = params
                    .get("great_services_target")
                    .and_then(|v| v.as_int().ok());
                (portfolio::top75_of(data), target)
            })
            .unwrap_or_default();
        Ok(Model {
            missions,
            bands: config.bands.unwrap_or_default(),
            c1_rule,
            c1_rule_loaded,
            top75,
            great_target,
            as_of: None,
            disabled: prepared.disabled_commitments.clone(),
            unscored,
        })
    }

    fn mission_of(&self, commitment: u32) -> Option<&MissionInfo> {
        self.missions
            .iter()
            .find(|m| m.commitments.iter().any(|c| c.number == commitment))
    }

    fn commitment(&self, number: u32) -> Option<&CommitmentInfo> {
        self.missions
            .iter()
            .flat_map(|m| &m.commitments)
            .find(|c| c.number == number)
    }

    /// Make room for a commitment a rule names but no pack lists (weight 1).
    fn ensure(&mut self, commitment: u32, mission: Option<u32>) {
        if self.commitment(commitment).is_some() {
            return;
        }
        let number = mission.unwrap_or(0);
        if !self.missions.iter().any(|m| m.number == number) {
            self.missions.push(MissionInfo {
                number,
                title: format!("Mission {number}"),
                weight: 1.0,
                commitments: Vec::new(),
            });
            self.missions.sort_by_key(|m| m.number);
        }
        if let Some(m) = self.missions.iter_mut().find(|m| m.number == number) {
            m.commitments.push(CommitmentInfo {
                number: commitment,
                text: String::new(),
                weight: 1.0,
            });
            m.commitments.sort_by_key(|c| c.number);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The report

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
    fn add(&mut self, other: Tally) {
        self.passed += other.passed;
        self.failed += other.failed;
        self.waived += other.waived;
        self.warnings += other.warnings;
    }
    /// Checks that count in the headline score.
    pub fn applicable(&self) -> usize {
        self.passed + self.failed
    }
    fn value(&self, bands: &Bands) -> Value {
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
    fn new(score: Option<f64>, without_waivers: Option<f64>, bands: &Bands) -> Value {
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

// ---------------------------------------------------------------------------------------------
// The arithmetic

#[derive(Default)]
struct CommitmentAcc {
    tally: Tally,
    rules: BTreeMap<String, RuleTally>,
}

#[derive(Default)]
struct DeptAcc {
    name: Option<String>,
    documents: Vec<DocRef>,
    unscored: usize,
    commitments: BTreeMap<u32, CommitmentAcc>,
    /// (finding index, commitment, mission, waived)
    failed: Vec<(usize, u32, u32, bool)>,
}

/// Weighted mean of the values that are not N/A; N/A when none is (or all weights are 0).
fn weighted_mean(items: &[(Option<f64>, f64)]) -> Option<f64> {
    let (sum, weight) = items
        .iter()
        .filter_map(|(v, w)| v.map(|v| (v * w, *w)))
        .fold((0.0, 0.0), |(s, t), (x, w)| (s + x, t + w));
    (weight > 0.0).then(|| sum / weight)
}

/// The scores a `check --format json` report carries: the government's and each
/// department's overall and per-mission score, and the documents not scored (with why).
/// `score --format json` has every figure.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub bands: Bands,
    pub government: SummaryScores,
    pub departments: Vec<SummaryDepartment>,
    pub not_scored: Vec<NotScored>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SummaryScores {
    pub score: Option<f64>,
    pub band: Option<Band>,
    pub missions: Vec<SummaryMission>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SummaryMission {
    pub number: u32,
    pub score: Option<f64>,
    /// Every rule of it was switched off by the config.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub disabled: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct SummaryDepartment {
    pub organisation: String,
    #[serde(flatten)]
    pub scores: SummaryScores,
}

impl Summary {
    /// The summary of a run's scores, computed without the detail a full score report keeps
    /// (findings, rule tallies, losses): what `check --format json` carries. Each department
    /// is summarised as soon as it is scored, so its detail is never held.
    pub fn of_run(run: &Run, model: &Model) -> Summary {
        let mut departments = Vec::new();
        let scoring = each_department(run, model, Detail::Summary, |d| {
            if !d.documents.is_empty() {
                departments.push(SummaryDepartment::of(&d));
            }
        });
        Summary {
            bands: scoring.model.bands,
            government: SummaryScores::of(&scoring.government.score, &scoring.government.missions),
            departments,
            not_scored: scoring.not_scored,
        }
    }
}

impl SummaryScores {
    fn of(score: &Value, missions: &[MissionScore]) -> SummaryScores {
        SummaryScores {
            score: score.score,
            band: score.band,
            missions: missions
                .iter()
                .map(|m| SummaryMission {
                    number: m.number,
                    score: m.score.score,
                    disabled: m.score.disabled,
                })
                .collect(),
        }
    }
}

impl SummaryDepartment {
    fn of(d: &Department) -> SummaryDepartment {
        SummaryDepartment {
            organisation: d.organisation.clone(),
            scores: SummaryScores::of(&d.score, &d.missions),
        }
    }
}

/// Compute every score of the run.
pub fn score(run: &Run, model: &Model) -> ScoreReport {
    score_with(run, model, Detail::Full)
}

/// How much of each department a score keeps.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Detail {
    /// Everything a score report shows.
    Full,
    /// Only the figures a [`Summary`] reads: no findings, rule tallies or losses.
    Summary,
}

fn score_with(run: &Run, model: &Model, detail: Detail) -> ScoreReport {
    let mut departments = Vec::new();
    let scoring = each_department(run, model, detail, |d| departments.push(d));
    ScoreReport {
        version: SCORE_REPORT_VERSION.into(),
        tool: format!("{} {}", env!("CARGO_PKG_NAME"), env!("CARGO_PKG_VERSION")),
        as_of: scoring.model.as_of.clone(),
        bands: scoring.model.bands,
        missions: scoring.model.missions,
        departments,
        government: scoring.government,
        not_scored: scoring.not_scored,
        proposals_skipped: scoring.proposals_skipped,
        incomplete_rules: scoring.incomplete.into_iter().collect(),
        findings: scoring.findings,
        comparison: None,
        provenance: run.provenance.clone(),
        diagnostics: run.diagnostics.clone(),
    }
}

/// What scoring the departments leaves besides the departments themselves.
struct Scoring {
    /// The model the scores were computed with (with room for every commitment of the run).
    model: Model,
    government: Government,
    not_scored: Vec<NotScored>,
    proposals_skipped: usize,
    /// Rules that failed to run.
    incomplete: BTreeSet<String>,
    /// The scored documents' findings (a full report's only).
    findings: Vec<ScoredFinding>,
}

/// Score each department of the run in turn, handing each to `keep` as soon as it is scored:
/// only one department's tallies are held at a time, and the government's figures are summed
/// as the departments come, so what `keep` lets go of is never held for long.
fn each_department(
    run: &Run,
    model: &Model,
    detail: Detail,
    mut keep: impl FnMut(Department),
) -> Scoring {
    let model = with_commitments_of_results(run, model);
    let Intake {
        depts,
        mut not_scored,
        proposals_skipped,
        scored_doc,
    } = intake(run);
    not_scored.extend(files_without_documents(run));
    let incomplete: BTreeSet<String> = run
        .results
        .iter()
        .filter(|r| r.status == Status::Failed && !model.unscored.contains(&*r.rule))
        .map(|r| r.rule.to_string())
        .collect();
    let mut results_of: BTreeMap<&str, Vec<&RuleResult>> = BTreeMap::new();
    for r in &run.results {
        if let Some(org) = scored_doc.get(&r.doc) {
            results_of.entry(org.as_str()).or_default().push(r);
        }
    }
    let mut findings = Vec::new();
    let mut sums = government::GovernmentSums::default();
    for (org, mut acc) in depts {
        let results = results_of.remove(org.as_str()).unwrap_or_default();
        let kept = (detail == Detail::Full).then_some(&mut findings);
        tally_results(run, &model, &org, &results, &mut acc, kept);
        let mut department = department(org, acc, &model, run, detail);
        if detail == Detail::Summary {
            for c in &mut department.commitments {
                c.rules = Vec::new();
            }
        }
        sums.add(&department, &model);
        keep(department);
    }
    let government = sums.finish(run, &model, &scored_doc);
    findings.sort_by(|a, b| {
        (&a.organisation, &a.file, a.line, &a.rule, &a.path).cmp(&(
            &b.organisation,
            &b.file,
            b.line,
            &b.rule,
            &b.path,
        ))
    });
    Scoring {
        model,
        government,
        not_scored,
        proposals_skipped,
        incomplete,
        findings,
    }
}

/// The model, with room for every commitment a rule of the run names, even one no pack lists
/// (weight 1).
fn with_commitments_of_results(run: &Run, model: &Model) -> Model {
    let unscored = &model.unscored;
    let mut with = model.clone();
    for r in run.results.iter().filter(|r| !unscored.contains(&*r.rule)) {
        if let Some(c) = r.commitment() {
            with.ensure(c, r.mission());
        }
    }
    with
}

/// The run's documents sorted into departments to score and documents that cannot be.
struct Intake {
    depts: BTreeMap<String, DeptAcc>,
    not_scored: Vec<NotScored>,
    proposals_skipped: usize,
    /// Document index -> organisation, for scored documents.
    scored_doc: BTreeMap<usize, String>,
}

/// Each document of the run: a department declaration that was evaluated is scored under its
/// organisation; proposals are counted and skipped; anything else is not scored, with why.
fn intake(run: &Run) -> Intake {
    let mut out = Intake {
        depts: BTreeMap::new(),
        not_scored: Vec::new(),
        proposals_skipped: 0,
        scored_doc: BTreeMap::new(),
    };
    for (i, d) in run.documents.iter().enumerate() {
        let unscored = |organisation: Option<String>| NotScored {
            organisation,
            file: d.file.clone(),
            document: Some(d.document),
            reason: reason_of(run, &d.file, Some(d.document)),
        };
        match d.kind.as_deref() {
            Some("proposal") => {
                out.proposals_skipped += 1;
                continue;
            }
            Some("department") => {}
            Some(crate::targets::KIND) => continue,
            _ => {
                out.not_scored.push(unscored(None));
                continue;
            }
        }
        let Some(org) = d.organisation.clone() else {
            out.not_scored.push(unscored(None));
            continue;
        };
        let acc = out.depts.entry(org.clone()).or_default();
        if acc.name.is_none() {
            acc.name = d.name.clone();
        }
        if d.evaluated {
            acc.documents.push(DocRef {
                file: d.file.clone(),
                document: d.document,
            });
            out.scored_doc.insert(i, org);
        } else {
            acc.unscored += 1;
            out.not_scored.push(unscored(Some(org)));
        }
    }
    out
}

/// Files of the run that yielded no document at all (unreadable, or not YAML).
fn files_without_documents(run: &Run) -> Vec<NotScored> {
    let with_documents: BTreeSet<&str> = run.documents.iter().map(|d| d.file.as_str()).collect();
    run.sources
        .iter()
        .filter(|s| !with_documents.contains(s.name.as_str()))
        .map(|s| NotScored {
            organisation: None,
            file: s.name.clone(),
            document: None,
            reason: reason_of(run, &s.name, None),
        })
        .collect()
}

/// The rule results of one department's scored documents, added to its commitment tallies;
/// their findings added to `findings` when it is given.
fn tally_results(
    run: &Run,
    model: &Model,
    org: &str,
    results: &[&RuleResult],
    acc: &mut DeptAcc,
    mut findings: Option<&mut Vec<ScoredFinding>>,
) {
    for r in results
        .iter()
        .filter(|r| !model.unscored.contains(&*r.rule))
    {
        let Some(c) = r.commitment() else {
            continue;
        };
        let mission = model.mission_of(c).map_or(0, |m| m.number);
        let ca = acc.commitments.entry(c).or_default();
        let rt = ca
            .rules
            .entry(r.rule.to_string())
            .or_insert_with(|| RuleTally {
                rule: r.rule.to_string(),
                tally: Tally::default(),
                not_applicable: Vec::new(),
                failed_to_run: false,
            });
        let mut t = Tally::default();
        match &r.status {
            Status::Failed => rt.failed_to_run = true,
            Status::NotApplicable(reason) => {
                if !rt.not_applicable.iter().any(|r| **r == **reason) {
                    rt.not_applicable.push(reason.to_string());
                }
            }
            Status::Applied => {
                t.passed += r.passed().len();
                for &fi in &r.findings {
                    let Some(f) = run.findings.get(fi) else {
                        continue;
                    };
                    if let Some(findings) = findings.as_deref_mut() {
                        findings.push(scored_finding(f, org));
                    }
                    tally_finding(Mark::of(f), &mut t, &mut acc.failed, (Some(fi), c, mission));
                }
                // Findings kept on disk by a JSON-only run: counted alike; not priced, as
                // only a full report (never spilled) prices losses.
                for mark in r.spilled.marks() {
                    tally_finding(mark, &mut t, &mut acc.failed, (None, c, mission));
                }
            }
        }
        rt.tally.add(t);
        ca.tally.add(t);
    }
}

/// A finding of a department's declaration, as the score report lists it.
fn scored_finding(f: &crate::finding::Finding, org: &str) -> ScoredFinding {
    ScoredFinding {
        rule: f.rule.clone(),
        organisation: org.to_string(),
        kind: "department".into(),
        path: f.path.clone(),
        severity: f.severity,
        waived: f.waived,
        commitment: f.commitment,
        file: f.file.clone(),
        line: f.location.line,
        message: f.message.clone(),
        waiver: f.waiver.as_deref().cloned(),
    }
}

/// A finding counted in a rule's tally: an error fails a check (or is waived, and the
/// department's list of failures remembers which); a warning or a note passes.
fn tally_finding(
    f: Mark,
    t: &mut Tally,
    failed: &mut Vec<(usize, u32, u32, bool)>,
    (fi, c, mission): (Option<usize>, u32, u32),
) {
    match (f.severity, f.waived) {
        (Severity::Error, false) => {
            t.failed += 1;
            failed.extend(fi.map(|fi| (fi, c, mission, false)));
        }
        (Severity::Error, true) => {
            t.waived += 1;
            failed.extend(fi.map(|fi| (fi, c, mission, true)));
        }
        _ => {
            t.passed += 1;
            t.warnings += 1;
        }
    }
}

/// A department's commitment and mission scores, and the weights its losses are shared by.
struct Scored {
    commitments: Vec<CommitmentScore>,
    missions: Vec<MissionScore>,
    total: Tally,
    /// Per mission: its score with and without waivers, and its weight.
    mission_values: Vec<(Option<f64>, Option<f64>, f64)>,
    /// Per commitment: its weight and how many checks applied.
    commitment_weight: BTreeMap<u32, (f64, usize)>,
    /// Per mission: the weight of its commitments that applied.
    mission_weight: BTreeMap<u32, f64>,
}

/// One department's scores, from its tallies.
fn department(org: String, acc: DeptAcc, model: &Model, run: &Run, detail: Detail) -> Department {
    let bands = model.bands;
    let scored = commitments_and_missions(&acc, model);
    let overall = weighted_mean(
        &scored
            .mission_values
            .iter()
            .map(|(s, _, w)| (*s, *w))
            .collect::<Vec<_>>(),
    );
    let overall_without = weighted_mean(
        &scored
            .mission_values
            .iter()
            .map(|(_, s, w)| (*s, *w))
            .collect::<Vec<_>>(),
    );
    // What each failed check costs is shown only in a full report.
    let (losses, waived) = match detail {
        Detail::Full => losses(&acc, model, run, &scored),
        Detail::Summary => (Vec::new(), Vec::new()),
    };
    Department {
        organisation: org,
        name: acc.name,
        documents: acc.documents,
        score: Value::new(overall, overall_without, &bands),
        tally: scored.total,
        missions: scored.missions,
        commitments: scored.commitments,
        losses,
        waived,
        unscored_documents: acc.unscored,
    }
}

/// Each commitment's score from its tally, and each mission's as the weighted mean of its
/// commitments'.
fn commitments_and_missions(acc: &DeptAcc, model: &Model) -> Scored {
    let bands = model.bands;
    let mut out = Scored {
        commitments: Vec::new(),
        missions: Vec::new(),
        total: Tally::default(),
        mission_values: Vec::new(),
        commitment_weight: BTreeMap::new(),
        mission_weight: BTreeMap::new(),
    };
    for m in &model.missions {
        let mut with = Vec::new();
        let mut without = Vec::new();
        for c in &m.commitments {
            let Some(ca) = acc.commitments.get(&c.number) else {
                if model.disabled.contains(&c.number) {
                    out.commitments.push(CommitmentScore {
                        number: c.number,
                        mission: m.number,
                        score: Value::DISABLED,
                        tally: Tally::default(),
                        rules: Vec::new(),
                    });
                }
                continue;
            };
            let value = ca.tally.value(&bands);
            out.total.add(ca.tally);
            with.push((value.score, c.weight));
            without.push((value.without_waivers, c.weight));
            out.commitment_weight
                .insert(c.number, (c.weight, ca.tally.applicable()));
            out.commitments.push(CommitmentScore {
                number: c.number,
                mission: m.number,
                score: value,
                tally: ca.tally,
                rules: ca.rules.values().cloned().collect(),
            });
        }
        let applicable_weight: f64 = with
            .iter()
            .filter(|(v, _)| v.is_some())
            .map(|(_, w)| w)
            .sum();
        out.mission_weight.insert(m.number, applicable_weight);
        let score = weighted_mean(&with);
        let score_without = weighted_mean(&without);
        if !with.is_empty() {
            out.missions.push(MissionScore {
                number: m.number,
                score: Value::new(score, score_without, &bands),
            });
        } else if !m.commitments.is_empty()
            && m.commitments
                .iter()
                .all(|c| model.disabled.contains(&c.number))
        {
            out.missions.push(MissionScore {
                number: m.number,
                score: Value::DISABLED,
            });
        }
        out.mission_values.push((score, score_without, m.weight));
    }
    out
}

/// What each failed check cost the department, in points of its overall score (the biggest
/// first), and its waived failures (which cost nothing).
fn losses(acc: &DeptAcc, model: &Model, run: &Run, scored: &Scored) -> (Vec<Loss>, Vec<Loss>) {
    let dept_weight: f64 = scored
        .mission_values
        .iter()
        .filter(|(s, _, _)| s.is_some())
        .map(|(_, _, w)| w)
        .sum();
    let mut losses = Vec::new();
    let mut waived = Vec::new();
    for &(fi, c, mission, is_waived) in &acc.failed {
        let f = &run.findings[fi];
        let (cw, n) = scored
            .commitment_weight
            .get(&c)
            .copied()
            .unwrap_or((0.0, 0));
        let mw = model
            .missions
            .iter()
            .find(|m| m.number == mission)
            .map_or(0.0, |m| m.weight);
        let mission_total = scored.mission_weight.get(&mission).copied().unwrap_or(0.0);
        let points = if is_waived || n == 0 || mission_total <= 0.0 || dept_weight <= 0.0 {
            0.0
        } else {
            100.0 / n as f64 * (cw / mission_total) * (mw / dept_weight)
        };
        let loss = Loss {
            rule: f.rule.clone(),
            commitment: c,
            mission,
            file: f.file.clone(),
            line: f.location.line,
            path: f.path.clone(),
            message: f.message.clone(),
            points,
            waiver: f.waiver.as_deref().cloned().filter(|_| is_waived),
        };
        if is_waived {
            waived.push(loss);
        } else {
            losses.push(loss);
        }
    }
    losses.sort_by(|a, b| {
        b.points
            .total_cmp(&a.points)
            .then_with(|| (&a.file, a.line, &a.rule).cmp(&(&b.file, b.line, &b.rule)))
    });
    waived.sort_by(|a, b| (&a.file, a.line, &a.rule).cmp(&(&b.file, b.line, &b.rule)));
    (losses, waived)
}

/// Why a document (or a file with no document) was not scored: its first error.
fn reason_of(run: &Run, file: &str, document: Option<usize>) -> String {
    let mine: Vec<_> = run
        .findings_of(file, document)
        .iter()
        .filter(|f| f.commitment.is_none())
        .collect();
    let errors: Vec<_> = mine
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .collect();
    match (errors.first(), mine.first()) {
        (Some(first), _) => {
            let more = if errors.len() > 1 {
                format!(" (and {} more)", errors.len() - 1)
            } else {
                String::new()
            };
            format!(
                "{} at line {}: {}{more}",
                first.rule, first.location.line, first.message
            )
        }
        (None, Some(f)) => format!("{}: {}", f.rule, f.message),
        (None, None) => "not a department declaration".into(),
    }
}

// ---------------------------------------------------------------------------------------------
// Output

/// What the human and markdown reports show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum View {
    /// Departments by missions and overall.
    #[default]
    Mission,
    /// Commitments by departments.
    Commitment,
    /// Per department: each commitment's checks, and the checks that cost the most points.
    Department,
}

/// Output formats. A new one is a new module and one more arm in [`render`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
    Markdown,
    /// A self-contained page for boards: heatmap, mission bars, filterable findings.
    Html,
}

impl Format {
    pub const NAMES: &'static [&'static str] = &["human", "json", "markdown", "html"];

    pub fn parse(name: &str) -> Option<Format> {
        Some(match name {
            "human" => Format::Human,
            "json" => Format::Json,
            "markdown" => Format::Markdown,
            "html" => Format::Html,
            _ => return None,
        })
    }
}

/// Write the report in a format, as [`render`] makes it; the JSON report is written as it is
/// made, never held whole.
pub fn write(
    report: &ScoreReport,
    run: &Run,
    (format, view, color): (Format, View, bool),
    doc_link: html::DocLink<'_>,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    match format {
        Format::Json => json::write(report, out),
        _ => out.write_all(render(report, run, format, view, color, doc_link).as_bytes()),
    }
}

/// The report in a format. `view` shapes the human and Markdown tables; `color` the human
/// report; `doc_link` gives the HTML page a link for each rule.
pub fn render(
    report: &ScoreReport,
    run: &Run,
    format: Format,
    view: View,
    color: bool,
    doc_link: html::DocLink<'_>,
) -> String {
    match format {
        Format::Human => human::render(report, view, color),
        Format::Json => json::render(report),
        Format::Markdown => markdown::render(report, view),
        Format::Html => html::render(report, run, doc_link),
    }
}

// ---------------------------------------------------------------------------------------------
// Gates

/// Why `--min-score N` fails, if it does: every department with a score must reach N, and
/// a department none of whose documents could be scored fails (its score is unknown). A
/// department with nothing applicable (N/A) does not fail. No department at all fails.
pub fn min_score_failures(report: &ScoreReport, min: f64) -> Vec<String> {
    let mut out = Vec::new();
    if report.departments.is_empty() {
        out.push("no department declaration was scored".to_string());
    }
    for d in &report.departments {
        if d.documents.is_empty() {
            out.push(format!(
                "{}: not scored (its declaration has syntax or schema errors)",
                d.organisation
            ));
        } else if let Some(s) = d.score.score
            && s + EPSILON < min
        {
            out.push(format!(
                "{}: {} is below the minimum {}%",
                d.organisation,
                show(Some(s)),
                min
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests;
