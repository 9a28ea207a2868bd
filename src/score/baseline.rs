//! Change over time: compare a score report with a saved one (`score --format json`).
//!
//! Scores are compared place by place (department, mission, commitment, government). Findings
//! are matched by rule, document identity (organisation id and kind) and path, never by file
//! name or line, so moving a block within a file, or a document to another file, is no change.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{Department, EPSILON, ScoreReport, ScoredFinding, Value};
use crate::diag::{Code, ToolDiagnostic};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Comparison {
    /// The baseline's `--as-of` date, if it had one.
    pub baseline_as_of: Option<String>,
    pub government: Delta,
    /// Government mission and commitment figures that moved.
    #[serde(default)]
    pub government_missions: Vec<NumberedDelta>,
    #[serde(default)]
    pub government_commitments: Vec<NumberedDelta>,
    pub departments: Vec<DepartmentDelta>,
    /// Findings present now and not in the baseline.
    pub appeared: Vec<ScoredFinding>,
    /// Findings of the baseline that are gone.
    pub disappeared: Vec<ScoredFinding>,
    /// Findings in both whose severity or waiver changed: (before, after).
    pub changed: Vec<(ScoredFinding, ScoredFinding)>,
    /// What makes `--fail-on-regression` fail; empty when nothing got worse.
    pub regressions: Vec<String>,
}

/// A score then and now, in percent (`None`: N/A or absent).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Delta {
    pub before: Option<f64>,
    pub after: Option<f64>,
    /// `after - before` when both exist.
    pub change: Option<f64>,
}

impl Delta {
    fn of(before: Option<f64>, after: Option<f64>) -> Delta {
        Delta {
            before,
            after,
            change: before.zip(after).map(|(b, a)| a - b),
        }
    }
    /// Whether anything differs (a change of score, or to or from N/A).
    pub fn moved(&self) -> bool {
        match self.change {
            Some(c) => c.abs() > EPSILON,
            None => self.before.is_some() != self.after.is_some(),
        }
    }
    pub fn dropped(&self) -> bool {
        self.change.is_some_and(|c| c < -EPSILON)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DepartmentDelta {
    pub organisation: String,
    /// `compared`, `added` (not in the baseline) or `removed` (not scored now).
    pub status: String,
    pub overall: Delta,
    /// Missions and commitments whose score moved.
    pub missions: Vec<NumberedDelta>,
    pub commitments: Vec<NumberedDelta>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NumberedDelta {
    pub number: u32,
    #[serde(flatten)]
    pub delta: Delta,
}

/// Read a saved score report.
pub fn load(path: &Path) -> Result<ScoreReport, ToolDiagnostic> {
    let name = path.display().to_string();
    let help = "save a baseline with `roadmap-lint score --format json PATH... > baseline.json`";
    let text = std::fs::read_to_string(path).map_err(|e| {
        ToolDiagnostic::new(Code::BaselineUnreadable, format!("cannot read {name}: {e}"))
            .file(name.clone())
            .help(help)
    })?;
    let report: ScoreReport = serde_json::from_str(&text).map_err(|e| {
        ToolDiagnostic::new(
            Code::BaselineInvalid,
            format!("{name} is not a score report: {e}"),
        )
        .file(name.clone())
        .help(help)
    })?;
    let major = |v: &str| v.split('.').next().unwrap_or_default().to_string();
    if major(&report.version) != major(super::SCORE_REPORT_VERSION) {
        return Err(ToolDiagnostic::new(
            Code::BaselineInvalid,
            format!(
                "{name} is a version {} score report; this tool reads version {}",
                report.version,
                super::SCORE_REPORT_VERSION
            ),
        )
        .file(name)
        .help(help));
    }
    Ok(report)
}

/// Compare `now` with `before`.
pub fn compare(before: &ScoreReport, now: &ScoreReport) -> Comparison {
    let mut regressions = Vec::new();
    let government = Delta::of(before.government.score.score, now.government.score.score);
    if government.dropped() {
        regressions.push(format!(
            "government score fell from {} to {}",
            super::show(government.before),
            super::show(government.after)
        ));
    }
    let departments = departments(before, now, &mut regressions);
    let (appeared, disappeared, changed) = match_findings(&before.findings, &now.findings);
    let gov_missions = |r: &ScoreReport| -> Vec<(u32, Value)> {
        r.government
            .missions
            .iter()
            .map(|m| (m.number, m.score))
            .collect()
    };
    let gov_commitments = |r: &ScoreReport| -> Vec<(u32, Value)> {
        r.government
            .commitments
            .iter()
            .map(|c| (c.number, c.score))
            .collect()
    };
    Comparison {
        baseline_as_of: before.as_of.clone(),
        government,
        government_missions: numbered(gov_missions(before), gov_missions(now)),
        government_commitments: numbered(gov_commitments(before), gov_commitments(now)),
        departments,
        appeared,
        disappeared,
        changed,
        regressions,
    }
}

/// Each organisation scored in either report, in order, compared; its regressions are added
/// to `regressions`.
fn departments(
    before: &ScoreReport,
    now: &ScoreReport,
    regressions: &mut Vec<String>,
) -> Vec<DepartmentDelta> {
    let old: BTreeMap<&str, &Department> = before
        .departments
        .iter()
        .map(|d| (d.organisation.as_str(), d))
        .collect();
    let new: BTreeMap<&str, &Department> = now
        .departments
        .iter()
        .map(|d| (d.organisation.as_str(), d))
        .collect();
    let mut orgs: Vec<&str> = old.keys().chain(new.keys()).copied().collect();
    orgs.sort_unstable();
    orgs.dedup();
    orgs.into_iter()
        .filter_map(|org| {
            let b = old.get(org).copied().filter(|d| !d.documents.is_empty());
            let a = new.get(org).copied().filter(|d| !d.documents.is_empty());
            department(org, b, a, regressions)
        })
        .collect()
}

/// One organisation's change: added, removed or compared (`None` when scored in neither).
fn department(
    org: &str,
    b: Option<&Department>,
    a: Option<&Department>,
    regressions: &mut Vec<String>,
) -> Option<DepartmentDelta> {
    let status = match (b, a) {
        (Some(_), Some(_)) => "compared",
        (None, Some(_)) => "added",
        (Some(_), None) => "removed",
        (None, None) => return None,
    };
    let value = |d: Option<&Department>| d.and_then(|d| d.score.score);
    let overall = Delta::of(value(b), value(a));
    if status == "removed" {
        regressions.push(format!(
            "{org} was scored in the baseline ({}) and is not scored now",
            super::show(overall.before)
        ));
    }
    if overall.dropped() {
        regressions.push(format!(
            "{org} fell from {} to {}",
            super::show(overall.before),
            super::show(overall.after)
        ));
    }
    let pick = |d: Option<&Department>, f: &dyn Fn(&Department) -> Vec<(u32, Value)>| {
        d.map(f).unwrap_or_default()
    };
    let missions_of = |d: &Department| d.missions.iter().map(|m| (m.number, m.score)).collect();
    let commitments_of =
        |d: &Department| d.commitments.iter().map(|c| (c.number, c.score)).collect();
    let missions = numbered(pick(b, &missions_of), pick(a, &missions_of));
    let commitments = numbered(pick(b, &commitments_of), pick(a, &commitments_of));
    if status == "compared" {
        for (what, list) in [("mission", &missions), ("commitment", &commitments)] {
            for n in list.iter().filter(|n| n.delta.dropped()) {
                regressions.push(format!(
                    "{org} {what} {} fell from {} to {}",
                    n.number,
                    super::show(n.delta.before),
                    super::show(n.delta.after)
                ));
            }
        }
    }
    Some(DepartmentDelta {
        organisation: org.to_string(),
        status: status.into(),
        overall,
        missions,
        commitments,
    })
}

fn numbered(before: Vec<(u32, Value)>, after: Vec<(u32, Value)>) -> Vec<NumberedDelta> {
    let b: BTreeMap<u32, Option<f64>> = before.into_iter().map(|(n, v)| (n, v.score)).collect();
    let a: BTreeMap<u32, Option<f64>> = after.into_iter().map(|(n, v)| (n, v.score)).collect();
    let mut numbers: Vec<u32> = b.keys().chain(a.keys()).copied().collect();
    numbers.sort_unstable();
    numbers.dedup();
    numbers
        .into_iter()
        .map(|n| NumberedDelta {
            number: n,
            delta: Delta::of(b.get(&n).copied().flatten(), a.get(&n).copied().flatten()),
        })
        .filter(|n| n.delta.moved())
        .collect()
}

type Key = (String, String, String, String);

fn key(f: &ScoredFinding) -> Key {
    (
        f.rule.clone(),
        f.organisation.clone(),
        f.kind.clone(),
        f.path.clone(),
    )
}

/// Match findings by (rule, organisation, kind, path) as multisets: the n-th occurrence of a
/// key now pairs with its n-th occurrence in the baseline.
#[allow(clippy::type_complexity)]
pub fn match_findings(
    before: &[ScoredFinding],
    now: &[ScoredFinding],
) -> (
    Vec<ScoredFinding>,
    Vec<ScoredFinding>,
    Vec<(ScoredFinding, ScoredFinding)>,
) {
    let mut old: BTreeMap<Key, Vec<&ScoredFinding>> = BTreeMap::new();
    for f in before {
        old.entry(key(f)).or_default().push(f);
    }
    let mut new: BTreeMap<Key, Vec<&ScoredFinding>> = BTreeMap::new();
    for f in now {
        new.entry(key(f)).or_default().push(f);
    }
    let (mut appeared, mut disappeared, mut changed) = (Vec::new(), Vec::new(), Vec::new());
    for (k, list) in &new {
        let olds = old.get(k).map(Vec::as_slice).unwrap_or_default();
        for (i, f) in list.iter().enumerate() {
            match olds.get(i) {
                None => appeared.push((*f).clone()),
                Some(o) if o.severity != f.severity || o.waived != f.waived => {
                    changed.push(((*o).clone(), (*f).clone()))
                }
                Some(_) => {}
            }
        }
    }
    for (k, list) in &old {
        let count = new.get(k).map_or(0, Vec::len);
        disappeared.extend(list.iter().skip(count).map(|f| (*f).clone()));
    }
    (appeared, disappeared, changed)
}
