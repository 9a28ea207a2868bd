//! `check --fix` and `--fix --diff`: each safe fix, applied to the file; the fixes that would
//! change what a fact says are never applied; `--diff` writes nothing.

use crate::harness::cli;

const HEAD: &str = "schema_version: 1\nkind: department\nas_of: 2025-01-01\n";

/// Run `check --fix` on a file holding `body` (after the header); returns the file's new text,
/// the exit code and standard error.
fn fixed(body: &str) -> (String, i32, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("d.yaml");
    std::fs::write(&path, format!("{HEAD}{body}")).unwrap();
    let out = cli()
        .current_dir(dir.path())
        .args([
            "check",
            "--no-config",
            "--fix",
            "--format",
            "concise",
            "d.yaml",
        ])
        .output()
        .unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    (
        text.strip_prefix(HEAD).unwrap().to_string(),
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_misspelt_key_is_renamed_unless_the_key_is_there_already() {
    let (text, _, err) = fixed("organisation: {id: DFE, name: D, typ: ministerial}\n");
    assert_eq!(
        text, "organisation: {id: DFE, name: D, type: ministerial}\n",
        "{err}"
    );
    assert!(err.contains("applied 1 fix in 1 file"), "{err}");
    // Renaming would make a duplicate key: left for the author.
    let body = "organisation: {id: DFE, name: D, type: ministerial, typ: other}\n";
    let (text, _, _) = fixed(body);
    assert_eq!(text, body);
}

#[test]
fn a_value_in_another_case_is_made_the_allowed_value_but_a_near_one_is_not() {
    let body = "organisation: {id: DFE, name: D, type: Ministerial}\nservices:\n  - id: a\n    name: A\n    phase: Live\n    started: 2020-01-01\n    public_facing: true\n    performance:\n      accessibility: Non-Compliant\n";
    let (text, _, _) = fixed(body);
    assert!(text.contains("type: ministerial}"), "{text}");
    assert!(text.contains("phase: live\n"), "{text}");
    assert!(text.contains("accessibility: non_compliant\n"), "{text}");
    // `retird` is close to `retired`, but which phase the service is in is the author's call.
    let body = "organisation: {id: DFE, name: D, type: ministerial}\nservices:\n  - id: a\n    name: A\n    phase: retird\n    started: 2020-01-01\n    public_facing: true\n";
    let (text, _, err) = fixed(body);
    assert_eq!(text, body);
    assert!(err.contains("no safe fix"), "{err}");
}

#[test]
fn a_missing_key_is_added_as_a_placeholder_to_fill_in() {
    // In a flow mapping and in a block mapping.
    let (text, code, _) = fixed("organisation: {id: DFE}\n");
    assert_eq!(text, "organisation: {id: DFE, name: \"TODO\"}\n");
    assert_eq!(code, 1, "the placeholder is still a finding to act on");
    let waiver = "organisation: {id: DFE, name: D}\nwaivers:\n  - rule: time-to-hire-above-target\n    path: workforce\n    reason: agreed\n    approved_by: CDDO\n";
    let (text, _, _) = fixed(waiver);
    assert_eq!(text, format!("{waiver}    expires: \"TODO\"\n"));
    // The check after the fix lists the placeholder at its line.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("d.yaml"),
        format!("{HEAD}organisation: {{id: DFE}}\n"),
    )
    .unwrap();
    let out = cli()
        .current_dir(dir.path())
        .args([
            "check",
            "--no-config",
            "--fix",
            "--format",
            "concise",
            "d.yaml",
        ])
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        report.contains("d.yaml:4:31: error[schema-placeholder]"),
        "{report}"
    );
}

#[test]
fn diff_shows_the_fixes_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("d.yaml");
    let body = format!("{HEAD}organisation: {{id: DFE, name: D, type: Ministerial}}\n");
    std::fs::write(&path, &body).unwrap();
    let out = cli()
        .current_dir(dir.path())
        .args(["check", "--no-config", "--fix", "--diff", "d.yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), body);
    insta::assert_snapshot!(String::from_utf8_lossy(&out.stdout), @r"
    --- a/d.yaml
    +++ b/d.yaml
    @@ -1,4 +1,4 @@
     schema_version: 1
     kind: department
     as_of: 2025-01-01
    -organisation: {id: DFE, name: D, type: Ministerial}
    +organisation: {id: DFE, name: D, type: ministerial}
    ");
    // Nothing to fix: exit 0, no diff.
    std::fs::write(
        &path,
        format!("{HEAD}organisation: {{id: DFE, name: D, type: ministerial}}\n"),
    )
    .unwrap();
    let out = cli()
        .current_dir(dir.path())
        .args(["check", "--no-config", "--fix", "--diff", "d.yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
    // --diff needs --fix.
    let out = cli().args(["check", "--diff", "d.yaml"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}
