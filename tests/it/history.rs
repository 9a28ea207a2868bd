//! Rules that judge change: a declaration sees the latest earlier declaration of its
//! organisation (`ctx.previous`), from the run itself or from `--previous`; without one those
//! rules say they could not judge.

use crate::harness::cli;

const EARLIER: &str = "schema_version: 1\nkind: department\nas_of: 2024-03-31\norganisation: { id: HMRC, name: HM Revenue and Customs }\ntechnology:\n  mobile:\n    services_with_app_access: 4\n";

fn later(count: u32) -> String {
    EARLIER
        .replace("2024-03-31", "2025-03-31")
        .replace("access: 4", &format!("access: {count}"))
}

fn check(dir: &std::path::Path, args: &[&str]) -> (i32, serde_json::Value) {
    let out = cli()
        .current_dir(dir)
        .args([
            "check",
            "--no-config",
            "--format",
            "json",
            "--rule",
            "mobile-app-access-not-increasing",
        ])
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        serde_json::from_slice(&out.stdout).unwrap(),
    )
}

fn messages(report: &serde_json::Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["message"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn an_earlier_declaration_given_with_previous_is_compared_with() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("old")).unwrap();
    std::fs::write(dir.path().join("old/2024.yaml"), EARLIER).unwrap();
    std::fs::write(dir.path().join("2025.yaml"), later(3)).unwrap();
    let (code, report) = check(
        dir.path(),
        &["--no-workspace", "2025.yaml", "--previous", "old/2024.yaml"],
    );
    assert_eq!(code, 1, "{report}");
    assert_eq!(
        messages(&report),
        [
            "services with app access fell to 3, from 4 at the previous declaration (2024-03-31); compared with old/2024.yaml (as_of 2024-03-31)"
        ]
    );
    // Alone, the rule could not judge: no finding, and not a pass either.
    let (code, report) = check(dir.path(), &["--no-workspace", "2025.yaml"]);
    assert_eq!(code, 0);
    assert!(messages(&report).is_empty());
    // In its workspace (the folder), the earlier declaration beside it is its previous one,
    // named by its path from the workspace's root.
    let (code, report) = check(dir.path(), &["2025.yaml"]);
    assert_eq!(code, 1, "{report}");
    assert_eq!(
        messages(&report),
        [
            "services with app access fell to 3, from 4 at the previous declaration (2024-03-31); compared with old/2024.yaml (as_of 2024-03-31)"
        ]
    );
    assert_eq!(
        report["documents"][0]["previous"],
        "old/2024.yaml (as_of 2024-03-31)"
    );
}

#[test]
fn a_series_in_one_run_is_compared_whatever_the_order_and_the_jobs() {
    let dir = tempfile::tempdir().unwrap();
    // File order puts the later declaration first.
    std::fs::write(dir.path().join("a.yaml"), later(4)).unwrap();
    std::fs::write(dir.path().join("b.yaml"), EARLIER).unwrap();
    let mut reports = Vec::new();
    for jobs in ["1", "2", "7"] {
        let (code, report) = check(dir.path(), &["--jobs", jobs, "a.yaml", "b.yaml"]);
        assert_eq!(code, 0, "a warning only");
        reports.push(messages(&report));
    }
    assert_eq!(
        reports[0],
        [
            "services with app access: 4, the same as at the previous declaration (2024-03-31): mobile access did not increase; compared with b.yaml (as_of 2024-03-31)"
        ]
    );
    assert!(reports.iter().all(|r| r == &reports[0]), "{reports:?}");
    // Checking the folder checks the current declaration; the earlier one is history.
    let (code, report) = check(dir.path(), &["."]);
    assert_eq!(code, 0);
    assert_eq!(messages(&report), reports[0]);
    assert_eq!(report["summary"]["files"], 1, "{report}");
}

#[test]
fn a_previous_file_that_is_not_a_declaration_is_a_warning_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("2025.yaml"), later(3)).unwrap();
    std::fs::write(dir.path().join("old.yaml"), "kind: department\n").unwrap();
    let (code, report) = check(dir.path(), &["2025.yaml", "--previous", "old.yaml"]);
    assert_eq!(code, 0, "{report}");
    let diags = report["diagnostics"].as_array().unwrap();
    assert!(
        diags.iter().any(|d| d["code"] == "previous-invalid"
            && d["message"].as_str().unwrap().contains("old.yaml")),
        "{diags:?}"
    );
}

/// A `--previous` file that cannot be compared with says why, where: a syntax error at its
/// line; a declaration of an organisation not in the run, or dated after the one checked, is
/// named as compared with nothing (the change rules would otherwise quietly not judge).
#[test]
fn a_previous_declaration_compared_with_nothing_says_why() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("2025.yaml"), later(3)).unwrap();
    std::fs::write(dir.path().join("broken.yaml"), "a: [1\n").unwrap();
    std::fs::write(
        dir.path().join("other.yaml"),
        EARLIER.replace("id: HMRC", "id: DWP"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("newer.yaml"),
        EARLIER.replace("2024-03-31", "2026-03-31"),
    )
    .unwrap();
    let (code, report) = check(
        dir.path(),
        &[
            "2025.yaml",
            "--previous",
            "broken.yaml",
            "--previous",
            "other.yaml",
            "--previous",
            "newer.yaml",
        ],
    );
    assert_eq!(code, 0, "{report}");
    let diags: Vec<(String, Option<u64>, String)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "previous-invalid")
        .map(|d| {
            (
                d["file"].as_str().unwrap_or("").to_string(),
                d["line"].as_u64(),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(diags.len(), 3, "{diags:?}");
    let about = |file: &str| diags.iter().find(|d| d.0 == file).unwrap();
    assert_eq!(about("broken.yaml").1, Some(2), "{diags:?}");
    assert!(about("broken.yaml").2.contains("yaml-syntax"), "{diags:?}");
    assert!(
        about("other.yaml").2.contains("no declaration of DWP"),
        "{diags:?}"
    );
    assert!(
        about("newer.yaml").2.contains("dated 2026-03-31"),
        "{diags:?}"
    );
}
