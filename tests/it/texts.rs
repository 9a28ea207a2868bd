//! A run whose reports print no snippets lets each file's text go once the file is checked,
//! and reads it again when a later stage needs it: portfolio findings pointing into any file,
//! a proposal's department declaration, a series of one organisation's declarations. Its
//! report is the same, byte for byte, as that of a run that keeps every text (asked for by a
//! human report written beside it).

use crate::harness::{assert_exit, cli, root};

fn json_report(paths: &[&str], keep_texts: bool) -> Vec<u8> {
    let tmp = tempfile::tempdir().unwrap();
    let mut c = cli();
    c.current_dir(root())
        .args(["check", "--format", "json", "--as-of", "2025-06-30"])
        .args(paths);
    if keep_texts {
        c.arg("--output")
            .arg(format!("human={}", tmp.path().join("report.txt").display()));
    }
    let out = c.output().unwrap();
    assert_exit(&out, 1);
    out.stdout
}

fn same_either_way(paths: &[&str]) -> serde_json::Value {
    let let_go = json_report(paths, false);
    let kept = json_report(paths, true);
    assert!(
        let_go == kept,
        "the JSON report changed when the texts were let go:\n{}\n---\n{}",
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
