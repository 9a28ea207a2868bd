//! The workspace: a department's repository of declarations (current files, dated snapshots,
//! several organisations, a proposal, and YAML that is not a declaration) gets the same
//! findings from `check` on the whole folder, from `check` on each file alone, and from the
//! language server with the file open.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::harness::{cli, root};
use crate::lsp::{Client, uri};

fn example(name: &str) -> String {
    std::fs::read_to_string(root().join("fixtures/examples").join(name)).unwrap()
}

fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A repository: DWP and HMRC now and at an earlier snapshot, a DWP proposal, a CI workflow,
/// a rule pack with a fixture, and a site config.
pub fn repository() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().canonicalize().unwrap();
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    let dwp = example("dwp-compliant.yaml");
    let hmrc = example("hmrc-needs-work.yaml");
    write(&repo, "declarations/dwp.yaml", &dwp);
    write(&repo, "declarations/hmrc.yaml", &hmrc);
    write(
        &repo,
        "snapshots/2024-09/dwp.yaml",
        &dwp.replace("as_of: 2025-03-31", "as_of: 2024-09-30"),
    );
    write(
        &repo,
        "snapshots/2024-09/hmrc.yaml",
        &hmrc.replace("as_of: 2025-06-30", "as_of: 2024-09-30"),
    );
    write(
        &repo,
        "proposals/pension.yaml",
        &example("proposal-with-conditions.yaml"),
    );
    write(
        &repo,
        ".github/workflows/lint.yml",
        "name: lint\non: [push]\njobs:\n  check:\n    runs-on: ubuntu-latest\n",
    );
    write(&repo, "rules/dwp/pack.yaml", "name: dwp\nversion: 1.0.0\n");
    write(
        &repo,
        "rules/dwp/fixtures/x/fail.yaml",
        "schema_version: 1\nkind: department\n",
    );
    write(&repo, "mkdocs.yml", "site_name: Our declarations\n");
    (dir, repo)
}

pub fn check_json(dir: &Path, args: &[&str]) -> Value {
    let out = cli()
        .current_dir(dir)
        .args(["check", "--format", "json"])
        .args(args)
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stderr)))
}

/// A finding as both sides can say it: rule, 0-based line and column, and message (the
/// editor shows a label beside the message, `(expired)`, as the terminal shows it under the
/// line).
type Said = (String, u64, u64, String);

fn findings_of(report: &Value, file: &str) -> BTreeSet<Said> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["file"] == file)
        .map(|f| {
            let mut message = f["message"].as_str().unwrap().to_string();
            if let Some(label) = f["label"].as_str().filter(|l| *l != "here") {
                message.push_str(&format!(" ({label})"));
            }
            (
                f["rule"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap() - 1,
                f["column"].as_u64().unwrap() - 1,
                message,
            )
        })
        .collect()
}

fn said_by_server(diags: &[Value]) -> BTreeSet<Said> {
    diags
        .iter()
        .filter(|d| d["source"] == "roadmap-lint")
        .map(|d| {
            let message = d["message"].as_str().unwrap();
            let message = message.split("\nhelp: ").next().unwrap().to_string();
            (
                d["code"].as_str().unwrap().to_string(),
                d["range"]["start"]["line"].as_u64().unwrap(),
                d["range"]["start"]["character"].as_u64().unwrap(),
                message,
            )
        })
        .collect()
}

const CURRENT: [&str; 3] = [
    "declarations/dwp.yaml",
    "declarations/hmrc.yaml",
    "proposals/pension.yaml",
];

#[test]
fn a_folder_check_reads_declarations_and_proposals_only_and_snapshots_as_history() {
    let (_dir, repo) = repository();
    let report = check_json(&repo, &["."]);
    let files: BTreeSet<&str> = report["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["file"].as_str().unwrap())
        .collect();
    assert_eq!(
        files,
        CURRENT
            .iter()
            .map(|f| format!("./{f}"))
            .collect::<BTreeSet<_>>()
            .iter()
            .map(String::as_str)
            .collect()
    );
    assert!(
        report["diagnostics"].as_array().unwrap().is_empty(),
        "{}",
        report["diagnostics"]
    );
    // The current DWP declaration is compared with its snapshot, and says so.
    let dwp = report["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["file"] == "./declarations/dwp.yaml")
        .unwrap();
    assert_eq!(
        dwp["previous"],
        "snapshots/2024-09/dwp.yaml (as_of 2024-09-30)"
    );
    let same: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "shared-components-not-increasing")
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert!(
        same.iter()
            .any(|m| m.ends_with("compared with snapshots/2024-09/dwp.yaml (as_of 2024-09-30)")),
        "{same:?}"
    );
    assert_eq!(report["provenance"]["workspace"]["found_by"], "repository");
}

#[test]
fn each_file_alone_gets_what_the_folder_check_gives_it() {
    let (_dir, repo) = repository();
    let whole = check_json(&repo, &["."]);
    for file in CURRENT {
        let alone = check_json(&repo, &[file]);
        assert_eq!(
            findings_of(&alone, file),
            findings_of(&whole, &format!("./{file}")),
            "{file}"
        );
        assert!(!findings_of(&alone, file).is_empty(), "{file}");
    }
}

#[test]
fn the_editor_and_check_agree_on_every_file() {
    let (_dir, repo) = repository();
    let whole = check_json(&repo, &["."]);
    let mut client = Client::start(&repo, json!({}));
    for file in CURRENT {
        let opened = client.open(&repo.join(file));
        let diags = client.diagnostics(&opened);
        assert_eq!(
            said_by_server(&diags),
            findings_of(&whole, &format!("./{file}")),
            "{file}"
        );
    }
    // A snapshot open in the editor is judged as `check` judges it when named.
    let snapshot = "snapshots/2024-09/hmrc.yaml";
    let named = check_json(&repo, &[snapshot]);
    let opened = client.open(&repo.join(snapshot));
    assert_eq!(
        said_by_server(&client.diagnostics(&opened)),
        findings_of(&named, snapshot)
    );
    let _ = uri(&repo);
    client.stop();
}
