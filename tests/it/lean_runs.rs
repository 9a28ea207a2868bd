//! A run whose only report is JSON keeps little in memory: each file's text is let go once the
//! file is checked and read again when a later stage needs it (portfolio findings pointing into
//! any file, a proposal's department declaration, a series of one organisation's
//! declarations), and each file's findings go to a temporary file until the report is written,
//! merged there with those still in memory. Its report is the same, byte for byte, as that of
//! a run that keeps everything (asked for by a human report written beside it).

use crate::harness::{assert_exit, cli, root};

fn json_report_in(dir: &std::path::Path, paths: &[&str], keep_all: bool) -> Vec<u8> {
    let tmp = tempfile::tempdir().unwrap();
    let mut c = cli();
    c.current_dir(dir)
        .args(["check", "--format", "json", "--as-of", "2025-06-30"])
        .args(paths);
    if keep_all {
        c.arg("--output")
            .arg(format!("human={}", tmp.path().join("report.txt").display()));
    }
    let out = c.output().unwrap();
    assert_exit(&out, 1);
    out.stdout
}

fn same_either_way(paths: &[&str]) -> serde_json::Value {
    same_either_way_in(&root(), paths)
}

fn same_either_way_in(dir: &std::path::Path, paths: &[&str]) -> serde_json::Value {
    let let_go = json_report_in(dir, paths, false);
    let kept = json_report_in(dir, paths, true);
    assert!(
        let_go == kept,
        "the JSON report changed when the run kept less in memory:\n{}\n---\n{}",
        String::from_utf8_lossy(&let_go),
        String::from_utf8_lossy(&kept)
    );
    serde_json::from_slice(&let_go).unwrap()
}

#[test]
fn portfolio_findings_point_into_files_read_again() {
    let report = same_either_way(&[
        "rules/roadmap-2022-25/fixtures/top75-great-services-below-target/fail-below-target",
    ]);
    let portfolio: Vec<&serde_json::Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "top75-great-services-below-target")
        .collect();
    assert!(portfolio.len() > 3, "{report:#}");
    assert!(
        portfolio.iter().all(|f| f["line"].as_u64() > Some(0)),
        "{portfolio:#?}"
    );
}

#[test]
fn proposals_see_declarations_read_again() {
    let report = same_either_way(&["fixtures/examples"]);
    let related = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["related"].as_array().into_iter().flatten())
        .filter(|r| r["line"].as_u64() > Some(0))
        .count();
    assert!(related > 0, "{report:#}");
}

#[test]
fn a_series_is_judged_from_texts_read_again() {
    same_either_way(&["fixtures/progress"]);
}

/// A file given twice, a file whose documents do not all reach the rules (their findings stay
/// in memory), severities changed by the config, and waivers: the same report, the same counts
/// and scores.
#[test]
fn spilled_findings_merge_with_those_in_memory_in_report_order() {
    let tmp = tempfile::tempdir().unwrap();
    let examples = root().join("fixtures/examples");
    for name in [
        "hmrc-needs-work.yaml",
        "moj-broken.yaml",
        "dwp-compliant.yaml",
    ] {
        std::fs::copy(examples.join(name), tmp.path().join(name)).unwrap();
    }
    std::fs::write(
        tmp.path().join("mixed.yaml"),
        format!(
            "{}\n---\nkind: department\nnot: [valid\n",
            std::fs::read_to_string(examples.join("dwp-compliant.yaml")).unwrap()
        ),
    )
    .unwrap();
    std::fs::write(
        tmp.path().join(".roadmap-lint.yaml"),
        "severity:\n  one-login-strategy-overdue: warning\n  self-assessment-out-of-date: info\n",
    )
    .unwrap();
    let report = same_either_way_in(
        tmp.path(),
        &["hmrc-needs-work.yaml", ".", "hmrc-needs-work.yaml"],
    );
    let summary = &report["summary"];
    assert!(summary["warnings"].as_u64() > Some(0), "{summary}");
    assert!(summary["errors"].as_u64() > Some(0), "{summary}");
    let files: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["file"].as_str().unwrap())
        .collect();
    assert!(files.windows(2).all(|w| w[0] <= w[1]), "{files:?}");
    assert!(files.contains(&"./mixed.yaml"), "{files:?}");
}

/// A report that cannot be written whole to standard output (here a full disk) is a tool error,
/// not a silent truncation; a closed pipe is not.
#[cfg(target_os = "linux")]
#[test]
fn a_report_that_cannot_be_written_is_a_tool_error() {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("roadmap-lint"))
        .current_dir(root())
        .args(["check", "--format", "json", crate::harness::GOOD])
        .stdout(full)
        .output()
        .unwrap();
    assert_exit(&out, 2);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("output-unwritable"), "{stderr}");
    assert!(stderr.contains("incomplete"), "{stderr}");
}
