//! Every rule's fixtures, through the same code as `roadmap-lint test`: each finding must start
//! on a line marked `# expect: rule-id`, every marker must be met, and every rule needs a
//! passing and a failing fixture. The built-in pack's fixtures live in `rules/roadmap-2022-25/fixtures/<rule-id>/`
//! (a sub-folder of several files is one multi-file case, for portfolio rules).

use std::path::Path;

use roadmap_lint::internal::report::human::{Style, render_diagnostic};
use roadmap_lint::internal::testing::{self, PackTest};

fn assert_passes(pack: &PackTest) {
    let style = Style {
        color: false,
        width: 100,
    };
    let problems: Vec<String> = pack
        .problems()
        .filter(|d| d.severity == roadmap_lint::Severity::Error)
        .map(|d| render_diagnostic(d, style))
        .collect();
    assert!(!pack.rules.is_empty(), "pack {} has rules", pack.name);
    assert!(pack.passed() > 0);
    assert_eq!(pack.failed(), 0, "{}", problems.join("\n"));
}

#[test]
fn every_builtin_rule_has_passing_and_failing_fixtures_that_hold() {
    let dirs = testing::pack_dirs(Path::new("rules"));
    assert!(!dirs.is_empty());
    for dir in dirs {
        assert_passes(&testing::test_pack(&dir, None));
    }
}

#[test]
fn the_blueprint_example_pack_passes_its_fixtures() {
    let pack = testing::test_pack(Path::new("fixtures/packs/blueprint-2025"), None);
    assert_eq!(pack.name, "blueprint-2025");
    assert!(pack.rules.len() >= 3);
    assert_passes(&pack);
}

#[test]
fn a_sub_folder_is_one_case_whose_files_are_checked_together() {
    let tmp = tempfile::tempdir().unwrap();
    let pack = tmp.path().join("p");
    let cases = pack.join("fixtures/organisation-id-declared-twice");
    std::fs::create_dir_all(cases.join("twice")).unwrap();
    std::fs::write(
        pack.join("pack.yaml"),
        "name: p\nversion: 0.1.0\ndescription: Portfolio test pack.\nmissions:\n  - number: 1\n    title: M\n    commitments:\n      - number: 1\n        text: C.\n",
    )
    .unwrap();
    std::fs::write(
        pack.join("organisation-id-declared-twice.rhai"),
        r#"//! # What it checks
//! That no two declarations share an organisation id.
//!
//! # Why
//! Commitment 1: "C."
//!
//! # Failing example
//! Two files with `organisation: { id: X }`.
//!
//! # Passing example
//! One file.

let rule = #{
    id: "organisation-id-declared-twice",
    title: "Two declarations share an organisation id",
    commitment: 1,
    severity: "error",
    portfolio: true,
};

fn collect(doc, ctx) {
    doc.organisation.id
}

fn check_all(items, ctx) {
    for item in items {
        let same = items.filter(|other| other.value == item.value);
        if same.len() > 1 {
            report_in(item.ref, "organisation.id", "declared twice", "merge the declarations");
        } else {
            pass_in(item.ref, "organisation.id");
        }
    }
}
"#,
    )
    .unwrap();
    let doc = |id: &str, marker: &str| {
        format!(
            "schema_version: 1\nkind: department\nas_of: 2025-01-01\norganisation:\n  id: {id}{marker}\n  name: N\n"
        )
    };
    let marker = "   # expect: organisation-id-declared-twice";
    std::fs::write(cases.join("twice/a.yaml"), doc("X", marker)).unwrap();
    std::fs::write(cases.join("twice/b.yaml"), doc("X", marker)).unwrap();
    std::fs::write(cases.join("once.yaml"), doc("X", "")).unwrap();
    let result = testing::test_pack(&pack, None);
    assert_passes(&result);
    assert_eq!(result.rules[0].cases.len(), 2);
    assert!(
        result.rules[0]
            .cases
            .iter()
            .any(|c| c.expects_findings && c.name.ends_with("twice"))
    );

    // A marker missing from one file of the case is a failure.
    std::fs::write(cases.join("twice/b.yaml"), doc("X", "")).unwrap();
    let result = testing::test_pack(&pack, None);
    assert_eq!((result.passed(), result.failed()), (1, 1));
    let problem = result.problems().next().unwrap();
    assert_eq!(problem.code, "test-unexpected");
    assert!(problem.file.as_deref().unwrap().ends_with("b.yaml"));
    assert_eq!(problem.line, Some(5));
}

/// Each built-in rule's messages, as a reader sees them: the findings of its failing fixtures,
/// one line each (where, severity, message, help), in a small snapshot per rule. A change to a
/// rule's wording shows in review as a change to that rule's snapshot alone.
#[test]
fn rule_messages() {
    use roadmap_lint::internal::load::Input;
    use roadmap_lint::internal::run::{self, Options};

    let fixtures = Path::new("rules/roadmap-2022-25/fixtures");
    let base = Options::builtin();
    let all = run::prepare(&base);
    let ids: Vec<String> = all.rules.rules().map(|(_, r)| r.id.clone()).collect();
    for id in ids {
        let mut cases: Vec<std::path::PathBuf> = std::fs::read_dir(fixtures.join(&id))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| {
                let name = p.file_name().unwrap().to_string_lossy();
                !name.starts_with("pass")
            })
            .collect();
        cases.sort();
        let options = base.clone().only_rules([id.clone()]);
        let prepared = run::prepare(&options);
        let mut text = String::new();
        for case in cases {
            let files: Vec<std::path::PathBuf> = if case.is_dir() {
                let mut f: Vec<_> = std::fs::read_dir(&case)
                    .unwrap()
                    .map(|e| e.unwrap().path())
                    .collect();
                f.sort();
                f
            } else {
                vec![case.clone()]
            };
            let inputs: Vec<Input> = files.iter().cloned().map(Input::File).collect();
            let result = run::run(&inputs, &prepared, &options);
            text.push_str(&format!(
                "{}:\n",
                case.strip_prefix(fixtures).unwrap().display()
            ));
            for f in result.findings().iter().filter(|f| f.rule == id) {
                let file = Path::new(&f.file).file_name().unwrap().to_string_lossy();
                text.push_str(&format!(
                    "  {file}:{}:{} {}{}: {}\n",
                    f.location.line,
                    f.location.column,
                    f.severity,
                    if f.waived { " (waived)" } else { "" },
                    f.message
                ));
                if let Some(h) = &f.help {
                    text.push_str(&format!("    help: {h}\n"));
                }
            }
        }
        insta::assert_snapshot!(format!("rule_messages__{id}"), text);
    }
}
