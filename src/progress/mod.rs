//! Progress over time (`roadmap-lint progress`): declarations of one organisation with
//! different `as_of` dates form its series; each snapshot is evaluated on its own date, exactly
//! as `check` and `score` would, and scored; the report shows each department's and the
//! government's scores at every snapshot, the change since the previous snapshot and since the
//! first, the commitments that improved or regressed, and the findings fixed and introduced
//! between consecutive snapshots (matched by rule, organisation and path, never by line).
//!
//! Rules for comparing snapshots, stated in every report:
//! - every snapshot is judged in the same run, with the same rule packs, parameters and
//!   weights, so differences come from the declarations (and from the day each is judged on);
//! - a department-level target applies to the snapshots dated before its `until`: where it
//!   applies to some snapshots and not others, the report says so;
//! - a department without a declaration at a snapshot is `missing` (or `not yet joined`, before
//!   its first), never zero, and the government figure of that snapshot is the mean over the
//!   departments it has; the like-for-like change compares only departments scored at both;
//! - a declaration that could not be scored (syntax or schema errors) is `not scored
//!   (errors)`.

pub mod html;
pub mod human;
pub mod markdown;
pub mod survey;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use serde::Serialize;

use crate::date::Date;
use crate::diag::ToolDiagnostic;
use crate::load::Input;
use crate::run::{self, Options, Prepared, Provenance};
use crate::score::{self, EPSILON, Model, ScoreReport, ScoredFinding};

pub use survey::{Survey, Unplaced};

/// The JSON Schema of the JSON report.
pub const SCHEMA: &str = include_str!("../../schemas/progress.schema.json");

/// The version of the JSON report's shape (`schemas/progress.schema.json`).
pub const PROGRESS_REPORT_VERSION: &str = "1.1";

/// How declarations are grouped into snapshots.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Period {
    /// Each distinct `as_of` date is a snapshot.
    Date,
    /// Financial quarters (ending 30 June, 30 September, 31 December, 31 March).
    Quarter,
    /// Financial half-years (ending 30 September and 31 March): the board's six-monthly review.
    HalfYear,
    /// Financial years (ending 31 March).
    Year,
}

impl Period {
    pub const NAMES: &'static [&'static str] = &["date", "quarter", "half-year", "year"];

    pub fn parse(name: &str) -> Option<Period> {
        Some(match name {
            "date" => Period::Date,
            "quarter" => Period::Quarter,
            "half-year" => Period::HalfYear,
            "year" => Period::Year,
            _ => return None,
        })
    }

    /// The last day of the period holding `day`.
    pub fn end_of(self, day: Date) -> Date {
        let (y, m, _) = day.ymd();
        let months: &[i64] = match self {
            Period::Date => return day,
            Period::Quarter => &[3, 6, 9, 12],
            Period::HalfYear => &[3, 9],
            Period::Year => &[3],
        };
        // The first period end on or after the day's month, in this year or the next.
        let (year, month) = months
            .iter()
            .find(|&&e| e >= m)
            .map_or((y + 1, months[0]), |&e| (y, e));
        Date::month_end(year, month)
    }

    /// How a snapshot is named: its date, or the financial period (`2024-25 H1`).
    pub fn label(self, end: Date) -> String {
        let (y, m, _) = end.ymd();
        // The financial year starting in April of `start`.
        let start = if m <= 3 { y - 1 } else { y };
        let fy = format!("{start}-{:02}", (start + 1) % 100);
        match self {
            Period::Date => end.to_string(),
            Period::Year => fy,
            Period::HalfYear => format!("{fy} H{}", if m == 9 { 1 } else { 2 }),
            Period::Quarter => format!(
                "{fy} Q{}",
                match m {
                    6 => 1,
                    9 => 2,
                    12 => 3,
                    _ => 4,
                }
            ),
        }
    }
}

/// The progress report: every figure of every snapshot.
#[derive(Debug, Clone, Serialize)]
pub struct ProgressReport {
    pub version: String,
    pub tool: String,
    pub period: Period,
    pub snapshots: Vec<Snapshot>,
    pub bands: score::Bands,
    pub missions: Vec<score::MissionInfo>,
    pub government: Vec<GovernmentPoint>,
    pub departments: Vec<DepartmentSeries>,
    /// On what terms the snapshots compare.
    pub comparability: Comparability,
    /// The department-level targets that applied, and to which snapshots.
    pub targets: Vec<TargetUse>,
    /// Documents in no snapshot, and why.
    pub unplaced: Vec<Unplaced>,
    /// Proposals in the inputs (not scored).
    pub proposals_skipped: usize,
    /// Problems with the tool's own inputs, as printed on standard error (set by the caller).
    pub diagnostics: Vec<ToolDiagnostic>,
}

/// One snapshot of the series.
#[derive(Debug, Clone, Serialize)]
pub struct Snapshot {
    /// Its name: the date, or the financial period.
    pub label: String,
    /// The date, or the period's last day.
    pub as_of: String,
    /// Organisations with a declaration in it.
    pub organisations: Vec<String>,
}

/// A score at a snapshot, by mission.
#[derive(Debug, Clone, Serialize)]
pub struct MissionPoint {
    pub number: u32,
    pub score: Option<f64>,
}

/// The government's figures at one snapshot: the mean over the departments scored in it.
#[derive(Debug, Clone, Serialize)]
pub struct GovernmentPoint {
    pub snapshot: String,
    pub score: Option<f64>,
    pub band: Option<score::Band>,
    pub missions: Vec<MissionPoint>,
    /// Departments with an overall score at this snapshot.
    pub departments_scored: Vec<String>,
    /// Change since the previous snapshot, in percentage points.
    pub change: Option<f64>,
    /// Change since the first snapshot.
    pub change_since_first: Option<f64>,
    /// Change since the previous snapshot over the departments scored at both, and how many.
    pub like_for_like_change: Option<f64>,
    pub like_for_like_departments: usize,
    /// Departments scored for the first time at this snapshot.
    pub joined: Vec<String>,
    /// Departments seen at an earlier snapshot with no declaration at this one.
    pub missing: Vec<String>,
    /// Departments whose declaration at this snapshot could not be scored (errors).
    pub not_scored: Vec<String>,
    /// Top-75 services great at this snapshot (commitment 1), when the pack counts them.
    pub great_services: Option<usize>,
    pub great_target: Option<i64>,
}

/// Where a department stands at a snapshot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Scored,
    /// Its declaration has syntax or schema errors.
    NotScored,
    /// Declared before, and not at this snapshot.
    Missing,
    /// Before its first declaration.
    NotYetJoined,
}

impl Status {
    pub fn text(self) -> &'static str {
        match self {
            Status::Scored => "scored",
            Status::NotScored => "not scored (errors)",
            Status::Missing => "missing",
            Status::NotYetJoined => "not yet joined",
        }
    }
}

/// A department at one snapshot.
#[derive(Debug, Clone, Serialize)]
pub struct DepartmentPoint {
    pub snapshot: String,
    pub status: Status,
    /// Its declaration's own `as_of`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub as_of: Option<String>,
    pub score: Option<f64>,
    pub band: Option<score::Band>,
    pub missions: Vec<MissionPoint>,
    /// Change since its previous scored snapshot, and which that was.
    pub change: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compared_with: Option<String>,
    /// Change since its first scored snapshot.
    pub change_since_first: Option<f64>,
    /// Where the declaration is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// Why it was not scored.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Findings (unwaived errors and warnings) at this snapshot.
    pub findings: usize,
}

/// A commitment's score that moved between two snapshots.
#[derive(Debug, Clone, Serialize)]
pub struct CommitmentMove {
    pub number: u32,
    pub mission: u32,
    pub before: Option<f64>,
    pub after: Option<f64>,
    pub change: f64,
}

/// What changed between two consecutive scored snapshots of a department.
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    pub from: String,
    pub to: String,
    pub improved: Vec<CommitmentMove>,
    pub regressed: Vec<CommitmentMove>,
    /// Findings at `from` that are gone at `to`.
    pub fixed: Vec<ScoredFinding>,
    /// Findings at `to` that were not there at `from`.
    pub introduced: Vec<ScoredFinding>,
}

/// A department's series.
#[derive(Debug, Clone, Serialize)]
pub struct DepartmentSeries {
    pub organisation: String,
    pub name: Option<String>,
    /// Its first snapshot: a department that joins late is `not yet joined` before it.
    pub joined: String,
    pub points: Vec<DepartmentPoint>,
    pub steps: Vec<Step>,
}

/// On what terms the snapshots compare.
#[derive(Debug, Clone, Serialize)]
pub struct Comparability {
    /// The config file and packs every snapshot was judged with.
    pub provenance: Provenance,
    /// Parameters set by the config or `--param` for every snapshot.
    pub params: Vec<String>,
    /// What a reader must know before comparing two snapshots.
    pub notes: Vec<String>,
}

/// A department-level target and the snapshots it applied to.
#[derive(Debug, Clone, Serialize)]
pub struct TargetUse {
    pub organisation: String,
    pub param: String,
    pub value: String,
    /// Who agreed it, when, why, and until when.
    pub provenance: String,
    pub applied_to: Vec<String>,
    /// Snapshots of the organisation it did not apply to (expired, or not yet agreed).
    pub not_applied_to: Vec<String>,
}

/// Everything a progress run produced: the report, and the diagnostics of its snapshot runs
/// (each distinct one once).
pub struct Outcome {
    pub report: ProgressReport,
    pub diagnostics: Vec<ToolDiagnostic>,
}

/// Evaluate and score every snapshot of the inputs, and compare them.
pub fn progress(
    inputs: &[Input],
    prepared: &Prepared,
    options: &Options,
    model: &Model,
    period: Period,
) -> Outcome {
    let survey = survey::survey(inputs, &options.limits, period);
    // History for `ctx.previous`: those given by `--previous`, then the workspace's (which
    // holds every declaration of the series), by the one rule of `crate::history`.
    let mut history = options.history.as_deref().cloned().unwrap_or_default();
    // Snapshot runs see only part of the series: whether a `--previous` declaration was
    // compared with anything is not theirs to say.
    history.given = false;
    let history = Arc::new(history);
    // Every snapshot's run reads the same workspace: the series, in its workspace.
    let mut workspace = options
        .workspace
        .as_deref()
        .cloned()
        .unwrap_or_else(|| crate::workspace::Workspace::of_texts(&[], options.limits.clone()));
    workspace.add_inputs(
        &inputs.iter().map(|i| (i.clone(), None)).collect::<Vec<_>>(),
        &crate::workspace::NoStore,
    );
    let workspace = Arc::new(workspace);
    let mut reports: Vec<(Snapshot, ScoreReport)> = Vec::new();
    let mut diagnostics: Vec<ToolDiagnostic> = Vec::new();
    let mut seen = BTreeSet::new();
    for (end, placed) in &survey.snapshots {
        let only: BTreeSet<(String, usize)> = placed
            .iter()
            .map(|p| (p.file.clone(), p.document))
            .collect();
        let wanted: BTreeSet<usize> = placed.iter().map(|p| p.input).collect();
        let snapshot_inputs: Vec<Input> = wanted.iter().map(|&i| inputs[i].clone()).collect();
        let only = Arc::new(only);
        let snapshot_options = Options {
            only_documents: Some(only.clone()),
            history: Some(history.clone()),
            workspace: Some(workspace.clone()),
            // Portfolio rules judge the portfolio as it stood on the snapshot's date.
            portfolio_as_of: Some(*end),
            ..options.clone()
        };
        let result = run::run(&snapshot_inputs, prepared, &snapshot_options);
        for d in &result.diagnostics {
            if seen.insert(format!("{d:?}")) {
                diagnostics.push(d.clone());
            }
        }
        let report = score::score(&result, model);
        let mut organisations: Vec<String> =
            placed.iter().map(|p| p.organisation.clone()).collect();
        organisations.sort();
        reports.push((
            Snapshot {
                label: period.label(*end),
                as_of: end.to_string(),
                organisations,
            },
            report,
        ));
    }
    let report = compare(&reports, &survey, prepared, options, model, period);
    Outcome {
        report,
        diagnostics,
    }
}

/// A department's score and missions in one snapshot's score report.
fn department_at<'a>(report: &'a ScoreReport, org: &str) -> Option<&'a score::Department> {
    report
        .departments
        .iter()
        .find(|d| d.organisation == org && !d.documents.is_empty())
}

fn missions_of(model: &Model, pick: &dyn Fn(u32) -> Option<f64>) -> Vec<MissionPoint> {
    model
        .missions
        .iter()
        .map(|m| MissionPoint {
            number: m.number,
            score: pick(m.number),
        })
        .collect()
}

fn compare(
    reports: &[(Snapshot, ScoreReport)],
    survey: &Survey,
    prepared: &Prepared,
    options: &Options,
    model: &Model,
    period: Period,
) -> ProgressReport {
    let mut names: BTreeMap<String, Option<String>> = BTreeMap::new();
    for (snap, r) in reports {
        for org in &snap.organisations {
            let name = r
                .departments
                .iter()
                .find(|d| &d.organisation == org)
                .and_then(|d| d.name.clone());
            let entry = names.entry(org.clone()).or_default();
            if entry.is_none() {
                *entry = name;
            }
        }
    }
    let departments: Vec<DepartmentSeries> = names
        .into_iter()
        .map(|(org, name)| department_series(&org, name, reports, model))
        .collect();
    let government = government_series(reports, &departments, model);
    ProgressReport {
        version: PROGRESS_REPORT_VERSION.into(),
        tool: format!("{} {}", env!("CARGO_PKG_NAME"), env!("CARGO_PKG_VERSION")),
        period,
        snapshots: reports.iter().map(|(s, _)| s.clone()).collect(),
        bands: model.bands,
        missions: model.missions.clone(),
        government,
        targets: target_uses(reports, survey, options),
        comparability: comparability(reports, prepared, options),
        departments,
        unplaced: survey.unplaced.clone(),
        proposals_skipped: survey.proposals,
        diagnostics: Vec::new(),
    }
}

fn department_series(
    org: &str,
    name: Option<String>,
    reports: &[(Snapshot, ScoreReport)],
    model: &Model,
) -> DepartmentSeries {
    let joined_at = reports
        .iter()
        .position(|(s, _)| s.organisations.iter().any(|o| o == org))
        .unwrap_or(0);
    let mut points = Vec::new();
    let mut steps = Vec::new();
    let mut first: Option<(usize, f64)> = None;
    // The previous scored snapshot: its index, score and report.
    let mut previous: Option<(usize, Option<f64>)> = None;
    for (i, (snap, report)) in reports.iter().enumerate() {
        let present = snap.organisations.iter().any(|o| o == org);
        let dept = department_at(report, org);
        let status = match (present, dept) {
            (true, Some(_)) => Status::Scored,
            (true, None) => Status::NotScored,
            (false, _) if i < joined_at => Status::NotYetJoined,
            (false, _) => Status::Missing,
        };
        let score = dept.and_then(|d| d.score.score);
        let mut point = DepartmentPoint {
            snapshot: snap.label.clone(),
            status,
            as_of: None,
            score,
            band: dept.and_then(|d| d.score.band),
            missions: missions_of(model, &|n| {
                dept.and_then(|d| d.missions.iter().find(|m| m.number == n))
                    .and_then(|m| m.score.score)
            }),
            change: None,
            compared_with: None,
            change_since_first: None,
            file: None,
            reason: None,
            findings: report
                .findings
                .iter()
                .filter(|f| f.organisation == org && !f.waived)
                .count(),
        };
        if let Some(d) = dept {
            point.file = d.documents.first().map(|r| r.file.clone());
        }
        if status == Status::NotScored {
            let why = report
                .not_scored
                .iter()
                .find(|n| n.organisation.as_deref() == Some(org))
                .or_else(|| report.not_scored.first());
            point.reason = why.map(|n| n.reason.clone());
            point.file = why.map(|n| n.file.clone());
        }
        if status == Status::Scored {
            if let Some((p, before)) = previous {
                point.change = before.zip(score).map(|(b, a)| a - b);
                point.compared_with = Some(reports[p].0.label.clone());
                steps.push(step(org, &reports[p], (snap, report)));
            }
            if let (Some((_, f)), Some(s)) = (first, score) {
                point.change_since_first = Some(s - f);
            }
            if first.is_none()
                && let Some(s) = score
            {
                first = Some((i, s));
            }
            previous = Some((i, score));
        }
        points.push(point);
    }
    DepartmentSeries {
        organisation: org.to_string(),
        name,
        joined: reports
            .get(joined_at)
            .map(|(s, _)| s.label.clone())
            .unwrap_or_default(),
        points,
        steps,
    }
}

/// What changed for a department between two of its scored snapshots.
fn step(
    org: &str,
    (from_snap, from): &(Snapshot, ScoreReport),
    (to_snap, to): (&Snapshot, &ScoreReport),
) -> Step {
    let commitments = |r: &ScoreReport| -> BTreeMap<u32, (u32, Option<f64>)> {
        department_at(r, org)
            .map(|d| {
                d.commitments
                    .iter()
                    .map(|c| (c.number, (c.mission, c.score.score)))
                    .collect()
            })
            .unwrap_or_default()
    };
    let (before, after) = (commitments(from), commitments(to));
    let (mut improved, mut regressed) = (Vec::new(), Vec::new());
    for (n, (mission, a)) in &after {
        let b = before.get(n).and_then(|(_, b)| *b);
        if let (Some(b), Some(a)) = (b, a) {
            let m = CommitmentMove {
                number: *n,
                mission: *mission,
                before: Some(b),
                after: Some(*a),
                change: a - b,
            };
            if m.change > EPSILON {
                improved.push(m);
            } else if m.change < -EPSILON {
                regressed.push(m);
            }
        }
    }
    let of = |r: &ScoreReport| -> Vec<ScoredFinding> {
        r.findings
            .iter()
            .filter(|f| f.organisation == org && !f.waived)
            .cloned()
            .collect()
    };
    let (introduced, fixed, _) = score::baseline::match_findings(&of(from), &of(to));
    Step {
        from: from_snap.label.clone(),
        to: to_snap.label.clone(),
        improved,
        regressed,
        fixed,
        introduced,
    }
}

fn government_series(
    reports: &[(Snapshot, ScoreReport)],
    departments: &[DepartmentSeries],
    model: &Model,
) -> Vec<GovernmentPoint> {
    let mut out: Vec<GovernmentPoint> = Vec::new();
    let mut ever: BTreeSet<String> = BTreeSet::new();
    for (i, (snap, report)) in reports.iter().enumerate() {
        let gov = &report.government;
        let scored: Vec<String> = departments
            .iter()
            .filter(|d| d.points[i].score.is_some())
            .map(|d| d.organisation.clone())
            .collect();
        let joined: Vec<String> = scored
            .iter()
            .filter(|o| i > 0 && !ever.contains(*o))
            .cloned()
            .collect();
        let not_scored: Vec<String> = departments
            .iter()
            .filter(|d| d.points[i].status == Status::NotScored)
            .map(|d| d.organisation.clone())
            .collect();
        let missing: Vec<String> = departments
            .iter()
            .filter(|d| d.points[i].status == Status::Missing)
            .map(|d| d.organisation.clone())
            .collect();
        ever.extend(scored.iter().cloned());
        let score = gov.score.score;
        let (change, since_first) = match (out.last(), out.first()) {
            (Some(prev), Some(first)) => (
                prev.score.zip(score).map(|(b, a)| a - b),
                first.score.zip(score).map(|(b, a)| a - b),
            ),
            _ => (None, None),
        };
        // Like for like: the departments scored at both this snapshot and the one before.
        let (like, like_n) = if i == 0 {
            (None, 0)
        } else {
            let both: Vec<(f64, f64)> = departments
                .iter()
                .filter_map(|d| d.points[i - 1].score.zip(d.points[i].score))
                .collect();
            let n = both.len();
            let change = (n > 0).then(|| both.iter().map(|(b, a)| a - b).sum::<f64>() / n as f64);
            (change, n)
        };
        let portfolio = &gov.portfolio;
        out.push(GovernmentPoint {
            snapshot: snap.label.clone(),
            score,
            band: gov.score.band,
            missions: missions_of(model, &|n| {
                gov.missions
                    .iter()
                    .find(|m| m.number == n)
                    .and_then(|m| m.score.score)
            }),
            departments_scored: scored,
            change,
            change_since_first: since_first,
            like_for_like_change: like,
            like_for_like_departments: like_n,
            joined,
            missing,
            not_scored,
            great_services: portfolio.available.then_some(portfolio.great),
            great_target: portfolio.target,
        });
    }
    out
}

/// The targets that applied, snapshot by snapshot.
fn target_uses(
    reports: &[(Snapshot, ScoreReport)],
    survey: &Survey,
    options: &Options,
) -> Vec<TargetUse> {
    let Some(targets) = &options.targets else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for t in &targets.list {
        let (mut applied_to, mut not_applied_to) = (Vec::new(), Vec::new());
        for ((snap, _), placed) in reports.iter().zip(survey.snapshots.values()) {
            let Some(p) = placed.iter().find(|p| p.organisation == t.organisation) else {
                continue;
            };
            if t.applies_on(options.as_of.unwrap_or(p.as_of)) {
                applied_to.push(snap.label.clone());
            } else {
                not_applied_to.push(snap.label.clone());
            }
        }
        out.push(TargetUse {
            organisation: t.organisation.clone(),
            param: t.param.clone(),
            value: crate::targets::shown_value(&t.value),
            provenance: t.provenance(),
            applied_to,
            not_applied_to,
        });
    }
    out
}

fn comparability(
    reports: &[(Snapshot, ScoreReport)],
    prepared: &Prepared,
    options: &Options,
) -> Comparability {
    let provenance = Provenance::of(prepared, options);
    let packs: Vec<String> = provenance
        .packs
        .iter()
        .map(|p| format!("{} {}", p.name, p.version))
        .collect();
    let mut notes = vec![format!(
        "Every snapshot was judged in this run with the same rule packs ({}), parameters and weights: differences between snapshots come from the declarations, and from the day each is judged on (its own `as_of`).",
        packs.join(", ")
    )];
    notes.push(
        "A department's first snapshot has no earlier declaration, so the rules that judge change (mobile access, shared components, top-75 services moving towards great, emissions) could not judge it; from its second snapshot on they do, which can move its score."
            .into(),
    );
    let rules_failed: BTreeSet<&String> = reports
        .iter()
        .flat_map(|(_, r)| &r.incomplete_rules)
        .collect();
    if !rules_failed.is_empty() {
        notes.push(format!(
            "Some rules failed to run on some snapshots ({}): the scores they feed are incomplete there.",
            rules_failed
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if let Some(as_of) = options.as_of {
        notes.push(format!(
            "Every snapshot was judged on {as_of} (`--as-of`), not on its own date."
        ));
    }
    Comparability {
        provenance,
        params: options
            .params
            .iter()
            .map(|p| format!("{}={}", p.name, p.value))
            .collect(),
        notes,
    }
}

/// Say in a report where its series was read from (`progress --git`): the provenance names it,
/// and so does a note every format shows.
pub fn from_source(report: &mut ProgressReport, source: &str) {
    report.comparability.provenance.history = vec![source.to_string()];
    report.comparability.notes.push(format!(
        "The series was read from {source}: each snapshot holds the declarations as committed, and of several commits with the same declaration date, the newest."
    ));
}

/// Commitments whose score moved between two snapshots, as text: `C9 50% to 75% (+25.0)`,
/// with `arrow` between the two scores. Numbers only: no escaping needed.
pub fn moves_text(list: &[CommitmentMove], arrow: &str) -> String {
    list.iter()
        .map(|m| {
            format!(
                "C{} {} {arrow} {} ({})",
                m.number,
                score::show(m.before),
                score::show(m.after),
                show_change(Some(m.change))
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// A change in percentage points, as shown: `+4.0`, `-2.5`, `0.0`; `-` when unknown.
pub fn show_change(change: Option<f64>) -> String {
    match change {
        Some(c) if c.abs() < 0.05 => "0.0".into(),
        Some(c) => format!("{c:+.1}"),
        None => "-".into(),
    }
}

/// A department's figure as shown: its score, or what stands in its place.
pub fn show_point(p: &DepartmentPoint) -> String {
    match p.status {
        Status::Scored => score::show(p.score),
        other => other.text().to_string(),
    }
}

/// The output formats: the same as `score`'s.
pub use crate::score::Format;

/// The report in a format.
pub fn render(report: &ProgressReport, format: Format, color: bool) -> String {
    match format {
        Format::Human => human::render(report, color),
        Format::Json => {
            let mut s = crate::render::escape::json_pretty_string(report).unwrap_or_default();
            s.push('\n');
            s
        }
        Format::Markdown => markdown::render(report),
        Format::Html => html::render(report),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_end_on_financial_boundaries() {
        let d = |s: &str| Date::parse(s).unwrap();
        assert_eq!(Period::HalfYear.end_of(d("2024-04-01")), d("2024-09-30"));
        assert_eq!(Period::HalfYear.end_of(d("2024-10-01")), d("2025-03-31"));
        assert_eq!(Period::HalfYear.end_of(d("2025-03-31")), d("2025-03-31"));
        assert_eq!(Period::Quarter.end_of(d("2024-12-31")), d("2024-12-31"));
        assert_eq!(Period::Quarter.end_of(d("2025-01-02")), d("2025-03-31"));
        assert_eq!(Period::Year.end_of(d("2024-05-02")), d("2025-03-31"));
        assert_eq!(Period::Date.end_of(d("2024-05-02")), d("2024-05-02"));
        assert_eq!(Period::HalfYear.label(d("2024-09-30")), "2024-25 H1");
        assert_eq!(Period::HalfYear.label(d("2025-03-31")), "2024-25 H2");
        assert_eq!(Period::Quarter.label(d("2024-12-31")), "2024-25 Q3");
        assert_eq!(Period::Year.label(d("2000-03-31")), "1999-00");
    }
}
