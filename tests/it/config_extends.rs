//! `extends:` in the config: one config shared across a department's repositories, with the
//! repository's own keys winning, and `config --show` printing the settings in force.

use crate::harness::{cli, root};

fn write(path: &std::path::Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[test]
fn a_config_extends_a_file_of_a_repository_checked_out_beside_it() {
    let dir = tempfile::tempdir().unwrap();
    let shared = dir.path().join("digital-standards/roadmap-lint.yaml");
    let repo = dir.path().join("dept");
    write(
        &shared,
        "disable: { rules: [hosting-not-cloud-aligned] }\nseverity: { one-login-strategy-overdue: warning, resilience-test-overdue: warning }\nfail_on: warning\n",
    );
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    write(
        &repo.join(".roadmap-lint.yaml"),
        "extends: ../digital-standards/roadmap-lint.yaml\nseverity: { resilience-test-overdue: error }\nfail_on: error\n",
    );
    std::fs::copy(
        root().join("tests/data/ci/dept.yaml"),
        repo.join("dept.yaml"),
    )
    .unwrap();

    let out = cli()
        .current_dir(&repo)
        .args(["config", "--show"])
        .output()
        .unwrap();
    crate::harness::assert_exit(&out, 0);
    insta::assert_snapshot!(String::from_utf8_lossy(&out.stdout), @r"
    # config: .roadmap-lint.yaml
    # extends: ../digital-standards/roadmap-lint.yaml
    disable:
      rules:
      - hosting-not-cloud-aligned
    fail_on: error
    severity:
      one-login-strategy-overdue: warning
      resilience-test-overdue: error
    ");

    // The check uses the merged settings: the shared file's disabled rule does not run, its
    // severity holds where the repository's own does not override it.
    let out = cli()
        .current_dir(&repo)
        .args([
            "check",
            "--as-of",
            "2025-06-30",
            "--format",
            "concise",
            "--no-waivers",
            "dept.yaml",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("hosting-not-cloud-aligned"), "{text}");
    assert!(
        text.contains("warning[one-login-strategy-overdue]"),
        "{text}"
    );
    assert!(text.contains("error[resilience-test-overdue]"), "{text}");
    assert_eq!(out.status.code(), Some(1), "{text}");
    // The report says which config produced it, with the file it extends.
    let out = cli()
        .current_dir(&repo)
        .args([
            "check",
            "--as-of",
            "2025-06-30",
            "--format",
            "json",
            "dept.yaml",
        ])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        report["provenance"]["config"],
        ".roadmap-lint.yaml (extends ../digital-standards/roadmap-lint.yaml)"
    );
}

#[test]
fn a_loop_of_extends_and_a_missing_file_are_diagnostics_at_the_line() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("a.yaml"), "extends: b.yaml\n");
    write(&dir.path().join("b.yaml"), "extends: a.yaml\n");
    write(
        &dir.path().join("c.yaml"),
        "fail_on: warning\nextends: missing.yaml\n",
    );
    for (config, says) in [
        ("a.yaml", "extends itself through"),
        ("c.yaml", "missing.yaml"),
    ] {
        let out = cli()
            .current_dir(dir.path())
            .args(["config", "--show", "--config", config])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("config-extends") && err.contains(says),
            "{err}"
        );
        let out = cli()
            .current_dir(dir.path())
            .args(["check", "--config", config, "-"])
            .write_stdin("schema_version: 1\n")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
    }
}
