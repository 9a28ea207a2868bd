//! The arithmetic, against runs built by hand and scores computed by hand.

use std::sync::Arc;

use super::compute::weighted_mean;
use super::*;
use crate::finding::{Finding, Severity};
use crate::run::{DocInfo, RuleResult, Status};
use crate::source::{Location, SourceFile};

fn model() -> Model {
    let c = |number| CommitmentInfo {
        number,
        text: String::new(),
        weight: 1.0,
    };
    let m = |number, commitments| MissionInfo {
        number,
        title: format!("Mission {number}"),
        weight: 1.0,
        commitments,
    };
    Model {
        missions: vec![
            m(1, vec![c(1), c(2)]),
            m(2, vec![c(3)]),
            m(4, vec![c(9), c(11)]),
        ],
        ..Model::default()
    }
}

fn mission_of(c: u32) -> u32 {
    match c {
        1 | 2 => 1,
        3 => 2,
        _ => 4,
    }
}

/// A run under construction.
#[derive(Default)]
struct Build {
    run: Run,
}

impl Build {
    fn doc(&mut self, file: &str, org: Option<&str>, kind: Option<&str>, evaluated: bool) -> usize {
        if !self.run.sources.iter().any(|s| s.name == file) {
            self.run.sources.push(Arc::new(SourceFile::new(file, "")));
        }
        let document = self.run.documents.iter().filter(|d| d.file == file).count();
        self.run.documents.push(DocInfo {
            file: file.into(),
            document,
            kind: kind.map(str::to_string),
            organisation: org.map(str::to_string),
            name: None,
            as_of: Some("2025-06-30".into()),
            evaluated,
            items: Vec::new(),
            declared: None,
            previous: None,
        });
        self.run.documents.len() - 1
    }

    fn dept(&mut self, file: &str, org: &str) -> usize {
        self.doc(file, Some(org), Some("department"), true)
    }

    /// A rule result: `passed` paths and findings as (severity, waived, path).
    fn result(
        &mut self,
        doc: usize,
        rule: &str,
        commitment: u32,
        status: Status,
        passed: usize,
        findings: &[(Severity, bool, &str)],
    ) {
        let mut indices = Vec::new();
        for (i, (severity, waived, path)) in findings.iter().enumerate() {
            indices.push(self.run.findings.len());
            self.run.findings.push(Finding {
                rule: rule.into(),
                commitment: Some(commitment),
                mission: Some(mission_of(commitment)),
                severity: *severity,
                file: self.run.documents[doc].file.clone(),
                document: self.run.documents[doc].document,
                path: path.to_string(),
                location: Location {
                    line: 10 + i,
                    column: 1,
                    ..Location::default()
                },
                message: format!("{rule} at {path}"),
                label: None,
                help: None,
                waived: *waived,
                waiver: None,
                related: Vec::new(),
                targets: Vec::new(),
                source: 0,
            });
        }
        let rule = crate::pack::RuleName::new(rule, Some(commitment), Some(mission_of(commitment)));
        let passed = (0..passed).map(|i| format!("items[{i}]")).collect();
        self.run
            .results
            .push(RuleResult::new(doc, rule, status, passed, indices));
    }
}

const E: Severity = Severity::Error;
const W: Severity = Severity::Warning;

fn close(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 1e-6)
}

fn dept<'a>(r: &'a ScoreReport, org: &str) -> &'a Department {
    r.departments
        .iter()
        .find(|d| d.organisation == org)
        .unwrap()
}

fn commitment(d: &Department, n: u32) -> &CommitmentScore {
    d.commitments.iter().find(|c| c.number == n).unwrap()
}

fn mission(d: &Department, n: u32) -> Option<&MissionScore> {
    d.missions.iter().find(|m| m.number == n)
}

/// Department A:
/// - C9: rule a passes 3 and fails 1; rule b passes 1 and warns once -> 5 of 6 = 83.33%.
/// - C11: not applicable -> N/A.
/// - C3: passes 1, one waived error -> 100% (50% without waivers).
/// - C1: applied but nothing recorded -> N/A.
///
/// M1 N/A, M2 100 (50), M4 83.33; overall (100 + 83.33) / 2 = 91.67 (without: 66.67).
fn department_a() -> Build {
    let mut b = Build::default();
    let d = b.dept("a.yaml", "A");
    b.result(
        d,
        "r9a",
        9,
        Status::Applied,
        3,
        &[(E, false, "technology.systems[0]")],
    );
    b.result(
        d,
        "r9b",
        9,
        Status::Applied,
        1,
        &[(W, false, "technology.systems[1]")],
    );
    b.result(
        d,
        "r11",
        11,
        Status::NotApplicable("no new services".into()),
        0,
        &[],
    );
    b.result(d, "r3", 3, Status::Applied, 1, &[(E, true, "one_login")]);
    b.result(d, "r1", 1, Status::Applied, 0, &[]);
    b
}

#[test]
fn commitment_mission_and_department_arithmetic() {
    let r = score(&department_a().run, &model());
    let a = dept(&r, "A");
    let c9 = commitment(a, 9);
    assert_eq!(
        c9.tally,
        Tally {
            passed: 5,
            failed: 1,
            waived: 0,
            warnings: 1
        }
    );
    assert!(close(c9.score.score, 500.0 / 6.0));
    assert_eq!(c9.score.band, Some(Band::Amber));
    assert_eq!(commitment(a, 11).score, Value::NA);
    assert_eq!(
        commitment(a, 1).score,
        Value::NA,
        "nothing recorded is N/A, not 0 or 100"
    );
    let c3 = commitment(a, 3);
    assert!(close(c3.score.score, 100.0));
    assert!(close(c3.score.without_waivers, 50.0));
    assert_eq!(mission(a, 1).unwrap().score.score, None);
    assert!(close(mission(a, 4).unwrap().score.score, 500.0 / 6.0));
    assert!(close(a.score.score, (100.0 + 500.0 / 6.0) / 2.0));
    assert!(close(a.score.without_waivers, (50.0 + 500.0 / 6.0) / 2.0));
    assert_eq!(a.score.band, Some(Band::Green));
    assert_eq!(
        show_value(&a.score, true),
        "91% green (66% without waivers)"
    );
    // The failed check costs 1/6 of C9, all of M4, half of the department: 8.33 points.
    assert_eq!(a.losses.len(), 1);
    assert!((a.losses[0].points - 100.0 / 12.0).abs() < 1e-9);
    // The waived one is shown, and costs nothing in the headline.
    assert_eq!(a.waived.len(), 1);
    assert_eq!(a.waived[0].path, "one_login");
    // One department: the government is that department.
    assert_eq!(r.government.score, a.score);
}

#[test]
fn warnings_do_not_lower_the_score() {
    let mut b = Build::default();
    let d = b.dept("w.yaml", "W");
    b.result(
        d,
        "r9a",
        9,
        Status::Applied,
        1,
        &[(W, false, "x"), (W, false, "y")],
    );
    let r = score(&b.run, &model());
    let w = dept(&r, "W");
    assert!(close(w.score.score, 100.0));
    assert_eq!(commitment(w, 9).tally.warnings, 2);
}

#[test]
fn weights_from_the_model_shift_the_means_and_the_points() {
    let mut m = model();
    m.missions
        .iter_mut()
        .find(|x| x.number == 4)
        .unwrap()
        .weight = 3.0;
    let r = score(&department_a().run, &m);
    let a = dept(&r, "A");
    // (1 * 100 + 3 * 83.33) / 4 = 87.5
    assert!(close(a.score.score, 87.5));
    // 1/6 of C9, all of M4, 3/4 of the department: 12.5 points.
    assert!((a.losses[0].points - 12.5).abs() < 1e-9);
    // Weight 0 leaves a commitment out: C9 is M4's only applicable commitment, so M4 is N/A.
    let mut m = model();
    for c in m.missions.iter_mut().flat_map(|x| x.commitments.iter_mut()) {
        if c.number == 9 {
            c.weight = 0.0;
        }
    }
    let r = score(&department_a().run, &m);
    assert_eq!(mission(dept(&r, "A"), 4).unwrap().score.score, None);
    assert!(close(dept(&r, "A").score.score, 100.0));
}

#[test]
fn all_not_applicable_is_na_and_does_not_drag_the_government() {
    let mut b = department_a();
    let n = b.dept("n.yaml", "N");
    b.result(
        n,
        "r9a",
        9,
        Status::NotApplicable("no systems".into()),
        0,
        &[],
    );
    b.result(
        n,
        "r3",
        3,
        Status::NotApplicable("health body".into()),
        0,
        &[],
    );
    let r = score(&b.run, &model());
    let na = dept(&r, "N");
    assert_eq!(na.score, Value::NA);
    assert_eq!(show_value(&na.score, true), "N/A");
    assert_eq!(r.government.score.score, dept(&r, "A").score.score);
    assert_eq!(r.government.departments_scored, 1);
    assert!(
        min_score_failures(&r, 50.0).is_empty(),
        "N/A does not fail the gate"
    );
}

#[test]
fn government_is_the_mean_of_departments_place_by_place() {
    let mut b = department_a();
    let z = b.dept("z.yaml", "Z");
    b.result(
        z,
        "r9a",
        9,
        Status::Applied,
        1,
        &[(E, false, "a"), (E, false, "b"), (E, false, "c")],
    );
    let r = score(&b.run, &model());
    // Z: C9 25%, M4 25%, overall 25%; A overall 91.67.
    assert!(close(dept(&r, "Z").score.score, 25.0));
    assert!(close(
        r.government.score.score,
        ((100.0 + 500.0 / 6.0) / 2.0 + 25.0) / 2.0
    ));
    let m4 = r
        .government
        .missions
        .iter()
        .find(|m| m.number == 4)
        .unwrap();
    assert!(close(m4.score.score, (500.0 / 6.0 + 25.0) / 2.0));
    // C3 applied to A only.
    let c3 = r
        .government
        .commitments
        .iter()
        .find(|c| c.number == 3)
        .unwrap();
    assert_eq!(c3.departments, 1);
    assert!(close(c3.score.score, 100.0));
    let failures = min_score_failures(&r, 50.0);
    assert_eq!(failures.len(), 1);
    assert!(failures[0].starts_with("Z: 25%"), "{failures:?}");
}

#[test]
fn documents_of_one_organisation_roll_up_into_one_row() {
    let mut b = Build::default();
    let one = b.dept("one.yaml", "D");
    let two = b.dept("two.yaml", "D");
    b.result(one, "r9a", 9, Status::Applied, 1, &[(E, false, "a")]);
    b.result(two, "r9a", 9, Status::Applied, 2, &[]);
    let r = score(&b.run, &model());
    assert_eq!(r.departments.len(), 1);
    let d = dept(&r, "D");
    assert_eq!(d.documents.len(), 2);
    // Pooled: 3 of 4.
    assert!(close(d.score.score, 75.0));
}

#[test]
fn empty_and_broken_documents_are_not_scored_never_zero() {
    let mut b = Build::default();
    // An empty file: no document at all.
    b.run
        .sources
        .push(Arc::new(SourceFile::new("empty.yaml", "")));
    b.run.findings.push(Finding {
        rule: "yaml-empty".into(),
        commitment: None,
        mission: None,
        severity: W,
        file: "empty.yaml".into(),
        document: 0,
        path: String::new(),
        location: Location::default(),
        message: "file holds no YAML document".into(),
        label: None,
        help: None,
        waived: false,
        waiver: None,
        related: Vec::new(),
        targets: Vec::new(),
        source: 0,
    });
    // A null document, and a department with schema errors.
    b.doc("null.yaml", None, None, false);
    b.doc("broken.yaml", Some("B"), Some("department"), false);
    // A proposal: not scored.
    b.doc("p.yaml", Some("B"), Some("proposal"), true);
    let r = score(&b.run, &model());
    assert_eq!(r.not_scored.len(), 3, "{:?}", r.not_scored);
    let empty = r
        .not_scored
        .iter()
        .find(|n| n.file == "empty.yaml")
        .unwrap();
    assert_eq!(empty.document, None);
    assert!(empty.reason.contains("yaml-empty"), "{}", empty.reason);
    assert_eq!(r.proposals_skipped, 1);
    let broken = dept(&r, "B");
    assert!(broken.documents.is_empty());
    assert_eq!(broken.unscored_documents, 1);
    assert_eq!(broken.score, Value::NA);
    assert_eq!(r.government.score, Value::NA);
    assert_eq!(r.government.departments_scored, 0);
    let grid = mission_grid(&r);
    assert_eq!(grid.rows[0].0, "B (not scored: errors)");
    assert_eq!(cell_text(&grid.rows[0].1[0]), "-");
    let failures = min_score_failures(&r, 10.0);
    assert!(failures[0].contains("not scored"), "{failures:?}");
    // Nothing at all.
    let r = score(&Run::default(), &model());
    assert_eq!(
        min_score_failures(&r, 10.0),
        vec!["no department declaration was scored"]
    );
}

#[test]
fn a_commitment_whose_only_checks_are_waived_is_na_with_waivers() {
    let mut b = Build::default();
    let d = b.dept("w.yaml", "W");
    b.result(d, "r3", 3, Status::Applied, 0, &[(E, true, "one_login")]);
    let r = score(&b.run, &model());
    let w = dept(&r, "W");
    assert_eq!(w.score.score, None);
    assert!(close(w.score.without_waivers, 0.0));
    assert_eq!(show_value(&w.score, true), "N/A (0% without waivers)");
}

#[test]
fn a_rule_that_failed_to_run_is_reported_and_counts_nothing() {
    let mut b = Build::default();
    let d = b.dept("f.yaml", "F");
    b.result(d, "r9a", 9, Status::Failed, 0, &[]);
    b.result(d, "r9b", 9, Status::Applied, 2, &[]);
    let r = score(&b.run, &model());
    assert_eq!(r.incomplete_rules, vec!["r9a"]);
    let c9 = commitment(dept(&r, "F"), 9);
    assert!(close(c9.score.score, 100.0));
    assert!(c9.rules.iter().any(|r| r.rule == "r9a" && r.failed_to_run));
}

#[test]
fn bands_and_rounding() {
    let b = Bands::default();
    assert_eq!(b.band(Some(90.0)), Some(Band::Green));
    assert_eq!(b.band(Some(89.99)), Some(Band::Amber));
    assert_eq!(b.band(Some(70.0)), Some(Band::Amber));
    assert_eq!(b.band(Some(69.9)), Some(Band::Red));
    assert_eq!(b.band(None), None);
    // Float noise in a weighted mean must not turn 90 into 89.
    let noisy = weighted_mean(&[(Some(90.0), 0.1), (Some(90.0), 0.2)]);
    assert_eq!(b.band(noisy), Some(Band::Green));
    assert_eq!(show(noisy), "90%");
    // Rounded down: 99.9 is not 100.
    assert_eq!(show(Some(99.9)), "99%");
}

#[test]
fn score_config_reads_weights_and_bands_and_rejects_nonsense() {
    let c = ScoreConfig::parse(
        "missions: {1: 2}\ncommitments: {9: 0.5}\nbands: {green: 80, amber: 60}\n",
    )
    .unwrap();
    assert_eq!(c.missions[&1], 2.0);
    assert_eq!(c.commitments[&9], 0.5);
    assert_eq!(c.bands.unwrap().green, 80.0);
    assert!(ScoreConfig::parse("missions: {1: -1}").is_err());
    assert!(ScoreConfig::parse("bands: {green: 50, amber: 60}").is_err());
    assert!(
        ScoreConfig::parse("mission: {1: 1}").is_err(),
        "unknown keys are errors"
    );
    assert_eq!(ScoreConfig::parse("").unwrap(), ScoreConfig::default());
}

/// The built-in pack's commitment 1 portfolio rule (its `score.portfolio_rule`).
const C1: &str = "top75-great-services-below-target";

#[test]
fn portfolio_counts_great_top75_services_from_the_c1_rule() {
    let text = "kind: department\norganisation: {id: D}\nservices:\n  - id: s1\n  - id: s2\n  - id: s3\n  - id: s9\n";
    let mut b = Build::default();
    b.run
        .sources
        .push(Arc::new(SourceFile::new("d.yaml", text)));
    let d = b.dept("d.yaml", "D");
    b.run.documents[d].items = ["s1", "s2", "s3", "s9"]
        .iter()
        .map(|s| Some(s.to_string()))
        .collect();
    b.result(
        d,
        C1,
        1,
        Status::Applied,
        0,
        &[(E, false, "services[2].performance")],
    );
    let passed = vec![
        "services[0]".into(),
        "services[1].performance".into(),
        "services[1]".into(),
        "services[3]".into(), // s9 is not on the top-75 list
    ];
    let last = b.run.results.last_mut().unwrap();
    last.set_checks(passed, Vec::new());
    let svc = |dept: &str, id: &str| Top75Service {
        department: dept.into(),
        id: id.into(),
        name: id.to_uppercase(),
    };
    let mut m = model();
    m.c1_rule = Some(C1.into());
    m.c1_rule_loaded = true;
    m.great_target = Some(2);
    m.top75 = vec![
        svc("D", "s1"),
        svc("D", "s2"),
        svc("D", "s3"),
        svc("D", "s5"),
        svc("E", "s4"),
    ];
    let r = score(&b.run, &m);
    let p = &r.government.portfolio;
    assert!(p.available);
    assert_eq!(p.great, 2);
    assert_eq!(p.listed, 5);
    let missing: Vec<(&str, &str)> = p
        .missing
        .iter()
        .map(|x| (x.service.id.as_str(), x.status.as_str()))
        .collect();
    assert_eq!(
        missing,
        vec![
            ("s3", "not_great"),
            ("s5", "not_declared"),
            ("s4", "department_not_in_run")
        ]
    );
    assert_eq!(
        portfolio_lines(p),
        vec![
            "great top-75 services: 2 of 5; 2 required (target met)",
            "missing from D: 1 not declared; 1 not great (s3)",
            "missing from E: 1 listed, but the department is not in this run",
        ]
    );
    // Without the rule, the facts are unknown, not zero.
    let mut m = model();
    m.c1_rule = Some(C1.into());
    let r = score(&b.run, &m);
    assert!(!r.government.portfolio.available);
    assert_eq!(
        portfolio_lines(&r.government.portfolio),
        vec!["not available: the rule `top75-great-services-below-target` is not loaded"]
    );
}

#[test]
fn baseline_matches_findings_by_rule_organisation_kind_and_path_not_line() {
    let before = score(&department_a().run, &model());
    // The same findings on other lines and in another file: no change.
    let mut moved = department_a();
    for f in &mut moved.run.findings {
        f.location.line += 40;
        f.file = "elsewhere.yaml".into();
    }
    let c = baseline::compare(&before, &score(&moved.run, &model()));
    assert!(c.appeared.is_empty() && c.disappeared.is_empty() && c.changed.is_empty());
    assert!(c.regressions.is_empty());
    assert!(!c.departments[0].overall.moved());

    // One more failure in C9: it appears, and the scores fall.
    let mut worse = department_a();
    worse.result(
        0,
        "r9a",
        9,
        Status::Applied,
        0,
        &[(E, false, "technology.systems[7]")],
    );
    let after = score(&worse.run, &model());
    let c = baseline::compare(&before, &after);
    assert_eq!(c.appeared.len(), 1);
    assert_eq!(c.appeared[0].path, "technology.systems[7]");
    assert!(c.disappeared.is_empty());
    let a = &c.departments[0];
    assert!(a.overall.dropped());
    assert_eq!(a.commitments.len(), 1);
    assert_eq!(a.commitments[0].number, 9);
    assert!(!c.regressions.is_empty());
    // And back: the finding disappears, and nothing regressed.
    let c = baseline::compare(&after, &before);
    assert_eq!(c.disappeared.len(), 1);
    assert!(c.regressions.is_empty());
}

#[test]
fn baseline_survives_a_json_round_trip() {
    let report = score(&department_a().run, &model());
    let text = json::render(&report);
    let back: ScoreReport = serde_json::from_str(&text).unwrap();
    let c = baseline::compare(&back, &report);
    assert!(c.regressions.is_empty(), "{:?}", c.regressions);
    assert!(c.appeared.is_empty() && c.disappeared.is_empty());
}

#[test]
fn text_reports_show_both_scores_where_waivers_matter() {
    let r = score(&department_a().run, &model());
    let text = human::render(&r, View::Department, false);
    assert!(
        text.contains("\nA: 91% green (66% without waivers)\n"),
        "{text}"
    );
    assert!(
        text.contains(
            "Waived checks (not counted in the score):\n    C3 r3  one_login (a.yaml:10)"
        ),
        "{text}"
    );
    assert!(
        text.contains("  A: 91% green (66% without waivers); 1 waived check(s)"),
        "{text}"
    );
    let md = markdown::render(&r, View::Mission);
    assert!(md.contains("- A: 91% green (66% without waivers)"), "{md}");
    assert!(!text.contains('\x1b'));
}
