//! `roadmap-lint init`: a declaration to fill in, whose first check is a to-do list.

use crate::harness::cli;

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn a_department_template_lists_its_top75_services_and_fails_loudly() {
    let dir = tempfile::tempdir().unwrap();
    let out = cli()
        .current_dir(dir.path())
        .args(["init", "--organisation", "DFE"])
        .output()
        .unwrap();
    crate::harness::assert_exit(&out, 0);
    let path = dir.path().join("dfe.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.starts_with("# yaml-language-server: $schema="),
        "{text}"
    );
    assert!(text.contains("id: DFE") && text.contains("name: \"Department for Education\""));
    assert!(
        text.contains("id: get-into-teaching"),
        "the department's top-75 services"
    );
    assert!(
        text.contains("Target `training_pct` = 90"),
        "targets are shown where they apply"
    );
    // The first check is a to-do list: placeholders only, each at its line, and exit 1.
    let out = cli()
        .current_dir(dir.path())
        .args(["check", "--format", "json", "dfe.yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let codes: std::collections::BTreeSet<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        ["schema-placeholder", "schema-too-many-problems"]
            .into_iter()
            .collect(),
        "{codes:?}"
    );
    // `null` is offered only where the format allows it.
    let help_at = |path: &str| {
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["path"] == path)
            .map(|f| f["help"].as_str().unwrap().to_string())
            .unwrap_or_else(|| panic!("no placeholder at {path}"))
    };
    assert!(help_at("organisation.type").contains("write `null` if the fact is not known"));
    let supplier = help_at("services[0].identity.idp_contracts[0].supplier");
    assert!(supplier.contains("cannot be `null`"), "{supplier}");
    assert!(!supplier.contains("write `null`"), "{supplier}");
    // Never overwritten without --force.
    std::fs::write(&path, "mine").unwrap();
    let out = cli()
        .current_dir(dir.path())
        .args(["init", "--organisation", "DFE"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "mine");
    let out = cli()
        .current_dir(dir.path())
        .args(["init", "--organisation", "DFE", "--force"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn a_proposal_template_and_a_config_template() {
    let dir = tempfile::tempdir().unwrap();
    let out = cli()
        .current_dir(dir.path())
        .args([
            "init",
            "--organisation",
            "HMRC",
            "--kind",
            "proposal",
            "-o",
            "p.yaml",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let text = std::fs::read_to_string(dir.path().join("p.yaml")).unwrap();
    assert!(
        text.contains("kind: proposal") && text.contains("organisation: HMRC"),
        "{text}"
    );
    let out = cli()
        .current_dir(dir.path())
        .args(["init", "--config"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(dir.path().join(".roadmap-lint.yaml").is_file());
    // The config it writes is valid: a check in that folder reads it without complaint.
    std::fs::copy(
        crate::harness::root().join("fixtures/examples/dwp-compliant.yaml"),
        dir.path().join("dwp.yaml"),
    )
    .unwrap();
    let out = cli()
        .current_dir(dir.path())
        .args(["check", "dwp.yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).contains("Using config"), "{}", stdout(&out));
}

#[test]
fn init_helps_with_the_organisation_code_and_writes_a_proposal_without_one() {
    let dir = tempfile::tempdir().unwrap();
    // Lower case finds the department on the top-75 list; a typo gets a suggestion.
    let out = cli()
        .current_dir(dir.path())
        .args(["init", "--organisation", "dfe", "-o", "a.yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = std::fs::read_to_string(dir.path().join("a.yaml")).unwrap();
    assert!(text.contains("id: DFE") && text.contains("id: get-into-teaching"));
    let out = cli()
        .current_dir(dir.path())
        .args(["init", "--organisation", "DFEE", "-o", "b.yaml"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("did you mean `DFE`?"));
    // A proposal needs no organisation up front; a declaration does, and says so.
    let out = cli()
        .current_dir(dir.path())
        .args(["init", "--kind", "proposal", "-o", "p.yaml"])
        .output()
        .unwrap();
    crate::harness::assert_exit(&out, 0);
    let out = cli()
        .current_dir(dir.path())
        .args(["init"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--organisation"));
    // The allowed values are written where they are needed, not "above".
    assert!(!text.contains("one of the values above"));
    assert!(text.contains("\"TODO: one of discovery, alpha, beta, live, retired\""));
}

/// A first-time user filled in `init`'s template with only its comments and docs/format.md:
/// the result must stay a clean check (a rule or schema change that breaks it breaks the path a
/// newcomer follows).
#[test]
fn a_declaration_filled_in_from_the_template_checks_clean() {
    let out = cli()
        .args(["check", "--no-config", "fixtures/init/dfe-filled.yaml"])
        .output()
        .unwrap();
    crate::harness::assert_exit(&out, 0);
}

/// The code names the file written, so only a plain code is taken: nothing that climbs out of
/// the folder, names a hidden file or carries control characters. `-o -` prints the template.
#[test]
fn init_takes_only_a_plain_organisation_code() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("x")).unwrap();
    for bad in [
        "X/../../evil",
        "../escape",
        "",
        ".",
        "AB\u{1b}]0;x\u{7}C",
        "a b",
    ] {
        let out = cli()
            .current_dir(dir.path().join("x"))
            .args(["init", "--organisation", bad])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{bad:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("not an organisation code"), "{err}");
        assert!(
            !err.contains('\u{1b}') || err.contains("\u{1b}["),
            "raw escape: {err:?}"
        );
    }
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(left.len(), 1, "only x/ remains: {left:?}");
    assert_eq!(std::fs::read_dir(dir.path().join("x")).unwrap().count(), 0);
    // To standard output, and not over a folder.
    let out = cli()
        .current_dir(dir.path())
        .args(["init", "--organisation", "DFE", "-o", "-"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("kind: department"));
    let out = cli()
        .current_dir(dir.path())
        .args(["init", "--organisation", "DFE", "-o", "x", "--force"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is a folder"));
    assert!(dir.path().join("x").is_dir());
}
