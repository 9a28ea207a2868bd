//! The workflow snippets in the docs can be pasted as they are: whole workflows whose every
//! action is pinned to a commit, and that zizmor (GitHub Actions' security linter) finds nothing
//! in, in its pedantic persona. The zizmor run needs `zizmor` on PATH (`pip install zizmor`;
//! `.ci/run` installs it), so it is ignored by a plain `cargo test`.

use crate::harness::root;

/// A placeholder the snippets use for the commit of the release tag (there is none yet).
const RELEASE: &str = "RELEASE_COMMIT_SHA";

/// Every YAML block of the docs that is a whole workflow, with where it is.
fn snippets() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for file in ["README.md", "docs/install.md"] {
        let text = std::fs::read_to_string(root().join(file)).unwrap();
        for (i, block) in text.split("```yaml\n").skip(1).enumerate() {
            let block = &block[..block.find("```").unwrap()];
            if block.contains("jobs:") {
                out.push((format!("{file} block {}", i + 1), block.to_string()));
            }
        }
    }
    out
}

#[test]
fn every_action_in_the_snippets_is_pinned_to_a_commit() {
    let all = snippets();
    assert!(all.len() >= 2, "{} workflow snippets", all.len());
    for (place, text) in all {
        for line in text
            .lines()
            .filter(|l| l.trim_start().starts_with("- uses:"))
        {
            let reference = line
                .split('@')
                .nth(1)
                .unwrap()
                .split_whitespace()
                .next()
                .unwrap();
            let pinned = reference == RELEASE
                || (reference.len() == 40 && reference.chars().all(|c| c.is_ascii_hexdigit()));
            assert!(pinned, "{place}: {line}");
            assert!(
                line.contains(" # v"),
                "{place}: a pin says its version: {line}"
            );
        }
    }
}

#[test]
#[ignore = "needs zizmor on PATH (pip install zizmor)"]
fn zizmor_finds_nothing_in_the_snippets() {
    let dir = tempfile::tempdir().unwrap();
    let workflows = dir.path().join(".github/workflows");
    std::fs::create_dir_all(&workflows).unwrap();
    let all = snippets();
    for (i, (_, text)) in all.iter().enumerate() {
        // The release's commit, once there is one: any commit id stands for it here.
        let text = text.replace(RELEASE, "0123456789abcdef0123456789abcdef01234567");
        std::fs::write(workflows.join(format!("snippet-{i}.yml")), text).unwrap();
    }
    let out = std::process::Command::new("zizmor")
        .args(["--offline", "--pedantic", "--no-progress"])
        .arg(&workflows)
        .output()
        .expect("zizmor is installed (pip install zizmor)");
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && said.contains("No findings"),
        "{said}{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
