//! What `check` shows, as opposed to what it finds: `--statistics` (counts by rule and
//! severity) and `--min-severity` (a display filter that never changes the exit code).

use serde_json::Value;

use crate::harness::cli;

fn check(args: &[&str]) -> (i32, String) {
    let out = cli()
        .args([
            "check",
            "--config",
            "tests/data/ci-config.yaml",
            "--as-of",
            "2025-06-30",
            "--color",
            "never",
            "tests/data/ci",
        ])
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
    )
}

#[test]
fn statistics_count_each_rule_by_severity() {
    let (code, out) = check(&["--statistics"]);
    assert_eq!(code, 1, "the exit code is the check's: {out}");
    insta::assert_snapshot!(out, @r"
     count  waived  rule                        severity  title
         1       0  hosting-not-cloud-aligned   error     Nationally important system off cloud with neither a hosting case nor a plan
         1       0  one-login-strategy-overdue  error     One Login adoption strategy missing or confirmed after the deadline
         0       1  resilience-test-overdue     error     Nationally important system not resilience tested within a year
         1       0  waiver-expired              error     Waiver expired
         1       0  yaml-duplicate-key          error     Duplicate key
         1       0  waiver-expiring             warning   Waiver expiring soon
         1       0  waiver-unused               warning   Waiver matches nothing
    4 errors, 2 warnings, 1 waived in 2 documents from 2 files
    ");
}

#[test]
fn min_severity_hides_lower_findings_but_not_the_failure() {
    let severities = |out: &str| -> Vec<String> {
        let report: Value = serde_json::from_str(out).unwrap();
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["severity"].as_str().unwrap().to_string())
            .collect()
    };
    let (_, all) = check(&["--format", "json"]);
    assert!(severities(&all).iter().any(|s| s == "warning"));
    let (code, shown) = check(&["--format", "json", "--min-severity", "error"]);
    assert_eq!(code, 1);
    let shown = severities(&shown);
    assert!(
        !shown.is_empty() && shown.iter().all(|s| s == "error"),
        "{shown:?}"
    );
    // Hidden warnings still fail a run that fails on warnings.
    let (code, out) = check(&[
        "--format",
        "concise",
        "--min-severity",
        "error",
        "--fail-on",
        "warning",
    ]);
    assert_eq!(code, 1);
    assert!(!out.contains("warning["), "{out}");
    assert!(out.contains("error[hosting-not-cloud-aligned]"), "{out}");
}
