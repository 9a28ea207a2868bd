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

/// `--watch` checks, waits for a change, and checks again.
#[test]
fn watch_checks_again_when_a_file_changes() {
    use std::io::BufRead;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("d.yaml");
    let head = "schema_version: 1\nkind: department\nas_of: 2025-01-01\n";
    std::fs::write(
        &path,
        format!("{head}organisation: {{id: DFE, name: D, typ: x}}\n"),
    )
    .unwrap();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("roadmap-lint"))
        .current_dir(dir.path())
        .args([
            "check",
            "--no-config",
            "--watch",
            "--watch-runs",
            "2",
            "--format",
            "concise",
            "d.yaml",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines() {
            let _ = tx.send(line.unwrap_or_default());
        }
    });
    let summary = |rx: &std::sync::mpsc::Receiver<String>| -> Vec<String> {
        let mut lines = Vec::new();
        while let Ok(line) = rx.recv_timeout(std::time::Duration::from_secs(30)) {
            let done = line.contains(" in 1 document from 1 file");
            lines.push(line);
            if done {
                break;
            }
        }
        lines
    };
    let first = summary(&rx);
    assert!(
        first.iter().any(|l| l.contains("unknown key `typ`")),
        "{first:?}"
    );
    // Let the watch take its snapshot, then change the file.
    std::thread::sleep(std::time::Duration::from_millis(1200));
    std::fs::write(
        &path,
        format!("{head}organisation: {{id: DFE, name: D, tyype: x}}\n"),
    )
    .unwrap();
    let second = summary(&rx);
    assert!(
        second.iter().any(|l| l.contains("unknown key `tyype`")),
        "{second:?}"
    );
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(1));
}

#[test]
fn watch_refuses_standard_input() {
    let out = cli()
        .args(["check", "--no-config", "--watch", "-"])
        .write_stdin("schema_version: 1\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot watch standard input"));
}

/// The human report of a file dense with findings stays a small multiple of the file: at most
/// 100 findings of a file, and 64 KiB plus four times its size of them, then one line counting
/// the rest and naming the formats that list them all (which do: JSON keeps every finding).
#[test]
fn a_file_dense_with_findings_gets_a_bounded_human_report() {
    let dir = tempfile::tempdir().unwrap();
    // 150 documents, each with a finding on a long line (each finding's snippet quotes it and
    // the line before).
    let padding = "x".repeat(2_000);
    let doc = format!(
        "schema_version: 1\nkind: department\nas_of: 2025-06-30\norganisation: {{id: DWP, name: \"{padding}\", type: ministerial, health_body: false}}\nsurprise: \"{padding}\"\n"
    );
    let text = doc
        .repeat(150)
        .replace("\nschema_version", "\n---\nschema_version");
    std::fs::write(dir.path().join("dense.yaml"), &text).unwrap();
    let run = |format: &str| {
        cli()
            .current_dir(dir.path())
            // One rule: the findings are the schema's, and the other rules would only take time.
            .args(["check", "--no-cache", "--as-of", "2025-06-30"])
            .args(["--rule", "time-to-hire-above-target", "--format", format])
            .arg("dense.yaml")
            .output()
            .unwrap()
    };
    let human = run("human");
    assert_eq!(human.status.code(), Some(1));
    let report = String::from_utf8(human.stdout).unwrap();
    let budget = 64 * 1024 + 4 * text.len();
    // The bound, with room for the one note, the summary and the first finding.
    assert!(
        report.len() < budget + 16 * 1024,
        "{} bytes of report for {} of file",
        report.len(),
        text.len()
    );
    let shown = report.matches("schema-unknown-key (").count();
    assert_eq!(shown, 100, "{}", crate::harness::truncate(&report));
    assert!(
        report.contains("50 more findings in dense.yaml not shown: the human report shows at most 100 findings of a file")
            && report.contains("use --format json (or sarif) for all"),
        "{}",
        tail(&report)
    );
    // Every finding is still counted, and JSON lists them all.
    assert!(report.contains("150 errors"), "{}", tail(&report));
    let json: serde_json::Value = serde_json::from_slice(&run("json").stdout).unwrap();
    assert_eq!(json["findings"].as_array().unwrap().len(), 150);
}

/// The last characters of a long text.
fn tail(text: &str) -> &str {
    let start = text.char_indices().rev().nth(1_500).map_or(0, |(i, _)| i);
    &text[start..]
}
