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
mod compute;
mod government;
pub mod html;
pub mod human;
pub mod json;
pub mod markdown;
pub mod portfolio;
mod report;
mod summary;
pub mod text;

pub use compute::score;
pub use report::*;
pub use summary::Summary;
pub use text::{
    Grid, bands_text, cell_text, commitment_grid, mission_grid, portfolio_lines, show_delta,
    tally_text,
};

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::diag::{Code, ToolDiagnostic};
use crate::run::{Prepared, Run};

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
