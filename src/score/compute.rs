//! The arithmetic: each department's tallies from its documents' rule results, its commitment,
//! mission and overall scores, what each failed check cost it, and why documents were not
//! scored.

use std::collections::{BTreeMap, BTreeSet};

use super::{
    CommitmentScore, Department, DocRef, Government, Loss, MissionScore, Model, NotScored,
    RuleTally, SCORE_REPORT_VERSION, ScoreReport, ScoredFinding, Tally, Value, government,
};
use crate::finding::Severity;
use crate::run::{Mark, RuleResult, Run, Status};

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
pub(super) fn weighted_mean(items: &[(Option<f64>, f64)]) -> Option<f64> {
    let (sum, weight) = items
        .iter()
        .filter_map(|(v, w)| v.map(|v| (v * w, *w)))
        .fold((0.0, 0.0), |(s, t), (x, w)| (s + x, t + w));
    (weight > 0.0).then(|| sum / weight)
}

/// Compute every score of the run.
pub fn score(run: &Run, model: &Model) -> ScoreReport {
    score_with(run, model, Detail::Full)
}

/// How much of each department a score keeps.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Detail {
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
pub(super) struct Scoring {
    /// The model the scores were computed with (with room for every commitment of the run).
    pub(super) model: Model,
    pub(super) government: Government,
    pub(super) not_scored: Vec<NotScored>,
    pub(super) proposals_skipped: usize,
    /// Rules that failed to run.
    pub(super) incomplete: BTreeSet<String>,
    /// The scored documents' findings (a full report's only).
    pub(super) findings: Vec<ScoredFinding>,
}

/// Score each department of the run in turn, handing each to `keep` as soon as it is scored:
/// only one department's tallies are held at a time, and the government's figures are summed
/// as the departments come, so what `keep` lets go of is never held for long.
pub(super) fn each_department(
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
        if let Some(org) = scored_doc.get(&r.doc()) {
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
