//! The shipped example declarations against the rules for commitments 8 and 10-21: the HMRC
//! example raises each problem its comments mark, exactly where they mark it, and nothing more
//! from these rules; the DWP example raises nothing and every rule still judges it.

use std::path::PathBuf;

use roadmap_lint::Severity;
use roadmap_lint::internal::load::Input;
use roadmap_lint::internal::run::{self, Options, Run, Status};

/// The rules under test: commitments 8 and 10-21 (C9 and C11's confidence rule predate them).
const RULES: &[&str] = &[
    "common-repository-not-used",
    "common-component-exception-without-reason",
    "legacy-red-system-without-remediation-plan",
    "legacy-rating-disagrees-with-scores",
    "legacy-remediation-plan-unfunded",
    "legacy-remediation-plan-overdue",
    "legacy-system-not-rated",
    "secure-by-design-risk-owner-missing",
    "mobile-app-strategy-not-agreed",
    "emerging-technology-review-process-missing",
    "emerging-technology-review-overdue",
    "ai-opportunity-without-transparency-record",
    "sustainability-lead-missing",
    "sustainability-strategy-not-published",
    "technology-emissions-not-decreasing",
    "ddat-role-definitions-not-aligned",
    "ddat-pay-framework-not-adopted",
    "recruitment-standard-not-embedded",
    "time-to-hire-above-target",
    "senior-civil-servants-upskilling-below-target",
    "senior-learning-not-in-performance-standards",
    "ddat-training-below-target",
    "ddat-skills-recording-below-target",
    "ddat-vacancy-objective-not-set",
    "ddat-vacancies-above-target",
    "diversity-roadmap-not-published",
    "diversity-roadmap-without-committed-date",
    "funding-reform-not-implemented",
    "self-assessment-below-good",
    "self-assessment-out-of-date",
];

fn check(file: &str) -> Run {
    let options = Options::builtin().only_rules(RULES.iter().copied());
    let prepared = run::prepare(&options);
    assert!(
        prepared.diagnostics.is_empty(),
        "{:?}",
        prepared.diagnostics
    );
    let result = run::run(
        &[Input::File(PathBuf::from("fixtures/examples").join(file))],
        &prepared,
        &options,
    );
    assert!(
        result.diagnostics().is_empty(),
        "{:?}",
        result.diagnostics()
    );
    result
}

#[test]
fn every_rule_is_loaded() {
    let options = Options::builtin();
    let prepared = run::prepare(&options);
    let ids: Vec<String> = prepared.rules.rules().map(|(_, r)| r.id.clone()).collect();
    for rule in RULES {
        assert!(ids.iter().any(|id| id == rule), "`{rule}` is not loaded");
    }
}

#[test]
fn hmrc_example_raises_each_marked_problem_and_no_other() {
    let result = check("hmrc-needs-work.yaml");
    // Only these rules' findings: waiver findings and other rules are not under test here.
    let mut actual: Vec<(&str, &str, usize, Severity)> = result
        .findings()
        .iter()
        .filter(|f| RULES.contains(&f.rule.as_str()))
        .map(|f| {
            (
                f.rule.as_str(),
                f.path.as_str(),
                f.location.line,
                f.severity,
            )
        })
        .collect();
    actual.sort();
    use Severity::{Error, Warning};
    let mut expected = vec![
        (
            "common-component-exception-without-reason",
            "services[3].common_components.exception_reason",
            96,
            Error,
        ),
        (
            "secure-by-design-risk-owner-missing",
            "services[4].secure_by_design.risk_owner",
            118,
            Error,
        ),
        (
            "common-repository-not-used",
            "technology.reuse.uses_common_repository",
            160,
            Error,
        ),
        (
            "legacy-red-system-without-remediation-plan",
            "technology.systems[2].legacy.remediation_plan.agreed",
            181,
            Error,
        ),
        (
            "legacy-rating-disagrees-with-scores",
            "technology.systems[3].legacy.rating",
            187,
            Error,
        ),
        (
            "mobile-app-strategy-not-agreed",
            "technology.mobile.strategy_agreed",
            197,
            Error,
        ),
        (
            "ai-opportunity-without-transparency-record",
            "technology.emerging_technology.opportunities[1].transparency_record",
            204,
            Error,
        ),
        (
            "technology-emissions-not-decreasing",
            "technology.sustainability.emissions_tco2e[2].value",
            211,
            Error,
        ),
        (
            "time-to-hire-above-target",
            "workforce.average_time_to_hire_days",
            217,
            Error,
        ),
        (
            "senior-civil-servants-upskilling-below-target",
            "workforce.senior_civil_servants.upskilled",
            220,
            Error,
        ),
        (
            "ddat-training-below-target",
            "workforce.ddat.trained_last_12_months",
            224,
            Error,
        ),
        (
            "ddat-vacancies-above-target",
            "workforce.ddat.vacancies",
            226,
            Warning,
        ),
        (
            "diversity-roadmap-without-committed-date",
            "workforce.diversity_roadmap.committed_date",
            230,
            Error,
        ),
        (
            "funding-reform-not-implemented",
            "transformation.reforms_implemented",
            233,
            Error,
        ),
        (
            "funding-reform-not-implemented",
            "transformation.reforms_implemented",
            233,
            Error,
        ),
        (
            "self-assessment-below-good",
            "transformation.self_assessment.product_centric",
            236,
            Error,
        ),
    ];
    expected.sort();
    assert_eq!(actual, expected);

    // The figures behind the messages are computed from the counts.
    let message = |rule: &str| {
        result
            .findings()
            .iter()
            .find(|f| f.rule == rule)
            .map(|f| f.message.clone())
            .unwrap()
    };
    assert!(message("senior-civil-servants-upskilling-below-target").contains("71.4% "));
    assert!(message("ddat-vacancies-above-target").contains("17.3% "));
    assert!(message("legacy-rating-disagrees-with-scores").contains("23.3"));
    assert!(
        message("legacy-red-system-without-remediation-plan")
            .contains("deadline 2025-03-31: 91 days overdue")
    );
}

#[test]
fn dwp_example_is_judged_by_every_rule_and_passes() {
    let result = check("dwp-compliant.yaml");
    assert!(
        result.findings().is_empty(),
        "{:#?}",
        result
            .findings()
            .iter()
            .map(|f| (&f.rule, &f.path, &f.message))
            .collect::<Vec<_>>()
    );
    for rule in RULES {
        let r = run::results(&result)
            .iter()
            .find(|r| *r.rule == **rule)
            .unwrap_or_else(|| panic!("no result for `{rule}`"));
        if *rule == "common-component-exception-without-reason" {
            // No DWP service takes an exception.
            assert!(
                matches!(r.status, Status::NotApplicable(_)),
                "{rule}: {:?}",
                r.status
            );
        } else {
            assert_eq!(r.status, Status::Applied, "{rule}");
            assert!(!r.passed().is_empty(), "`{rule}` recorded no passed checks");
        }
    }
    // Each item is a check: the three reforms, both self-assessed areas, the two red-rated or
    // scored legacy systems.
    let passed = |rule: &str| {
        run::results(&result)
            .iter()
            .find(|r| &*r.rule == rule)
            .map(|r| r.passed().len())
            .unwrap()
    };
    assert_eq!(passed("funding-reform-not-implemented"), 3);
    assert_eq!(passed("self-assessment-below-good"), 2);
    assert_eq!(passed("legacy-rating-disagrees-with-scores"), 2);
    assert_eq!(passed("legacy-system-not-rated"), 3);
    assert_eq!(passed("ai-opportunity-without-transparency-record"), 2);
}
