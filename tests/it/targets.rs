//! Department-level targets: a targets file the config names sets a pack parameter for one
//! organisation; findings say which target they were judged against; mistakes in the file are
//! diagnostics at their lines.

use std::path::Path;

use crate::harness::{cli, root};

/// A folder with a config naming `targets`, and DWP's declaration with the given time to hire.
fn setup(dir: &Path, targets: &str, time_to_hire: u32) {
    std::fs::write(dir.join(".roadmap-lint.yaml"), "targets: targets.yaml\n").unwrap();
    std::fs::write(dir.join("targets.yaml"), targets).unwrap();
    let dwp = std::fs::read_to_string(root().join("fixtures/examples/dwp-compliant.yaml")).unwrap();
    let dwp = dwp.replace(
        "average_time_to_hire_days: 28",
        &format!("average_time_to_hire_days: {time_to_hire}"),
    );
    std::fs::write(dir.join("dwp.yaml"), dwp).unwrap();
}

fn check(dir: &Path) -> (i32, serde_json::Value) {
    let out = cli()
        .current_dir(dir)
        .args([
            "check",
            "--format",
            "json",
            "--rule",
            "time-to-hire-above-target",
            "dwp.yaml",
        ])
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        serde_json::from_slice(&out.stdout).unwrap(),
    )
}

const TARGET: &str = "schema_version: 1\nkind: targets\ntargets:\n  - organisation: DWP\n    param: time_to_hire_days\n    value: 40\n    agreed_by: CDDO\n    agreed_on: 2025-01-15\n    reason: A tight market\n    until: 2026-03-31\n";

#[test]
fn a_finding_names_the_target_it_was_judged_against() {
    let dir = tempfile::tempdir().unwrap();
    setup(dir.path(), TARGET, 41);
    let (code, report) = check(dir.path());
    assert_eq!(code, 1);
    let f = &report["findings"][0];
    assert_eq!(f["rule"], "time-to-hire-above-target");
    assert!(f["message"].as_str().unwrap().contains("40 days"), "{f}");
    let target = f["targets"][0].as_str().unwrap();
    assert_eq!(
        target,
        "DWP's agreed target `time_to_hire_days` = 40 (agreed by CDDO on 2025-01-15, until 2026-03-31: A tight market)"
    );
    assert!(
        f["help"]
            .as_str()
            .unwrap()
            .contains("judged against DWP's agreed target")
    );
    // Within the target (the pack's 30 would fail it): no finding.
    setup(dir.path(), TARGET, 35);
    let (code, report) = check(dir.path());
    assert_eq!(code, 0, "{report}");
}

#[test]
fn an_expired_target_no_longer_applies_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    setup(dir.path(), &TARGET.replace("2026-03-31", "2025-01-31"), 35);
    let (code, report) = check(dir.path());
    assert_eq!(code, 1, "the pack's 30 days apply again: {report}");
    let diag = &report["diagnostics"][0];
    assert_eq!(diag["code"], "target-expired");
    assert!(
        diag["file"].as_str().unwrap().ends_with("targets.yaml"),
        "{diag}"
    );
    assert_eq!(diag["line"], 4);
}

#[test]
fn mistakes_in_the_targets_file_point_at_their_lines() {
    let dir = tempfile::tempdir().unwrap();
    let bad = TARGET.replace("param: time_to_hire_days", "param: time_to_hire_dayz")
        + "  - organisation: DWQ\n    param: training_pct\n    value: soon\n    agreed_by: CDDO\n    agreed_on: 2025-01-15\n    reason: x\n";
    setup(dir.path(), &bad, 35);
    let (code, report) = check(dir.path());
    assert_eq!(code, 2);
    let diags: Vec<(String, u64, String)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap_or(0),
                d["help"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert!(
        diags
            .iter()
            .any(|(c, l, h)| c == "target-unknown" && *l == 4 && h.contains("time_to_hire_days")),
        "{diags:?}"
    );
    assert!(
        diags
            .iter()
            .any(|(c, l, _)| c == "target-unknown" && *l == 13),
        "wrong type at the value: {diags:?}"
    );
    assert!(
        diags
            .iter()
            .any(|(c, l, h)| c == "target-unknown" && *l == 11 && h.contains("DWP")),
        "unknown organisation: {diags:?}"
    );
    // The schema's own checks, with lines.
    std::fs::write(
        dir.path().join("targets.yaml"),
        "schema_version: 1\nkind: targets\ntargets:\n  - organisation: DWP\n    param: x\n",
    )
    .unwrap();
    let out = cli()
        .current_dir(dir.path())
        .args(["check", "dwp.yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("schema-missing-key") && err.contains("targets.yaml:4"),
        "{err}"
    );
}

#[test]
fn a_targets_file_met_in_a_folder_is_checked_as_targets_not_as_a_declaration() {
    let dir = tempfile::tempdir().unwrap();
    setup(dir.path(), TARGET, 28);
    let out = cli()
        .current_dir(dir.path())
        .args(["check", "--format", "json", "."])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let codes: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert!(!codes.contains(&"schema-unknown-kind"), "{codes:?}");
    assert_eq!(out.status.code(), Some(0), "{codes:?}");

    // Met in a folder whose config does not name it, a mistake in it is still reported at its
    // line.
    std::fs::remove_file(dir.path().join(".roadmap-lint.yaml")).unwrap();
    std::fs::write(
        dir.path().join("targets.yaml"),
        TARGET.replace("    value: 40\n", ""),
    )
    .unwrap();
    let out = cli()
        .current_dir(dir.path())
        .args(["check", "--format", "json", "targets.yaml"])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let text = report.to_string();
    assert!(text.contains("schema-missing-key"), "{text}");
}

#[test]
fn a_config_cannot_name_a_targets_file_outside_its_folder() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.yaml"), "password: hunter2\n").unwrap();
    let dir = tempfile::tempdir().unwrap();
    // Named by an absolute path, and by a link inside the folder: neither is read.
    for (name, target) in [
        (
            "abs",
            outside.path().join("secret.yaml").display().to_string(),
        ),
        ("link", "linked.yaml".to_string()),
    ] {
        let work = dir.path().join(name);
        std::fs::create_dir(&work).unwrap();
        std::os::unix::fs::symlink(outside.path().join("secret.yaml"), work.join("linked.yaml"))
            .unwrap();
        std::fs::write(
            work.join(".roadmap-lint.yaml"),
            format!("targets: {target}\n"),
        )
        .unwrap();
        std::fs::copy(root().join(crate::harness::GOOD), work.join("d.yaml")).unwrap();
        let out = cli()
            .current_dir(&work)
            .args(["check", "d.yaml"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("targets-invalid") && err.contains("outside"),
            "{err}"
        );
        assert!(!err.contains("hunter2"), "{err}");
    }
}

/// Targets that cannot all hold are refused at their lines: two in force on the same day for
/// one parameter (a finding quoted both, and the last won), one that ends before it was agreed,
/// and a value outside the parameter's range.
#[test]
fn targets_that_contradict_each_other_or_the_parameter_are_refused() {
    // An invalid targets file stops the run before it starts, like a bad config.
    let refused = |dir: &Path| {
        let out = cli()
            .current_dir(dir)
            .args(["check", "--color", "never", "dwp.yaml"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        assert!(out.stdout.is_empty());
        String::from_utf8_lossy(&out.stderr).to_string()
    };
    let dir = tempfile::tempdir().unwrap();
    let second = "  - organisation: DWP\n    param: time_to_hire_days\n    value: 10\n    agreed_by: CDDO\n    agreed_on: 2025-02-01\n    reason: Another\n";
    setup(dir.path(), &format!("{TARGET}{second}"), 35);
    let err = refused(dir.path());
    assert!(
        err.contains("targets-invalid") && err.contains("targets.yaml:11:"),
        "{err}"
    );
    assert!(err.contains("the one at line 4"), "{err}");
    // Many copies (the clash check once compared each with every earlier one): the first 100
    // are named, and a note counts the rest.
    let many = second.repeat(20_000);
    std::fs::write(dir.path().join("targets.yaml"), format!("{TARGET}{many}")).unwrap();
    let err = refused(dir.path());
    let head = crate::harness::truncate(&err);
    assert_eq!(err.matches("× a second target").count(), 100, "{head}");
    assert!(err.contains("targets.yaml:605:"), "the 100th copy: {head}");
    assert!(!err.contains("targets.yaml:611:"), "the 101st copy");
    assert!(
        err.contains("19900 more problems in the targets file are not shown"),
        "{head}"
    );

    // Ends before it was agreed.
    let reversed = TARGET.replace("until: 2026-03-31", "until: 2024-03-31");
    std::fs::write(dir.path().join("targets.yaml"), reversed).unwrap();
    let err = refused(dir.path());
    assert!(err.contains("before it was agreed on 2025-01-15"), "{err}");

    // A negative time to hire: the parameter's range, at the value's line.
    let negative = TARGET.replace("value: 40", "value: -5");
    std::fs::write(dir.path().join("targets.yaml"), negative).unwrap();
    let (code, report) = check(dir.path());
    assert_eq!(code, 2);
    let d = &report["diagnostics"][0];
    assert_eq!(d["code"], "target-unknown", "{d}");
    assert_eq!(d["line"], 6, "{d}");
    assert!(d["message"].as_str().unwrap().contains("below 0"), "{d}");
}

/// A target applies from the day it was agreed: a declaration from before is judged against
/// the pack's own value, and nothing says the target expired.
#[test]
fn a_target_does_not_apply_before_it_was_agreed() {
    let dir = tempfile::tempdir().unwrap();
    let later = TARGET
        .replace("value: 40", "value: 60")
        .replace("agreed_on: 2025-01-15", "agreed_on: 2025-06-01");
    setup(dir.path(), &later, 45);
    let (code, report) = check(dir.path());
    assert_eq!(code, 1, "{report}");
    let f = &report["findings"][0];
    assert!(f["message"].as_str().unwrap().contains("30 days"), "{f}");
    assert!(f["targets"].as_array().is_none_or(Vec::is_empty), "{f}");
    assert!(
        report["diagnostics"].as_array().unwrap().is_empty(),
        "{report}"
    );
}

/// A targets file that cannot be read is a mistake in the config line that names it.
#[test]
fn a_missing_targets_file_points_at_the_config_line_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    setup(dir.path(), TARGET, 35);
    std::fs::write(
        dir.path().join(".roadmap-lint.yaml"),
        "# ours\ntargets: nowhere.yaml\n",
    )
    .unwrap();
    let out = cli()
        .current_dir(dir.path())
        .args(["check", "--color", "never", "dwp.yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("targets-invalid") && err.contains(".roadmap-lint.yaml:2:10"),
        "{err}"
    );
}

/// A department checks itself against the government's shared targets file: targets of other
/// organisations in the register are not unknown because they are absent from the run (exit
/// 0 or 1 as the findings say, never 2); one in neither the register nor the run still is.
#[test]
fn a_shared_targets_file_names_organisations_of_the_register_absent_from_the_run() {
    let entry = |org: &str, param: &str, value: &str| {
        format!(
            "  - organisation: {org}\n    param: {param}\n    value: {value}\n    agreed_by: CDDO\n    agreed_on: 2025-01-15\n    reason: Shared file\n"
        )
    };
    let shared = format!(
        "schema_version: 1\nkind: targets\ntargets:\n{}{}{}",
        entry("ONS", "time_to_hire_days", "45"),
        entry("NHSBSA", "training_pct", "80"),
        entry("HMRC", "time_to_hire_days", "35"),
    );
    let dir = tempfile::tempdir().unwrap();
    setup(dir.path(), &shared, 28);
    let (code, report) = check(dir.path());
    assert_eq!(code, 0, "{report}");
    assert_eq!(
        report["diagnostics"].as_array().unwrap().len(),
        0,
        "{report}"
    );
    // DWP's own finding still decides the exit code: the pack's 30 days apply to it.
    setup(dir.path(), &shared, 41);
    let (code, report) = check(dir.path());
    assert_eq!(code, 1, "{report}");
    assert_eq!(
        report["diagnostics"].as_array().unwrap().len(),
        0,
        "{report}"
    );
    // An organisation the register does not know is still a mistake in the file.
    let typo = shared.replace("organisation: ONS", "organisation: ONZ");
    setup(dir.path(), &typo, 28);
    let (code, report) = check(dir.path());
    assert_eq!(code, 2, "{report}");
    let d = &report["diagnostics"][0];
    assert_eq!(d["code"], "target-unknown", "{d}");
    assert_eq!(d["line"], 4, "{d}");
    assert!(d["message"].as_str().unwrap().contains("`ONZ`"), "{d}");
    assert!(d["help"].as_str().unwrap().contains("ONS"), "{d}");
}

/// A target whose date the tool cannot use (the schema's dates allow the year 0000; roadmap-lint
/// counts years 0001 to 9999) is refused at the date, never silently dropped; a second YAML
/// document, which would be ignored, is refused at its start.
#[test]
fn a_date_out_of_reach_or_a_second_document_is_refused_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    // An invalid targets file stops the run before it starts: the diagnostic is on standard
    // error.
    let refused = |targets: &str| {
        setup(dir.path(), targets, 35);
        let out = cli()
            .current_dir(dir.path())
            .args(["check", "--color", "never", "dwp.yaml"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr).to_string();
        assert!(err.starts_with("targets-invalid"), "{err}");
        let line = err
            .split("targets.yaml:")
            .nth(1)
            .and_then(|rest| rest.split(':').next())
            .and_then(|l| l.parse::<u64>().ok())
            .unwrap_or_else(|| panic!("{err}"));
        (line, err)
    };
    let (line, message) =
        refused(&TARGET.replace("agreed_on: 2025-01-15", "agreed_on: 0000-01-01"));
    assert_eq!(line, 8);
    assert!(
        message.contains("`agreed_on` is not a date roadmap-lint can use"),
        "{message}"
    );
    let (line, message) = refused(&TARGET.replace("until: 2026-03-31", "until: 0000-12-31"));
    assert_eq!(line, 10);
    assert!(message.contains("`until`"), "{message}");
    let (line, message) = refused(&format!("{TARGET}---\n{TARGET}"));
    assert_eq!(line, 12);
    assert!(message.contains("a second YAML document"), "{message}");
}
