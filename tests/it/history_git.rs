//! History read from git (`--previous-rev`, `progress --git`): repositories made in temporary
//! folders with the `git` program (only the tests need it; the tool reads the objects itself).
//! Without `git` on the machine these tests skip.

use std::path::Path;
use std::process::Command;

use crate::harness::cli;

const EARLIER: &str = "schema_version: 1\nkind: department\nas_of: 2024-03-31\norganisation: { id: HMRC, name: HM Revenue and Customs }\ntechnology:\n  mobile:\n    services_with_app_access: 4\n";

fn later(count: u32) -> String {
    EARLIER
        .replace("2024-03-31", "2025-03-31")
        .replace("access: 4", &format!("access: {count}"))
}

/// Run `git` in `dir` with no user or system config; `false` when there is no `git`.
fn git(dir: &Path, args: &[&str]) -> bool {
    let out = Command::new("git")
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.org")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.org")
        .args(args)
        .output();
    match out {
        Ok(o) => {
            assert!(
                o.status.success(),
                "git {args:?}: {}",
                String::from_utf8_lossy(&o.stderr)
            );
            true
        }
        Err(_) => false,
    }
}

/// A repository in `dir` (`false`: no `git` here, and the test skips).
fn init(dir: &Path) -> bool {
    // Skipped quietly: the library reads repositories itself, only these tests make them.
    git(dir, &["init", "-q", "-b", "main"])
}

fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn commit(dir: &Path, message: &str) {
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", message]);
}

fn check(dir: &Path, args: &[&str]) -> (i32, serde_json::Value, String) {
    let out = cli()
        .current_dir(dir)
        .args([
            "check",
            "--no-config",
            "--no-cache",
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
        serde_json::from_slice(&out.stdout).unwrap_or_default(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
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

/// The pull-request check: the working file against its version on the base branch says what
/// comparing with the same text as a snapshot file says, naming the commit and the path.
#[test]
fn previous_rev_compares_with_the_committed_version() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    if !init(root) {
        return;
    }
    write(root, "declarations/hmrc.yaml", EARLIER);
    commit(root, "first declaration");
    write(root, "declarations/hmrc.yaml", &later(3));
    // The same earlier text as a file beside the repository.
    let snap = tempfile::tempdir().unwrap();
    write(snap.path(), "2024.yaml", EARLIER);
    let snapshot = snap.path().join("2024.yaml");
    let (code, from_file, _) = check(
        root,
        &[
            "declarations/hmrc.yaml",
            "--previous",
            snapshot.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 1, "{from_file}");
    let (code, from_git, stderr) =
        check(root, &["declarations/hmrc.yaml", "--previous-rev", "main"]);
    assert_eq!(code, 1, "{from_git} {stderr}");
    let said = |r: &serde_json::Value| -> Vec<String> {
        messages(r)
            .iter()
            .map(|m| m.split("; compared with").next().unwrap().to_string())
            .collect()
    };
    assert_eq!(said(&from_git), said(&from_file));
    let message = &messages(&from_git)[0];
    let short = head(root);
    assert!(
        message.ends_with(&format!(
            "; compared with declarations/hmrc.yaml at main (commit {}, as_of 2024-03-31)",
            &short[..10]
        )),
        "{message}"
    );
    // The report says where its history came from.
    let provenance = from_git["provenance"]["history"].to_string();
    assert!(provenance.contains("git main (commit"), "{from_git}");
    // Without the flag, the workspace holds only the new version: nothing to compare with.
    let (code, alone, _) = check(root, &["declarations/hmrc.yaml"]);
    assert_eq!(code, 0);
    assert!(messages(&alone).is_empty(), "{alone}");
}

fn head(dir: &Path) -> String {
    let out = Command::new("git")
        .current_dir(dir)
        .args(["rev-parse", "HEAD"])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn an_unknown_revision_or_no_repository_is_a_tool_error() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    if !init(root) {
        return;
    }
    write(root, "hmrc.yaml", EARLIER);
    commit(root, "first");
    let (code, _, stderr) = check(root, &["hmrc.yaml", "--previous-rev", "no-such-branch"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("git-unknown-revision"), "{stderr}");
    assert!(stderr.contains("no-such-branch"), "{stderr}");
    let plain = tempfile::tempdir().unwrap();
    write(plain.path(), "hmrc.yaml", EARLIER);
    let (code, _, stderr) = check(plain.path(), &["hmrc.yaml", "--previous-rev", "main"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("git-not-repository"), "{stderr}");
}

/// In a shallow clone, a revision beyond its depth is unknown, and the help says how to
/// fetch the rest.
#[test]
fn a_revision_beyond_a_shallow_clone_says_how_to_fetch_it() {
    let dir = tempfile::tempdir().unwrap();
    let origin = dir.path().join("origin");
    std::fs::create_dir(&origin).unwrap();
    if !init(&origin) {
        return;
    }
    write(&origin, "hmrc.yaml", EARLIER);
    commit(&origin, "first");
    write(&origin, "hmrc.yaml", &later(3));
    commit(&origin, "second");
    let url = format!("file://{}", origin.display());
    git(dir.path(), &["clone", "-q", "--depth", "1", &url, "clone"]);
    let clone = dir.path().join("clone");
    let (code, _, stderr) = check(&clone, &["hmrc.yaml", "--previous-rev", "HEAD~1"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("git-unknown-revision"), "{stderr}");
    assert!(stderr.contains("git fetch --unshallow"), "{stderr}");
}

/// The example series committed snapshot by snapshot into one `declarations/` folder, in a
/// repository at `root` (with the example's config and targets).
fn commit_the_example_series(root: &Path) -> bool {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/progress");
    if !init(root) {
        return false;
    }
    for file in [".roadmap-lint.yaml", "targets.yaml"] {
        std::fs::copy(example.join(file), root.join(file)).unwrap();
    }
    for snapshot in ["2023-09", "2024-03", "2024-09", "2025-03"] {
        for entry in std::fs::read_dir(example.join(snapshot)).unwrap() {
            let entry = entry.unwrap();
            let text = std::fs::read_to_string(entry.path()).unwrap();
            write(
                root,
                &format!("declarations/{}", entry.file_name().to_string_lossy()),
                &text,
            );
        }
        commit(root, snapshot);
    }
    true
}

fn progress(dir: &Path, args: &[&str]) -> (i32, serde_json::Value, String) {
    let out = cli()
        .current_dir(dir)
        .args(["progress", "--no-cache", "--format", "json"])
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        serde_json::from_slice(&out.stdout).unwrap_or_default(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A report's series without what names files: which file a point was read from, and what
/// a finding says it compared with.
fn series_of(report: &serde_json::Value) -> serde_json::Value {
    fn strip(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(map) => {
                map.remove("file");
                for (key, value) in map.iter_mut() {
                    if key == "message"
                        && let Some(m) = value.as_str()
                    {
                        *value = m.split("; compared with").next().unwrap().into();
                    }
                    strip(value);
                }
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(strip),
            _ => {}
        }
    }
    let mut out = serde_json::json!({
        "snapshots": report["snapshots"],
        "government": report["government"],
        "departments": report["departments"],
        "unplaced": report["unplaced"],
    });
    strip(&mut out);
    out
}

/// `progress --git` reads the same series from the commits as `progress` reads from dated
/// folders holding the same declarations, and names the commits it read.
#[test]
fn progress_from_git_is_the_series_of_the_dated_folders() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    if !commit_the_example_series(root) {
        return;
    }
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/progress");
    let (code, from_folders, stderr) =
        progress(&example, &["2023-09", "2024-03", "2024-09", "2025-03"]);
    assert_eq!(code, 0, "{stderr}");
    let (code, from_git, stderr) = progress(root, &["--git"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        from_git["snapshots"].as_array().unwrap().len(),
        4,
        "{from_git}"
    );
    assert_eq!(series_of(&from_git), series_of(&from_folders));
    // Points are named by path and commit, and the report says which commits it read.
    let head = head(root);
    assert_eq!(
        from_git["departments"][0]["points"][3]["file"],
        format!("declarations/dwp.yaml at {}", &head[..10])
    );
    let history = from_git["comparability"]["provenance"]["history"][0]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        history.starts_with("git HEAD (first-parent history, 4 commits read; declarations from ")
            && history.contains(&head[..10]),
        "{history}"
    );
    // A range: the last two commits only.
    let (code, recent, stderr) = progress(root, &["--git", "HEAD~2..HEAD"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(recent["snapshots"].as_array().unwrap().len(), 2, "{recent}");
}

/// A shallow clone's history ends at its depth: the series is shorter, and a warning says
/// where it stopped and how to fetch the rest.
#[test]
fn progress_in_a_shallow_clone_says_where_history_ends() {
    let dir = tempfile::tempdir().unwrap();
    let origin = dir.path().join("origin");
    std::fs::create_dir(&origin).unwrap();
    if !commit_the_example_series(&origin) {
        return;
    }
    let url = format!("file://{}", origin.display());
    git(dir.path(), &["clone", "-q", "--depth", "2", &url, "clone"]);
    let clone = dir.path().join("clone");
    let (code, report, stderr) = progress(&clone, &["--git"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["snapshots"].as_array().unwrap().len(), 2, "{report}");
    assert!(stderr.contains("git-shallow"), "{stderr}");
    assert!(
        stderr.contains("ends after 2 commits") && stderr.contains("git fetch --unshallow"),
        "{stderr}"
    );
    // Outside any repository, `--git` is a tool error.
    let plain = tempfile::tempdir().unwrap();
    let (code, _, stderr) = progress(plain.path(), &["--git"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("git-not-repository"), "{stderr}");
}
