//! `progress`: the fictional series of `fixtures/progress` (three departments over four
//! snapshots, one joining late, one missing a snapshot and sending one that fails the schema,
//! a department-level target that ends partway). The figures are checked against `score` run
//! on each snapshot alone, and the arithmetic of every change by hand.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::harness::{cli, root};

const SNAPSHOTS: [&str; 4] = ["2023-09", "2024-03", "2024-09", "2025-03"];

fn series() -> PathBuf {
    root().join("fixtures/progress")
}

fn progress(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = cli()
        .current_dir(dir)
        .args(["progress", "--color", "never"])
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn json(dir: &Path, args: &[&str]) -> Value {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    let (code, out, err) = progress(dir, &all);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).unwrap()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-6
}

#[test]
fn the_human_report_of_the_example_series() {
    let (code, out, err) = progress(&series(), &["."]);
    assert_eq!(code, 0, "{err}");
    // The target that ended partway is a warning of the run, at its line.
    assert!(
        err.contains("target-expired") && err.contains("targets.yaml:6"),
        "{err}"
    );
    insta::assert_snapshot!(out);
}

#[test]
fn the_markdown_report_of_the_example_series() {
    let (code, out, err) = progress(&series(), &["--format", "markdown", "."]);
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!(out);
}

#[test]
fn the_json_report_fits_its_schema() {
    let report = json(&series(), &["."]);
    let schema: Value = serde_json::from_str(roadmap_lint::internal::progress::SCHEMA).unwrap();
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .build(&schema)
        .unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&report)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    // `roadmap-lint schema progress` prints the same schema.
    let out = cli().args(["schema", "progress"]).output().unwrap();
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        roadmap_lint::internal::progress::SCHEMA
    );
}

#[test]
fn missing_late_and_broken_snapshots_are_shown_as_such_never_as_zero() {
    let report = json(&series(), &["."]);
    let labels: Vec<&str> = report["snapshots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["label"].as_str().unwrap())
        .collect();
    assert_eq!(
        labels,
        ["2023-09-30", "2024-03-31", "2024-09-30", "2025-03-31"]
    );
    let dept = |org: &str| -> Value {
        report["departments"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["organisation"] == org)
            .unwrap()
            .clone()
    };
    let statuses = |org: &str| -> Vec<String> {
        dept(org)["points"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["status"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(statuses("DWP"), ["scored"; 4]);
    assert_eq!(
        statuses("HMRC"),
        ["not_yet_joined", "scored", "scored", "scored"]
    );
    assert_eq!(
        statuses("MOJ"),
        ["scored", "missing", "not_scored", "scored"]
    );
    assert_eq!(dept("HMRC")["joined"], "2024-03-31");
    for d in ["HMRC", "MOJ"] {
        for p in dept(d)["points"].as_array().unwrap() {
            if p["status"] != "scored" {
                assert!(p["score"].is_null(), "{p}");
            }
        }
    }
    let moj_broken = &dept("MOJ")["points"][2];
    assert!(
        moj_broken["reason"]
            .as_str()
            .unwrap()
            .contains("headcount_total"),
        "{moj_broken}"
    );
    // MOJ's last snapshot is compared with its last scored one, across the gap.
    assert_eq!(dept("MOJ")["points"][3]["compared_with"], "2023-09-30");
    let gov = report["government"].as_array().unwrap();
    assert_eq!(gov[1]["joined"], serde_json::json!(["HMRC"]));
    assert_eq!(gov[1]["missing"], serde_json::json!(["MOJ"]));
    assert_eq!(gov[2]["not_scored"], serde_json::json!(["MOJ"]));
    // The target applied to HMRC's first two snapshots, not its third (it ended in 2024).
    let target = &report["targets"][0];
    assert_eq!(
        target["applied_to"],
        serde_json::json!(["2024-03-31", "2024-09-30"])
    );
    assert_eq!(target["not_applied_to"], serde_json::json!(["2025-03-31"]));
    assert!(
        target["provenance"]
            .as_str()
            .unwrap()
            .contains("agreed by CDDO on 2024-01-15")
    );
}

#[test]
fn every_figure_is_what_score_gives_for_that_snapshot_and_every_change_adds_up() {
    let report = json(&series(), &["."]);
    let gov = report["government"].as_array().unwrap();
    let departments = report["departments"].as_array().unwrap();
    for (i, folder) in SNAPSHOTS.iter().enumerate() {
        // `score` on the snapshot alone as of its date, with the earlier snapshots as
        // history: the same declarations judged the same way (portfolio rules see the
        // workspace as it stood on that date).
        let date = report["snapshots"][i]["as_of"]
            .as_str()
            .unwrap()
            .to_string();
        let mut args = vec!["score", "--format", "json", "--as-of", &date, folder];
        for earlier in &SNAPSHOTS[..i] {
            args.extend(["--previous", earlier]);
        }
        let out = cli().current_dir(series()).args(&args).output().unwrap();
        let score: Value = serde_json::from_slice(&out.stdout).unwrap();
        let expected = score["government"]["score"]["score"].as_f64().unwrap();
        assert!(
            close(gov[i]["score"].as_f64().unwrap(), expected),
            "government at {folder}: {} against score's {expected}",
            gov[i]["score"]
        );
        for d in score["departments"].as_array().unwrap() {
            if d["documents"].as_array().unwrap().is_empty() {
                continue;
            }
            let org = d["organisation"].as_str().unwrap();
            let series = departments
                .iter()
                .find(|s| s["organisation"] == org)
                .unwrap();
            let point = &series["points"][i];
            assert!(
                close(
                    point["score"].as_f64().unwrap(),
                    d["score"]["score"].as_f64().unwrap()
                ),
                "{org} at {folder}"
            );
            for (m, mission) in d["missions"].as_array().unwrap().iter().enumerate() {
                assert_eq!(
                    point["missions"][m]["score"].as_f64(),
                    mission["score"]["score"].as_f64(),
                    "{org} mission {} at {folder}",
                    m + 1
                );
            }
        }
    }
    // By hand: the government is the mean of the departments scored; a change is the
    // difference with the previous snapshot, and with the first.
    for (i, g) in gov.iter().enumerate() {
        let scores: Vec<f64> = departments
            .iter()
            .filter_map(|d| d["points"][i]["score"].as_f64())
            .collect();
        let mean = scores.iter().sum::<f64>() / scores.len() as f64;
        assert!(close(g["score"].as_f64().unwrap(), mean), "mean at {i}");
        if i > 0 {
            let before = gov[i - 1]["score"].as_f64().unwrap();
            let first = gov[0]["score"].as_f64().unwrap();
            let now = g["score"].as_f64().unwrap();
            assert!(close(g["change"].as_f64().unwrap(), now - before));
            assert!(close(
                g["change_since_first"].as_f64().unwrap(),
                now - first
            ));
            // Like for like: the mean change of the departments scored at both.
            let both: Vec<f64> = departments
                .iter()
                .filter_map(|d| {
                    Some(d["points"][i]["score"].as_f64()? - d["points"][i - 1]["score"].as_f64()?)
                })
                .collect();
            assert_eq!(g["like_for_like_departments"], both.len());
            let like = both.iter().sum::<f64>() / both.len() as f64;
            assert!(close(g["like_for_like_change"].as_f64().unwrap(), like));
        }
    }
    for d in departments {
        let points = d["points"].as_array().unwrap();
        let scored: Vec<f64> = points.iter().filter_map(|p| p["score"].as_f64()).collect();
        let mut k = 0;
        for p in points {
            if let Some(s) = p["score"].as_f64() {
                if k > 0 {
                    assert!(close(p["change"].as_f64().unwrap(), s - scored[k - 1]));
                    assert!(close(
                        p["change_since_first"].as_f64().unwrap(),
                        s - scored[0]
                    ));
                }
                k += 1;
            }
        }
    }
}

#[test]
fn findings_fixed_and_introduced_are_matched_by_path_not_line() {
    let report = json(&series(), &["."]);
    let dwp = report["departments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["organisation"] == "DWP")
        .unwrap();
    let first = &dwp["steps"][0];
    assert_eq!(first["from"], "2023-09-30");
    let fixed: Vec<&str> = first["fixed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    // DWP's time to hire was 38 days at the first snapshot, 28 after.
    assert!(fixed.contains(&"time-to-hire-above-target"), "{fixed:?}");
    let improved: Vec<u64> = first["improved"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["number"].as_u64().unwrap())
        .collect();
    assert!(improved.contains(&15), "{improved:?}");
    // A finding on the same path at both snapshots is neither fixed nor introduced, even when
    // its line moved: shift every line of the later file and compare again.
    let dir = tempfile::tempdir().unwrap();
    for folder in ["2023-09", "2024-03"] {
        std::fs::create_dir(dir.path().join(folder)).unwrap();
    }
    let earlier = std::fs::read_to_string(series().join("2023-09/dwp.yaml")).unwrap();
    std::fs::write(dir.path().join("2023-09/dwp.yaml"), &earlier).unwrap();
    let later = earlier.replace("as_of: 2023-09-30", "as_of: 2024-03-31");
    std::fs::write(
        dir.path().join("2024-03/dwp.yaml"),
        format!("# moved\n# down\n# three lines\n{later}"),
    )
    .unwrap();
    let report = json(dir.path(), &["--no-config", "."]);
    let step = &report["departments"][0]["steps"][0];
    let rules = |list: &Value| -> Vec<String> {
        list.as_array()
            .unwrap()
            .iter()
            .map(|f| f["rule"].as_str().unwrap().to_string())
            .collect()
    };
    // Only date-driven findings change; the time-to-hire finding stays, at another line.
    assert!(!rules(&step["fixed"]).contains(&"time-to-hire-above-target".to_string()));
    assert!(!rules(&step["introduced"]).contains(&"time-to-hire-above-target".to_string()));
}

#[test]
fn half_years_group_declarations_and_a_superseded_one_is_listed() {
    let dir = tempfile::tempdir().unwrap();
    let dwp = std::fs::read_to_string(series().join("2024-03/dwp.yaml")).unwrap();
    std::fs::write(dir.path().join("a.yaml"), &dwp).unwrap();
    // Two declarations in the half-year to 2024-09-30: the later stands for DWP.
    std::fs::write(
        dir.path().join("b.yaml"),
        dwp.replace("as_of: 2024-03-31", "as_of: 2024-06-30"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("c.yaml"),
        dwp.replace("as_of: 2024-03-31", "as_of: 2024-08-31"),
    )
    .unwrap();
    let report = json(dir.path(), &["--no-config", "--period", "half-year", "."]);
    let labels: Vec<&str> = report["snapshots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["2023-24 H2", "2024-25 H1"]);
    let unplaced = report["unplaced"].as_array().unwrap();
    assert_eq!(unplaced.len(), 1, "{unplaced:?}");
    assert!(unplaced[0]["file"].as_str().unwrap().ends_with("b.yaml"));
    assert!(
        unplaced[0]["reason"]
            .as_str()
            .unwrap()
            .contains("superseded")
    );
    assert_eq!(
        report["departments"][0]["points"][1]["file"]
            .as_str()
            .unwrap()
            .rsplit('/')
            .next(),
        Some("c.yaml")
    );
}

#[test]
fn values_from_declarations_are_escaped_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let dwp = std::fs::read_to_string(series().join("2024-03/dwp.yaml")).unwrap();
    let hostile = dwp.replace(
        "name: Department for Work and Pensions",
        "name: \"<script>x</script>\\e[2J\\n::error::forged | cell\"",
    );
    std::fs::write(dir.path().join("a.yaml"), &hostile).unwrap();
    for (format, bad) in [
        ("human", "\u{1b}[2J"),
        ("markdown", "forged | cell"),
        ("html", "<script>"),
        ("human", "\n::error::"),
    ] {
        let (code, out, err) = progress(dir.path(), &["--no-config", "--format", format, "."]);
        assert_eq!(code, 0, "{err}");
        assert!(!out.contains(bad), "{format} shows {bad:?} raw");
    }
}

#[test]
fn the_report_is_the_same_for_any_number_of_jobs() {
    let one = progress(&series(), &["--format", "json", "--jobs", "1", "."]);
    let three = progress(&series(), &["--format", "json", "--jobs", "3", "."]);
    assert_eq!(one.1, three.1);
    assert!(one.1.contains("\"government\""));
}

/// The JSON report carries the run's diagnostics, the same as standard error says, and still
/// fits its schema.
#[test]
fn the_json_report_carries_its_diagnostics() {
    let (code, out, err) = progress(&series(), &["--format", "json", ".", "no-such-file.yaml"]);
    assert_eq!(code, 2, "{err}");
    let report: Value = serde_json::from_str(&out).unwrap();
    let diagnostics = report["diagnostics"].as_array().unwrap();
    assert!(
        diagnostics.iter().any(|d| d["message"]
            .as_str()
            .unwrap_or("")
            .contains("no-such-file.yaml")),
        "{report:#}"
    );
    for d in diagnostics {
        assert!(
            err.contains(d["code"].as_str().unwrap()),
            "{d} not on stderr: {err}"
        );
    }
    let schema: Value = serde_json::from_str(roadmap_lint::internal::progress::SCHEMA).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    assert!(validator.is_valid(&report));
    assert_eq!(report["version"], "1.1");
}
