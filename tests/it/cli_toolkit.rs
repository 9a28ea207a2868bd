//! The rule authors' toolkit through the command line: `test`, `new`, external packs and
//! `check --profile`.

use std::path::Path;

use crate::harness::cli as cmd;

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The last line of `test`: exactly `N passed, N failed`.
fn counts(text: &str) -> (usize, usize) {
    let last = text.lines().last().unwrap_or_default();
    let (p, f) = last.split_once(" passed, ").expect(last);
    let f = f.strip_suffix(" failed").expect(last);
    (p.parse().unwrap(), f.parse().unwrap())
}

/// A copy of the blueprint example pack in a temporary folder.
fn blueprint_copy(root: &Path) -> std::path::PathBuf {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for e in std::fs::read_dir(from).unwrap() {
            let e = e.unwrap();
            if e.path().is_dir() {
                copy(&e.path(), &to.join(e.file_name()));
            } else {
                std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
            }
        }
    }
    let to = root.join("blueprint-2025");
    copy(Path::new("fixtures/packs/blueprint-2025"), &to);
    to
}

#[test]
fn the_repository_passes_its_own_test() {
    let out = cmd().arg("test").output().unwrap();
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    let (passed, failed) = counts(&text);
    assert!(passed >= 8, "{text}");
    assert_eq!(failed, 0);
}

#[test]
fn the_blueprint_pack_passes_its_test_and_loads_beside_the_builtin_pack() {
    let out = cmd()
        .args(["test", "fixtures/packs/blueprint-2025"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert_eq!(counts(&stdout(&out)).1, 0);

    let out = cmd()
        .args([
            "rules",
            "--format",
            "json",
            "--rules",
            "fixtures/packs/blueprint-2025",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let rules: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let pack_of = |id: &str| {
        rules
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == id)
            .map(|r| r["pack"].as_str().unwrap().to_string())
    };
    assert_eq!(
        pack_of("wallet-credential-not-available").as_deref(),
        Some("blueprint-2025")
    );
    assert_eq!(
        pack_of("one-login-strategy-overdue").as_deref(),
        Some("roadmap-2022-25")
    );

    let out = cmd()
        .args([
            "rules",
            "--format",
            "json",
            "--no-builtin",
            "--rules",
            "fixtures/packs/blueprint-2025",
        ])
        .output()
        .unwrap();
    let rules: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        rules
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["pack"] == "blueprint-2025")
    );
}

#[test]
fn a_broken_fixture_fails_with_diagnostics_at_the_marker_and_the_finding() {
    let tmp = tempfile::tempdir().unwrap();
    let pack = blueprint_copy(tmp.path());
    let case = pack.join("fixtures/service-api-not-published/fail.yaml");
    let text = std::fs::read_to_string(&case).unwrap();
    // Move one marker a line down (misplaced), drop another (unexpected), add a warning (missing).
    let text = text
        .replace("- id: vehicle-enquiry   # expect: service-api-not-published\n      exchanges_data: true\n", "- id: vehicle-enquiry\n      exchanges_data: true   # expect: service-api-not-published\n")
        .replace("driver-check   # expect: service-api-not-published", "driver-check")
        .replace("exchanges_data: false", "exchanges_data: false   # expect-warning: service-api-not-published");
    std::fs::write(&case, text).unwrap();
    let out = cmd()
        .args(["test", "--rule", "service-api-not-published"])
        .arg(&pack)
        .output()
        .unwrap();
    let text = stdout(&out).replace(&pack.display().to_string(), "[PACK]");
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert_eq!(counts(&text), (1, 1));
    insta::assert_snapshot!(text);
}

#[test]
fn test_of_an_unknown_rule_is_a_failure() {
    let out = cmd()
        .args([
            "test",
            "fixtures/packs/blueprint-2025",
            "--rule",
            "no-such-rule",
        ])
        .output()
        .unwrap();
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("has no rule `no-such-rule`"));
    assert_eq!(counts(&text), (0, 1));
}

#[test]
fn new_scaffolds_a_rule_that_passes_test_and_never_overwrites_without_force() {
    let tmp = tempfile::tempdir().unwrap();
    let pack = blueprint_copy(tmp.path());
    let out = cmd()
        .args([
            "new",
            "credential-revocation-unpublished",
            "--commitment",
            "1",
            "--pack",
        ])
        .arg(&pack)
        .output()
        .unwrap();
    crate::harness::assert_exit(&out, 0);
    let rule = pack.join("credential-revocation-unpublished.rhai");
    let text = std::fs::read_to_string(&rule).unwrap();
    assert!(text.contains("commitment: 1,") && !text.contains("mission:"));
    assert!(text.contains("# Why\n//! Commitment 1: \"Credentials that services issue"));
    assert!(
        pack.join("fixtures/credential-revocation-unpublished/fail.yaml")
            .is_file()
    );
    assert!(
        pack.join("fixtures/credential-revocation-unpublished/pass.yaml")
            .is_file()
    );
    let leftovers: Vec<_> = std::fs::read_dir(&pack)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "no temporary files left behind");

    // The scaffold's fixtures hold, but an untouched scaffold is not a rule: `test` fails it.
    let out = cmd()
        .args(["test", "--rule", "credential-revocation-unpublished"])
        .arg(&pack)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(stdout(&out).contains("test-untouched"), "{}", stdout(&out));
    assert!(!stdout(&out).contains("test-missing"), "{}", stdout(&out));

    std::fs::write(&rule, "// my work\n").unwrap();
    let out = cmd()
        .args([
            "new",
            "credential-revocation-unpublished",
            "--commitment",
            "1",
            "--pack",
        ])
        .arg(&pack)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("already exists"));
    assert_eq!(std::fs::read_to_string(&rule).unwrap(), "// my work\n");

    let out = cmd()
        .args([
            "new",
            "credential-revocation-unpublished",
            "--commitment",
            "1",
            "--force",
            "--pack",
        ])
        .arg(&pack)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_ne!(std::fs::read_to_string(&rule).unwrap(), "// my work\n");
}

#[test]
fn new_rejects_an_unknown_commitment_and_a_bad_id() {
    let tmp = tempfile::tempdir().unwrap();
    let pack = blueprint_copy(tmp.path());
    let out = cmd()
        .args(["new", "some-rule", "--commitment", "99", "--pack"])
        .arg(&pack)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("has no commitment 99"));
    let out = cmd()
        .args(["new", "Some_Rule", "--commitment", "1", "--pack"])
        .arg(&pack)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(!pack.join("Some_Rule.rhai").exists());
}

#[test]
fn check_profile_prints_each_rule_slowest_first() {
    let out = cmd()
        .args([
            "check",
            "--profile",
            "--as-of",
            "2025-03-31",
            "--rules",
            "fixtures/packs/blueprint-2025",
            "fixtures/examples/",
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = err.lines().collect();
    let header = lines
        .iter()
        .position(|l| l.starts_with("rule ") && l.contains("calls"))
        .expect(&err);
    let rows: Vec<(&str, f64)> = lines[header + 1..]
        .iter()
        .map(|l| {
            let cols: Vec<&str> = l.split_whitespace().collect();
            (cols[0], cols[1].parse::<f64>().unwrap())
        })
        .collect();
    assert!(
        rows.iter()
            .any(|(id, _)| *id == "one-login-strategy-overdue")
    );
    assert!(
        rows.iter()
            .any(|(id, _)| *id == "wallet-credential-not-available")
    );
    assert!(rows.windows(2).all(|w| w[0].1 >= w[1].1), "{err}");
    // Without the flag, nothing is printed to stderr.
    let out = cmd()
        .args([
            "check",
            "--as-of",
            "2025-03-31",
            "fixtures/examples/dwp-compliant.yaml",
        ])
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&out.stderr).contains("calls"));
}

/// `check`, `score` and `review` skip the load-time lint of the built-in pack to start faster;
/// this is the check that makes that safe: `rules` lints every built-in rule, and finds nothing.
#[test]
fn the_builtin_pack_lints_clean() {
    let out = cmd().args(["rules"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.trim().is_empty(), "lint diagnostics: {stderr}");
    assert!(stdout(&out).contains("top75-service-not-great"));
}

/// `new --pack DIR` for a folder with no `pack.yaml` creates the pack: its manifest (with the
/// roadmap's commitments, so the rule has one to serve), the rule and its fixtures; the pack
/// then loads beside the built-in one.
#[test]
fn new_creates_a_pack_that_loads() {
    let tmp = tempfile::tempdir().unwrap();
    let pack = tmp.path().join("my-pack");
    let out = cmd()
        .args([
            "new",
            "api-catalogue-entry-missing",
            "--commitment",
            "5",
            "--pack",
        ])
        .arg(&pack)
        .output()
        .unwrap();
    crate::harness::assert_exit(&out, 0);
    assert!(stdout(&out).contains("pack.yaml"), "{}", stdout(&out));
    let manifest = std::fs::read_to_string(pack.join("pack.yaml")).unwrap();
    assert!(manifest.contains("name: my-pack") && manifest.contains("number: 5"));
    let out = cmd()
        .arg("rules")
        .arg("--rules")
        .arg(&pack)
        .output()
        .unwrap();
    crate::harness::assert_exit(&out, 0);
    assert!(stdout(&out).contains("api-catalogue-entry-missing"));
}

/// A typo in `test --rule` or `explain` is answered with the id meant, in one sentence;
/// `rules` heads its columns; `test --help` describes the markers as they are today.
#[test]
fn the_commands_that_describe_rules_help_with_typos_and_head_their_columns() {
    let out = cmd()
        .args(["test", "--rule", "one-login-strategy-overdu"])
        .output()
        .unwrap();
    let text = stdout(&out);
    assert!(
        text.contains("help: did you mean `one-login-strategy-overdue`?"),
        "{text}"
    );
    assert!(
        !text.contains("ai-opportunity-without-transparency-record"),
        "{text}"
    );

    let out = cmd()
        .args(["explain", "one-login-strategy-overdu"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(
            "did you mean `one-login-strategy-overdue`? `roadmap-lint rules` lists the rules"
        ),
        "{err}"
    );
    assert!(!err.contains("?;"), "{err}");

    let out = cmd().args(["rules"]).output().unwrap();
    let first = stdout(&out).lines().next().unwrap().to_string();
    let columns: Vec<&str> = first.split_whitespace().collect();
    assert_eq!(
        columns,
        ["id", "cmt", "severity", "pack", "title"],
        "{first}"
    );

    let out = cmd().args(["test", "--help"]).output().unwrap();
    let help = stdout(&out);
    for words in [
        "# expect: RULE-ID",
        "# expect-warning:",
        "# expect-info:",
        "fixtures/<rule-id>/",
    ] {
        assert!(help.contains(words), "{words} missing from: {help}");
    }
}
