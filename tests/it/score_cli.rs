//! `roadmap-lint score`: snapshots of the rendered reports, the `--min-score` gate, and
//! comparisons with a baseline. The inputs use the small pack in `fixtures/score/pack`, so that
//! new built-in rules do not move these snapshots.

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

const PACK: &[&str] = &["--no-builtin", "--rules", "fixtures/score/pack"];

fn score(args: &[&str]) -> assert_cmd::assert::Assert {
    Command::cargo_bin("roadmap-lint")
        .unwrap()
        .arg("score")
        .args(PACK)
        .args(["--as-of", "2025-06-30", "--color", "never"])
        .args(args)
        .env("COLUMNS", "100")
        .assert()
}

fn stdout(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8(a.get_output().stdout.clone()).unwrap()
}

fn stderr(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8(a.get_output().stderr.clone()).unwrap()
}

fn json(a: &assert_cmd::assert::Assert) -> Value {
    serde_json::from_str(&stdout(a)).expect("score --format json prints JSON")
}

#[test]
fn table_by_mission() {
    let a = score(&["fixtures/score/v1", "fixtures/score/common"]).code(0);
    insta::assert_snapshot!("table_by_mission", stdout(&a));
}

#[test]
fn table_by_commitment() {
    let a = score(&[
        "--by",
        "commitment",
        "fixtures/score/v1",
        "fixtures/score/common",
    ])
    .code(0);
    insta::assert_snapshot!("table_by_commitment", stdout(&a));
}

#[test]
fn breakdown_by_department() {
    let a = score(&[
        "--by",
        "department",
        "fixtures/score/v1",
        "fixtures/score/common",
    ])
    .code(0);
    insta::assert_snapshot!("breakdown_by_department", stdout(&a));
}

#[test]
fn markdown_table() {
    let a = score(&[
        "--format",
        "markdown",
        "fixtures/score/v1",
        "fixtures/score/common",
    ])
    .code(0);
    insta::assert_snapshot!("markdown_by_mission", stdout(&a));
}

#[test]
fn markdown_breakdown() {
    let a = score(&[
        "--format",
        "markdown",
        "--by",
        "department",
        "fixtures/score/v1/aaa.yaml",
    ])
    .code(0);
    insta::assert_snapshot!("markdown_by_department", stdout(&a));
}

#[test]
fn colour_repeats_the_label_and_never_replaces_it() {
    let a = score(&["fixtures/score/v1/aaa.yaml"]);
    let plain = stdout(&a);
    assert!(!plain.contains('\x1b'), "--color never: no escape codes");
    let a = Command::cargo_bin("roadmap-lint")
        .unwrap()
        .arg("score")
        .args(PACK)
        .args(["--as-of", "2025-06-30", "--color", "always"])
        .arg("fixtures/score/v1/aaa.yaml")
        .assert()
        .code(0);
    let coloured = stdout(&a);
    assert!(coloured.contains("\x1b[33m70% amber"), "{coloured}");
    assert!(coloured.contains("\x1b[31m50% red"), "{coloured}");
}

#[test]
fn the_json_report_carries_the_runs_diagnostics() {
    // A path that cannot be read: the scores of the rest, and the problem in the JSON as well
    // as on standard error.
    let a = score(&["--format", "json", "fixtures/score/v1", "no/such/file.yaml"]).code(2);
    let v = json(&a);
    let diagnostics = v["diagnostics"].as_array().expect("a diagnostics list");
    assert!(
        diagnostics.iter().any(|d| d["file"]
            .as_str()
            .is_some_and(|f| f.contains("no/such/file.yaml"))),
        "{diagnostics:?}"
    );
    assert_eq!(v["departments"][0]["organisation"], "AAA");
}

#[test]
fn json_report_holds_the_arithmetic() {
    let a = score(&[
        "--format",
        "json",
        "fixtures/score/v1",
        "fixtures/score/common",
    ])
    .code(0);
    let v = json(&a);
    assert_eq!(v["version"], "1.1");
    assert!(v.get("diagnostics").is_none(), "no problems, no key");
    let aaa = &v["departments"][0];
    assert_eq!(aaa["organisation"], "AAA");
    // (50 + 100 + 2 * 66.67) / 4: mission 4 weighs 2 in the test pack.
    let overall = aaa["score"]["score"].as_f64().unwrap();
    assert!((overall - 70.8333).abs() < 1e-3, "{overall}");
    assert_eq!(aaa["score"]["band"], "amber");
    let bbb = &v["departments"][1];
    assert!(
        bbb["missions"][1]["score"]["score"].is_null(),
        "all N/A is null, not 0"
    );
    let ccc = &v["departments"][2];
    assert!(ccc["score"]["score"].is_null());
    assert_eq!(v["not_scored"][0]["organisation"], "CCC");
    assert_eq!(v["proposals_skipped"], 1);
    let p = &v["government"]["portfolio"];
    assert_eq!(p["great"], 2);
    assert_eq!(p["target"], 3);
    assert_eq!(p["listed"], 5);
}

#[test]
fn min_score_gates_ci() {
    // AAA scores 70.83%.
    score(&["--min-score", "70", "fixtures/score/v1/aaa.yaml"]).code(0);
    let a = score(&["--min-score", "71", "fixtures/score/v1/aaa.yaml"]).code(1);
    assert!(
        stderr(&a).contains("AAA: 70% is below the minimum 71%"),
        "{}",
        stderr(&a)
    );
    // A department that cannot be scored fails the gate: its score is unknown.
    let a = score(&["--min-score", "10", "fixtures/score/common/ccc.yaml"]).code(1);
    assert!(stderr(&a).contains("CCC: not scored"), "{}", stderr(&a));
    // A department with nothing applicable does not.
    score(&["--min-score", "10", "fixtures/score/common/bbb.yaml"]).code(0);
    // Nonsense thresholds are tool errors.
    score(&["--min-score", "150", "fixtures/score/v1/aaa.yaml"]).code(2);
}

#[test]
fn weights_file_overrides_the_pack() {
    let dir = tempfile::tempdir().unwrap();
    let weights = dir.path().join("weights.yaml");
    std::fs::write(
        &weights,
        "missions: { 4: 1 }\nbands: { green: 95, amber: 72 }\n",
    )
    .unwrap();
    // (50 + 100 + 66.67) / 3 = 72.2: amber with these bands.
    let a = score(&[
        "--weights",
        weights.to_str().unwrap(),
        "fixtures/score/v1/aaa.yaml",
    ])
    .code(0);
    let out = stdout(&a);
    let row = out.lines().find(|l| l.starts_with("AAA")).unwrap();
    assert!(row.trim_end().ends_with("72% amber"), "{out}");
    assert!(out.contains("green >= 95%, amber >= 72%"), "{out}");
    std::fs::write(&weights, "missions: { 9: 1 }\n").unwrap();
    let a = score(&[
        "--weights",
        weights.to_str().unwrap(),
        "fixtures/score/v1/aaa.yaml",
    ])
    .code(2);
    assert!(
        stderr(&a).contains("no pack has a mission 9"),
        "{}",
        stderr(&a)
    );
}

fn save_baseline(dir: &Path, paths: &[&str]) -> String {
    let mut args = vec!["--format", "json"];
    args.extend_from_slice(paths);
    let a = score(&args).code(0);
    let file = dir.join("baseline.json");
    std::fs::write(&file, stdout(&a)).unwrap();
    file.to_str().unwrap().to_string()
}

#[test]
fn moving_a_yaml_block_changes_nothing_against_the_baseline() {
    let dir = tempfile::tempdir().unwrap();
    let base = save_baseline(dir.path(), &["fixtures/score/v1", "fixtures/score/common"]);
    let a = score(&[
        "--format",
        "json",
        "--baseline",
        &base,
        "--fail-on-regression",
        "fixtures/score/v2",
        "fixtures/score/common",
    ])
    .code(0);
    let v = json(&a);
    // The guard: the findings really moved to other lines between the two versions.
    let before: Value = serde_json::from_str(&std::fs::read_to_string(&base).unwrap()).unwrap();
    let line_of = |v: &Value, rule: &str| {
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule"] == rule)
            .map(|f| f["line"].as_u64().unwrap())
            .unwrap()
    };
    assert_ne!(
        line_of(&before, "system-untested"),
        line_of(&v, "system-untested")
    );
    assert_ne!(
        line_of(&before, "top75-great-services-below-target"),
        line_of(&v, "top75-great-services-below-target")
    );
    let c = &v["comparison"];
    assert_eq!(c["appeared"].as_array().unwrap().len(), 0, "{c}");
    assert_eq!(c["disappeared"].as_array().unwrap().len(), 0, "{c}");
    assert_eq!(c["changed"].as_array().unwrap().len(), 0, "{c}");
    assert_eq!(c["regressions"].as_array().unwrap().len(), 0, "{c}");
    for d in c["departments"].as_array().unwrap() {
        assert!(d["missions"].as_array().unwrap().is_empty(), "{d}");
        assert!(d["commitments"].as_array().unwrap().is_empty(), "{d}");
    }
    let a = score(&[
        "--baseline",
        &base,
        "fixtures/score/v2",
        "fixtures/score/common",
    ])
    .code(0);
    let text = stdout(&a);
    assert!(text.contains("AAA: 70% -> 70% (+0.0)"), "{text}");
    assert!(
        text.contains("Appeared: 0") && text.contains("Disappeared: 0"),
        "{text}"
    );
    assert!(text.contains("No regression."), "{text}");
}

#[test]
fn a_drop_fails_with_fail_on_regression_and_names_the_finding() {
    let dir = tempfile::tempdir().unwrap();
    let base = save_baseline(dir.path(), &["fixtures/score/v1/aaa.yaml"]);
    // web-front-end loses its resilience test; fines-ledger gains one.
    let text = std::fs::read_to_string("fixtures/score/v1/aaa.yaml").unwrap();
    let worse = text
        .replace("      last_resilience_test: 2025-02-11\n", "")
        .replace(
            "    - id: fines-ledger\n",
            "    - id: fines-ledger\n      last_resilience_test: 2025-03-03\n",
        )
        .replace("digital_adoption_pct: 91", "digital_adoption_pct: 70");
    assert_ne!(text, worse);
    let file = dir.path().join("aaa.yaml");
    std::fs::write(&file, worse).unwrap();
    let file = file.to_str().unwrap();
    // Without the flag the comparison is shown and the run passes.
    let a = score(&["--baseline", &base, file]).code(0);
    let out = stdout(&a);
    assert!(out.contains("AAA: 70% -> 58% (-12.5)"), "{out}");
    assert!(out.contains("M1 50% -> 0% (-50.0)"), "{out}");
    assert!(
        out.contains("Government: 70% -> 58% (-12.5); M1 50% -> 0% (-50.0)"),
        "{out}"
    );
    assert!(
        out.contains("error AAA system-untested technology.systems[2].last_resilience_test"),
        "{out}"
    );
    assert!(
        out.contains("error AAA top75-great-services-below-target services[0].performance"),
        "{out}"
    );
    // Disappeared: fines-ledger's finding.
    assert!(out.contains("Disappeared: 1"), "{out}");
    let a = score(&["--format", "markdown", "--baseline", &base, file]).code(0);
    insta::assert_snapshot!("markdown_baseline_comparison", stdout(&a));
    let a = score(&["--baseline", &base, "--fail-on-regression", file]).code(1);
    assert!(
        stderr(&a).contains("regression: AAA fell from 70% to 58%"),
        "{}",
        stderr(&a)
    );
}

#[test]
fn a_bad_baseline_is_a_tool_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("b.json");
    std::fs::write(&file, "{\"not\": \"a report\"}").unwrap();
    let a = score(&["--baseline", file.to_str().unwrap(), "fixtures/score/v1"]).code(2);
    assert!(stderr(&a).contains("baseline-invalid"), "{}", stderr(&a));
    score(&["--baseline", "no/such/file.json", "fixtures/score/v1"]).code(2);
}

#[test]
fn empty_input_scores_nothing_and_says_so() {
    let a = Command::cargo_bin("roadmap-lint")
        .unwrap()
        .args([
            "score",
            "--as-of",
            "2025-06-30",
            "--color",
            "never",
            "-",
            "--min-score",
            "50",
        ])
        .write_stdin("")
        .assert()
        .code(1);
    let out = stdout(&a);
    assert!(out.contains("<stdin>: yaml-empty"), "{out}");
    assert!(
        stderr(&a).contains("no department declaration was scored"),
        "{}",
        stderr(&a)
    );
}

#[test]
fn built_in_pack_on_the_shipped_examples() {
    // Holds whatever rules the built-in pack gains: the compliant example stays at 100%, the
    // broken MOJ declaration and the syntax error are never scored as 0 or 100.
    let a = Command::cargo_bin("roadmap-lint")
        .unwrap()
        .args(["score", "--as-of", "2025-03-31", "--format", "json"])
        .arg("fixtures/examples/dwp-compliant.yaml")
        .arg("fixtures/examples/moj-broken.yaml")
        .arg("fixtures/examples/syntax-error.yaml")
        .assert()
        .code(0);
    let v = json(&a);
    let dept = |org: &str| {
        v["departments"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["organisation"] == org)
            .unwrap_or_else(|| panic!("{org} has a row"))
            .clone()
    };
    assert_eq!(dept("DWP")["score"]["score"], 100.0);
    assert_eq!(dept("DWP")["score"]["band"], "green");
    assert!(dept("MOJ")["score"]["score"].is_null());
    assert_eq!(dept("MOJ")["unscored_documents"], 1);
    assert!(dept("OPG")["score"]["score"].as_f64().unwrap() < 100.0);
    let not_scored = v["not_scored"].as_array().unwrap();
    assert!(not_scored.iter().any(|n| n["organisation"] == "MOJ"));
    assert!(not_scored.iter().any(|n| {
        n["file"] == "fixtures/examples/syntax-error.yaml"
            && n["reason"]
                .as_str()
                .unwrap()
                .starts_with("yaml-syntax at line 34")
    }));
}

#[test]
fn a_rule_that_crashes_makes_the_score_incomplete_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("pack");
    std::fs::create_dir(&pack).unwrap();
    std::fs::write(
        pack.join("pack.yaml"),
        "name: crashy\nversion: 0.1.0\ndescription: A pack whose rule crashes.\nmissions:\n  - number: 4\n    title: Technology\n    commitments:\n      - { number: 9, text: Systems are tested. }\n",
    )
    .unwrap();
    std::fs::write(
        pack.join("always-crashes.rhai"),
        "//! # What it checks\n//! Nothing.\n//!\n//! # Why\n//! Tests.\n//!\n//! # Failing example\n//! ```yaml\n//! a: 1\n//! ```\n//!\n//! # Passing example\n//! ```yaml\n//! a: 1\n//! ```\n\nlet rule = #{ id: \"always-crashes\", title: \"Crashes\", commitment: 9, mission: 4, severity: \"error\", kinds: [\"department\"] };\n\nfn check(doc, ctx) {\n    throw \"boom\";\n}\n",
    )
    .unwrap();
    let a = Command::cargo_bin("roadmap-lint")
        .unwrap()
        .args(["score", "--as-of", "2025-06-30", "--color", "never"])
        .args(PACK)
        .arg("--rules")
        .arg(&pack)
        .arg("fixtures/score/v1/aaa.yaml")
        .assert()
        .code(2);
    let out = stdout(&a);
    assert!(
        out.contains("Incomplete: these rules failed to run and count no checks: always-crashes"),
        "{out}"
    );
    // The rules that ran still score: C9 is 2 of 3 from system-untested.
    assert!(out.contains("AAA"), "{out}");
}

#[test]
fn the_board_page_says_not_scored_for_errors_and_who_approved_each_waiver() {
    let out = crate::harness::cli()
        .args([
            "score",
            "--format",
            "html",
            "--as-of",
            "2025-06-30",
            "fixtures/examples/",
        ])
        .output()
        .unwrap();
    let page = String::from_utf8(out.stdout).unwrap();
    // MOJ's declaration fails the schema: its rows say so, never N/A.
    let moj_row = page
        .lines()
        .find(|l| l.contains("<th scope=\"row\">") && l.contains("MOJ") && l.contains("<td"))
        .unwrap();
    assert!(moj_row.contains("Not scored (errors)"), "{moj_row}");
    assert!(!moj_row.contains("N/A"), "{moj_row}");
    // A waived finding shows who approved it, until when, and why.
    assert!(
        page.contains("<p class=\"waiver\"><strong>Waived:</strong> approved by "),
        "no waiver details on the page"
    );
    // Code in a finding's heading is code, not backticks.
    assert!(page.contains("<h4><span class=\"sev\">"));
    assert!(
        !page
            .lines()
            .filter(|l| l.contains("<h4>"))
            .any(|l| l.contains('`'))
    );
}

#[test]
fn score_writes_its_report_to_a_file_and_an_empty_folder_is_only_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("score.html");
    let out = crate::harness::cli()
        .args(["score", "--format", "html", "-o"])
        .arg(&page)
        .args([
            "--as-of",
            "2025-06-30",
            "fixtures/examples/dwp-compliant.yaml",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let written = std::fs::read_to_string(&page).unwrap();
    assert_eq!(written.as_bytes(), &out.stdout[..]);
    let empty = tempfile::tempdir().unwrap();
    let out = crate::harness::cli()
        .args(["score"])
        .arg(empty.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty(), "no empty table");
}

#[test]
fn the_department_view_names_the_rules_that_could_not_judge() {
    let out = crate::harness::cli()
        .args([
            "score",
            "--by",
            "department",
            "fixtures/examples/dwp-compliant.yaml",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("Could not judge (left out of the score):"),
        "{text}"
    );
    assert!(text.contains("mobile-app-access-not-increasing: could not judge"));
}

/// A commitment the config switches off reads "disabled by config" (JSON: `disabled`), never
/// N/A, and the report names the config that did it.
#[test]
fn a_commitment_the_config_disables_says_so() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join(".roadmap-lint.yaml"),
        "disable: { commitments: [9] }\n",
    )
    .unwrap();
    let root = crate::harness::root();
    let pack = root.join("fixtures/score/pack");
    let input = root.join("fixtures/score/v1");
    let run = |format: &str| {
        Command::cargo_bin("roadmap-lint")
            .unwrap()
            .current_dir(dir.path())
            .args(["score", "--no-builtin", "--rules"])
            .arg(&pack)
            .args([
                "--as-of",
                "2025-06-30",
                "--color",
                "never",
                "--by",
                "commitment",
                "--format",
                format,
            ])
            .arg(&input)
            .env("COLUMNS", "100")
            .assert()
    };
    let text = stdout(&run("human"));
    assert!(text.contains("disabled by config"), "{text}");
    assert!(text.contains("Using config .roadmap-lint.yaml"), "{text}");
    let report = json(&run("json"));
    let c9: Vec<&Value> = report["departments"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|d| d["commitments"].as_array().unwrap())
        .filter(|c| c["number"] == 9)
        .collect();
    assert!(!c9.is_empty(), "{report}");
    assert!(c9.iter().all(|c| c["score"]["disabled"] == true), "{c9:?}");
    assert_eq!(report["provenance"]["config"], ".roadmap-lint.yaml");
    // Mission 4 holds only commitment 9: it is disabled too, not N/A.
    let m4: Vec<&Value> = report["departments"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|d| d["missions"].as_array().unwrap())
        .filter(|m| m["number"] == 4)
        .collect();
    assert!(m4.iter().all(|m| m["score"]["disabled"] == true), "{m4:?}");
}
