//! `roadmap-lint review`: snapshots of the reviewer reports of the three example proposals,
//! the verdict and exit-code contract, and the cross-file labels of the declaration checks.

use assert_cmd::Command;

const DECLARATIONS: &str = "fixtures/examples/";

fn review(proposal: &str, as_of: &str, format: &str, declarations: bool) -> (String, i32) {
    let mut cmd = Command::cargo_bin("roadmap-lint").unwrap();
    cmd.args([
        "review", proposal, "--as-of", as_of, "--format", format, "--color", "never",
    ]);
    if declarations {
        cmd.args(["--declarations", DECLARATIONS]);
    }
    let out = cmd
        .env("NO_COLOR", "1")
        .env_remove("COLUMNS")
        .output()
        .unwrap();
    (
        String::from_utf8(out.stdout).unwrap(),
        out.status.code().unwrap_or(-1),
    )
}

const EXAMPLES: &[(&str, &str, &str)] = &[
    (
        "clean",
        "fixtures/examples/proposal-clean.yaml",
        "2025-04-14",
    ),
    (
        "with_conditions",
        "fixtures/examples/proposal-with-conditions.yaml",
        "2025-04-14",
    ),
    (
        "not_ready",
        "fixtures/examples/proposal-not-ready.yaml",
        "2025-07-15",
    ),
];

#[test]
fn markdown_reviews_of_the_examples() {
    for (name, path, as_of) in EXAMPLES {
        let (text, _) = review(path, as_of, "markdown", true);
        insta::assert_snapshot!(format!("markdown_{name}"), text);
    }
}

#[test]
fn human_reviews_of_the_examples() {
    for (name, path, as_of) in EXAMPLES {
        let (text, _) = review(path, as_of, "human", true);
        insta::assert_snapshot!(format!("human_{name}"), text);
    }
}

#[test]
fn verdicts_and_exit_codes() {
    let verdict = |path: &str, as_of: &str, declarations: bool| {
        let (text, code) = review(path, as_of, "json", declarations);
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        (
            json["reviews"][0]["verdict"].as_str().unwrap().to_string(),
            code,
        )
    };
    let [clean, conditions, not_ready] = EXAMPLES else {
        unreachable!()
    };
    assert_eq!(verdict(clean.1, clean.2, true), ("ready".into(), 0));
    assert_eq!(
        verdict(conditions.1, conditions.2, true),
        ("approve_with_conditions".into(), 0)
    );
    assert_eq!(
        verdict(not_ready.1, not_ready.2, true),
        ("not_ready".into(), 1)
    );
    // Without its declaration, a clean proposal cannot be cross-checked: conditions, not ready.
    assert_eq!(
        verdict(clean.1, clean.2, false),
        ("approve_with_conditions".into(), 0)
    );
}

#[test]
fn tool_errors_exit_2() {
    let (_, code) = review(
        "fixtures/examples/no-such-proposal.yaml",
        "2025-04-14",
        "json",
        true,
    );
    assert_eq!(code, 2);
    // A declaration is not a proposal.
    let (text, code) = review(
        "fixtures/examples/dwp-compliant.yaml",
        "2025-04-14",
        "json",
        false,
    );
    assert_eq!(code, 2);
    assert!(text.contains("review-no-proposal"), "{text}");
}

#[test]
fn json_review_derives_rating_and_labels_both_files() {
    let (text, _) = review(
        "fixtures/examples/proposal-not-ready.yaml",
        "2025-07-15",
        "json",
        true,
    );
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let r = &json["reviews"][0];
    assert_eq!(r["rating"]["level"], "high");
    assert_eq!(r["approval"]["required"], true);
    assert_eq!(r["answers"]["required"], true);
    assert_eq!(r["answers"]["missing"], serde_json::json!(["one_login"]));
    assert_eq!(
        r["declaration"]["file"],
        "fixtures/examples/hmrc-needs-work.yaml"
    );
    let findings = r["findings"].as_array().unwrap();
    let contradiction = findings
        .iter()
        .find(|f| f["rule"] == "proposal-one-login-contradicts-declaration")
        .expect("the One Login contradiction is found");
    assert_eq!(
        contradiction["file"],
        "fixtures/examples/proposal-not-ready.yaml"
    );
    assert_eq!(contradiction["line"], 24);
    assert_eq!(contradiction["commitment"], 3);
    let related = &contradiction["related"][0];
    assert_eq!(related["file"], "fixtures/examples/hmrc-needs-work.yaml");
    assert_eq!(related["path"], "services[3].identity.one_login");
    assert_eq!(
        (related["line"].clone(), related["column"].clone()),
        (91.into(), 18.into())
    );
    assert!(
        contradiction["commitment_text"]
            .as_str()
            .unwrap()
            .starts_with("All departments will confirm an adoption strategy")
    );
}

#[test]
fn human_review_shows_both_snippets_of_a_cross_check() {
    let (text, _) = review(
        "fixtures/examples/proposal-not-ready.yaml",
        "2025-07-15",
        "human",
        true,
    );
    assert!(
        text.contains("╭─[fixtures/examples/proposal-not-ready.yaml:24:21]"),
        "{text}"
    );
    assert!(
        text.contains("╭─[fixtures/examples/hmrc-needs-work.yaml:91:18]"),
        "{text}"
    );
}

#[test]
fn html_review_of_the_not_ready_example() {
    let (text, _) = review(
        "fixtures/examples/proposal-not-ready.yaml",
        "2025-07-15",
        "html",
        true,
    );
    insta::assert_snapshot!("html_not_ready", text);
}

#[test]
fn html_review_is_self_contained_printable_and_escaped() {
    let (text, code) = review(
        "fixtures/examples/proposal-not-ready.yaml",
        "2025-07-15",
        "html",
        true,
    );
    assert_eq!(code, 1);
    assert!(text.starts_with("<!DOCTYPE html>"));
    assert!(text.contains("@media print"));
    assert!(!text.contains("<script"), "no scripts");
    assert!(
        !text.contains("src=") && !text.contains("<link"),
        "no external resources"
    );
    // The title holds `&` and `<case>`: escaped, never raw markup.
    assert!(text.contains("Excise &amp; stamp duty &lt;case&gt; management replacement"));
    assert!(!text.contains("<case>"));
    assert!(text.contains("Verdict: Not ready"));
    assert!(text.contains("hmrc-needs-work.yaml:91:18"));
}

#[test]
fn an_unreadable_proposal_is_not_ready() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.yaml");
    std::fs::write(&path, "schema_version: 1\nkind: proposal\nproposal: [\n").unwrap();
    let (text, code) = review(path.to_str().unwrap(), "2025-04-14", "json", true);
    assert_eq!(code, 1, "{text}");
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(json["reviews"][0]["verdict"], "not_ready");
    assert_eq!(json["reviews"][0]["findings"][0]["rule"], "yaml-syntax");
}
