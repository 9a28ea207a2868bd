//! Proposal rules see the department declaration of the same organisation as `ctx.declaration`,
//! and `relate(ctx.declaration_ref, ...)` labels a path in that other file (src/run.rs).

use std::path::PathBuf;

use roadmap_lint::internal::load::Input;
use roadmap_lint::internal::run::{self, Options, Status};

const RULE: &str = "proposal-one-login-contradicts-declaration";

fn declaration(org: &str, extra: &str) -> String {
    format!(
        "schema_version: 1\nkind: department\nas_of: 2025-03-31\norganisation: {{ id: {org}, name: Example }}\n{extra}services:\n  - id: pay-a-fine\n    identity:\n      requires_login: true\n      one_login: not_started\n"
    )
}

const PROPOSAL: &str = "schema_version: 1\nkind: proposal\nas_of: 2025-04-01\nproposal:\n  id: SC-1\n  organisation: DWP\n  service: pay-a-fine\n  identity:\n    requires_login: true\n    uses_one_login: true\n";

fn run_with(declaration_text: &str) -> (run::Run, PathBuf, PathBuf, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let decl = dir.path().join("a-declaration.yaml");
    let prop = dir.path().join("b-proposal.yaml");
    std::fs::write(&decl, declaration_text).unwrap();
    std::fs::write(&prop, PROPOSAL).unwrap();
    let options = Options::builtin().only_rules([RULE]);
    let prepared = run::prepare(&options);
    // The proposal comes first: declarations are gathered before any rule runs.
    let result = run::run(
        &[Input::File(prop.clone()), Input::File(decl.clone())],
        &prepared,
        &options,
    );
    assert!(
        result.diagnostics().is_empty(),
        "{:?}",
        result.diagnostics()
    );
    (result, decl, prop, dir)
}

#[test]
fn a_proposal_rule_labels_the_declaration_in_another_file() {
    let (result, decl, prop, _dir) = run_with(&declaration("DWP", ""));
    assert_eq!(result.findings().len(), 1, "{:#?}", result.findings());
    let f = &result.findings()[0];
    assert_eq!(f.rule, RULE);
    assert_eq!(f.file, prop.display().to_string());
    assert_eq!(f.path, "proposal.identity.uses_one_login");
    assert_eq!((f.location.line, f.location.column), (10, 21));
    assert_eq!(f.related.len(), 1);
    let r = &f.related[0];
    assert_eq!(r.file, decl.display().to_string());
    assert_eq!(r.document, 0);
    assert_eq!(r.path, "services[0].identity.one_login");
    assert_eq!((r.location.line, r.location.column), (9, 18));
    // The declaration's source is in the run, so reporters can show its snippet.
    let source = run::sources(&result)
        .iter()
        .find(|s| s.name == r.file)
        .unwrap();
    let start = r.location.byte_start;
    assert_eq!(
        &source.text[start..start + r.location.byte_len],
        "not_started"
    );
}

#[test]
fn another_organisation_s_declaration_is_not_used() {
    let (result, _, _, _dir) = run_with(&declaration("HMRC", ""));
    assert!(result.findings().is_empty(), "{:#?}", result.findings());
    let status = &run::results(&result)
        .iter()
        .find(|r| &*r.rule == RULE)
        .unwrap()
        .status;
    assert!(matches!(status, Status::NotApplicable(_)), "{status:?}");
}

#[test]
fn a_declaration_that_fails_its_schema_is_not_used() {
    let (result, _, prop, _dir) = run_with(&declaration("DWP", "unknown_key: 1\n"));
    assert!(
        result
            .findings()
            .iter()
            .all(|f| f.file != prop.display().to_string()),
        "{:#?}",
        result.findings()
    );
}
