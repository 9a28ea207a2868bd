//! A department's pack through the command line: `eval`, `check --debug-rule`, `explain` and
//! `rules` reading the config, `applies_to`, the pack's missions left out of the government
//! score, `new --kind proposal`, and no link to the built-in reference for a pack's rule.

use std::path::{Path, PathBuf};

use crate::author_mistakes::{BODY, DECLARATION, pack, rule};
use crate::harness::{assert_exit, cli};

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

const LIB: &str = "//! DWP's helpers.\n\n/// The services that are live.\nfn live_services(doc) {\n    having(lookup(doc, \"services\", []), \"phase\", \"live\")\n}\n";

/// A pack with a library, a rule that prints, and a declaration beside it.
fn dwp_pack(root: &Path) -> (PathBuf, PathBuf) {
    let body = "fn check(doc, ctx) {\n    for s in dwp::live_services(doc) {\n        print(\"judging \" + s.id);\n        pass(path(s));\n    }\n}\n";
    let dir = pack(
        root,
        &[
            ("lib/dwp.rhai", LIB),
            ("live-services.rhai", &rule("live-services", body)),
        ],
    );
    let declaration = root.join("dwp.yaml");
    std::fs::write(&declaration, DECLARATION).unwrap();
    (dir, declaration)
}

#[test]
fn eval_binds_doc_and_ctx_and_imports_the_packs_library() {
    let tmp = tempfile::tempdir().unwrap();
    let (dir, declaration) = dwp_pack(tmp.path());
    let out = cli()
        .args(["eval", "--no-config", "--rules"])
        .arg(&dir)
        .arg(&declaration)
        .arg("#{ ids: dwp::live_services(doc).map(|s| s.id), as_of: ctx.as_of, limit: ctx.params.large_service_transactions }")
        .output()
        .unwrap();
    assert_exit(&out, 0);
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        value,
        serde_json::json!({
            "ids": ["claim-pension-credit", "check-state-pension"],
            "as_of": "2025-06-30",
            "limit": 1000000.0,
        })
    );
    // An error is at its place in the expression, with the types it compared.
    let out = cli()
        .args(["eval", "--no-config", "--no-builtin", "--rules"])
        .arg(&dir)
        .arg(&declaration)
        .arg("doc.services.len() < \"2\"")
        .output()
        .unwrap();
    assert_exit(&out, 2);
    let err = text(&out.stderr);
    assert!(err.contains("eval-failed"), "{err}");
    assert!(
        err.contains("`<` compares a number `2` with a string `\"2\"`"),
        "{err}"
    );
    assert!(err.contains("<expression>:1:"), "{err}");
}

#[test]
fn check_debug_rule_shows_what_the_rule_printed() {
    let tmp = tempfile::tempdir().unwrap();
    let (dir, declaration) = dwp_pack(tmp.path());
    let out = cli()
        .args([
            "check",
            "--no-config",
            "--no-builtin",
            "--debug-rule",
            "live-services",
            "--rules",
        ])
        .arg(&dir)
        .arg(&declaration)
        .output()
        .unwrap();
    assert_exit(&out, 0);
    let err = text(&out.stderr);
    assert!(
        err.contains("rule `live-services` printed on")
            && err.contains("dwp.yaml, document 1:\n  judging claim-pension-credit\n  judging check-state-pension\n"),
        "{err}"
    );
    // A misspelt id is an error, with the closest.
    let out = cli()
        .args([
            "check",
            "--no-config",
            "--no-builtin",
            "--debug-rule",
            "live-service",
            "--rules",
        ])
        .arg(&dir)
        .arg(&declaration)
        .output()
        .unwrap();
    assert_exit(&out, 2);
    let all = format!("{}{}", text(&out.stdout), text(&out.stderr));
    assert!(
        all.contains("--debug-rule live-service: no loaded rule has this id"),
        "{all}"
    );
    assert!(all.contains("did you mean `live-services`"), "{all}");
}

#[test]
fn explain_and_rules_read_the_configs_rule_folders_and_explain_names_the_default_severity() {
    let tmp = tempfile::tempdir().unwrap();
    let body = "fn check(doc, ctx) {\n    pass(\"kind\");\n}\n";
    let text_of_rule = rule("no-severity", body).replace("    severity: \"error\",\n", "");
    pack(tmp.path(), &[("no-severity.rhai", &text_of_rule)]);
    std::fs::write(
        tmp.path().join(".roadmap-lint.yaml"),
        "rule_folders: [dwp-pack]\n",
    )
    .unwrap();
    std::fs::create_dir_all(tmp.path().join(".git")).unwrap();
    let out = cli()
        .current_dir(tmp.path())
        .args(["explain", "no-severity"])
        .output()
        .unwrap();
    assert_exit(&out, 0);
    let shown = text(&out.stdout);
    assert!(
        shown.contains("Severity: error (the default: the rule's metadata sets none)"),
        "{shown}"
    );
    let out = cli()
        .current_dir(tmp.path())
        .args(["rules"])
        .output()
        .unwrap();
    assert_exit(&out, 0);
    assert!(text(&out.stdout).contains("no-severity"));
}

#[test]
fn applies_to_keeps_a_departments_rule_to_its_own_documents() {
    let tmp = tempfile::tempdir().unwrap();
    let body = "fn check(doc, ctx) {\n    pass(\"kind\");\n}\n";
    let dwp_only = rule("dwp-only", body).replace(
        "    kinds: [\"department\"],\n",
        "    kinds: [\"department\"],\n    applies_to: [\"DWP\"],\n",
    );
    let dir = pack(tmp.path(), &[("dwp-only.rhai", &dwp_only)]);
    let hmrc = tmp.path().join("hmrc.yaml");
    std::fs::write(
        &hmrc,
        DECLARATION.replace(
            "{ id: DWP, name: Department for Work and Pensions }",
            "{ id: HMRC, name: HM Revenue and Customs }",
        ),
    )
    .unwrap();
    let dwp = tmp.path().join("dwp.yaml");
    std::fs::write(&dwp, DECLARATION).unwrap();
    let out = cli()
        .args([
            "check",
            "--no-config",
            "--no-builtin",
            "--format",
            "json",
            "--rules",
        ])
        .arg(&dir)
        .args([&dwp, &hmrc])
        .output()
        .unwrap();
    assert_exit(&out, 0);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let text = report.to_string();
    // Scores count the rule's passed check for DWP only.
    assert!(text.contains("DWP"), "{text}");
    let out = cli()
        .args([
            "explain",
            "dwp-only",
            "--no-config",
            "--no-builtin",
            "--rules",
        ])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("Applies to: department of DWP."));
    let prepared = roadmap_lint::internal::run::prepare(&crate::author_mistakes::options(&dir));
    let run = roadmap_lint::internal::run::run(
        &[
            roadmap_lint::internal::load::Input::File(dwp),
            roadmap_lint::internal::load::Input::File(hmrc),
        ],
        &prepared,
        &crate::author_mistakes::options(&dir),
    );
    let judged: Vec<&str> = roadmap_lint::internal::run::results(&run)
        .iter()
        .filter(|r| &*r.rule == "dwp-only")
        .map(|r| {
            run.documents()[r.doc()]
                .organisation
                .as_deref()
                .unwrap_or("")
        })
        .collect();
    assert_eq!(judged, vec!["DWP"]);
}

/// The government score of `score --format json` on a declaration the blueprint pack fails,
/// with the config `config` (the blueprint pack among its rule folders when `with_pack`), in a
/// workspace of its own.
fn government_score(with_pack: bool, config: &str) -> serde_json::Value {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(tmp.path().join(".git")).unwrap();
    let declaration = tmp.path().join("dwp.yaml");
    let base = std::fs::read_to_string("fixtures/examples/dwp-compliant.yaml").unwrap();
    std::fs::write(
        &declaration,
        format!("{base}\nx_blueprint:\n  workforce:\n    total_headcount: 6000\n    digital_data_headcount: 60\n"),
    )
    .unwrap();
    let folders = if with_pack {
        format!(
            "rule_folders: [{}]\n",
            std::fs::canonicalize("fixtures/packs/blueprint-2025")
                .unwrap()
                .display()
        )
    } else {
        String::new()
    };
    std::fs::write(
        tmp.path().join(".roadmap-lint.yaml"),
        format!("{folders}{config}"),
    )
    .unwrap();
    let out = cli()
        .current_dir(tmp.path())
        .args([
            "score",
            "--format",
            "json",
            "--as-of",
            "2031-01-01",
            "dwp.yaml",
        ])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", text(&out.stderr)));
    report["government"]["score"]["score"].clone()
}

#[test]
fn a_departments_own_missions_stay_out_of_the_government_score_unless_the_config_counts_them() {
    let without = government_score(false, "");
    let beside = government_score(true, "");
    let counted = government_score(true, "scored_packs: [blueprint-2025]\n");
    assert_eq!(
        without, beside,
        "a pack beside the built-in one leaves the score as it is"
    );
    assert_ne!(without, counted, "a pack the config counts changes it");
}

#[test]
fn new_scaffolds_a_proposal_rule_whose_fixtures_pass() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("dwp");
    let out = cli()
        .args([
            "new",
            "dwp-proposal-check",
            "--commitment",
            "3",
            "--kind",
            "proposal",
            "--pack",
        ])
        .arg(&dir)
        .output()
        .unwrap();
    assert_exit(&out, 0);
    let script = std::fs::read_to_string(dir.join("dwp-proposal-check.rhai")).unwrap();
    assert!(script.contains("kinds: [\"proposal\"]"));
    assert!(script.contains("question: \"TODO"));
    let manifest = std::fs::read_to_string(dir.join("pack.yaml")).unwrap();
    assert!(manifest.contains("# help_uri: \"https://"), "{manifest}");
    let tested = roadmap_lint::internal::testing::test_pack(&dir, None);
    let codes: Vec<String> = tested.problems().map(|d| d.code.to_string()).collect();
    // Only the scaffold's TODOs are left to do: its fixtures hold.
    assert_eq!(
        codes,
        vec!["test-untouched"],
        "{:#?}",
        tested.problems().collect::<Vec<_>>()
    );
}

#[test]
fn a_pack_rule_without_help_uri_links_to_no_built_in_page() {
    let tmp = tempfile::tempdir().unwrap();
    let body = "fn check(doc, ctx) {\n    report(\"kind\", \"always\");\n}\n";
    let dir = pack(tmp.path(), &[("always.rhai", &rule("always", body))]);
    let declaration = tmp.path().join("dwp.yaml");
    std::fs::write(&declaration, DECLARATION).unwrap();
    let out = cli()
        .args(["check", "--no-config", "--no-builtin", "--rules"])
        .arg(&dir)
        .arg(&declaration)
        .output()
        .unwrap();
    assert_exit(&out, 1);
    let shown = text(&out.stdout);
    assert!(shown.contains("always"), "{shown}");
    assert!(!shown.contains("docs/rules.md#always"), "{shown}");
    let _ = BODY;
}
