//! Every rule's fixtures: each finding must start on a line marked `# expect: rule-id`, and
//! every marker must be met. Fixtures live in `fixtures/rules/<rule-id>/`: each `*.yaml` file is
//! one run on its own, and each sub-folder is one run over all its `*.yaml` files together (for
//! portfolio rules, which judge documents across files). Markers are matched per file.

use std::path::{Path, PathBuf};

use roadmap_lint::fixture;
use roadmap_lint::load::Input;
use roadmap_lint::pack::PackSources;
use roadmap_lint::run::{self, Options};

fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|_| panic!("cannot read fixture folder {}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    files
}

/// The runs of a rule's fixture folder: one per file, one per sub-folder.
fn cases(dir: &Path) -> Vec<(PathBuf, Vec<PathBuf>)> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|_| panic!("no fixture folder {}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    let mut out = Vec::new();
    for entry in entries {
        if entry.is_dir() {
            let files = yaml_files(&entry);
            assert!(
                !files.is_empty(),
                "fixture folder {} holds no .yaml files",
                entry.display()
            );
            out.push((entry, files));
        } else if entry.extension().is_some_and(|e| e == "yaml") {
            out.push((entry.clone(), vec![entry]));
        }
    }
    out
}

#[test]
fn every_rule_has_passing_and_failing_fixtures_that_hold() {
    let base = Options {
        packs: PackSources {
            builtin: true,
            dirs: vec![],
        },
        ..Options::default()
    };
    let prepared = run::prepare(&base);
    assert!(
        prepared.diagnostics.is_empty(),
        "built-in pack loads cleanly: {:?}",
        prepared.diagnostics
    );
    let mut failures = Vec::new();
    let mut checked = 0;
    for (_, rule) in prepared.rules.rules() {
        let dir = Path::new("fixtures/rules").join(&rule.id);
        let (mut passing, mut failing) = (0, 0);
        let options = Options {
            only_rules: Some(vec![rule.id.clone()]),
            ..base.clone()
        };
        let one = run::prepare(&options);
        for (case, files) in cases(&dir) {
            let inputs: Vec<Input> = files.iter().cloned().map(Input::File).collect();
            let result = run::run(&inputs, &one, &options);
            assert!(
                result.diagnostics.is_empty(),
                "{}: {:?}",
                case.display(),
                result.diagnostics
            );
            let mut any_expected = false;
            for (file, input) in files.iter().zip(&inputs) {
                let text = std::fs::read_to_string(file).unwrap();
                let expected = fixture::expectations(&text);
                any_expected |= !expected.is_empty();
                let name = input.display_name();
                let findings: Vec<_> = result.findings.iter().filter(|f| f.file == name).collect();
                let mismatch = fixture::compare(&expected, &findings);
                if !mismatch.is_empty() {
                    failures.push(format!(
                        "{}: {mismatch:?}\nfindings: {:#?}",
                        file.display(),
                        findings
                            .iter()
                            .map(|f| (f.location.line, &f.rule, f.severity, &f.message))
                            .collect::<Vec<_>>()
                    ));
                }
            }
            let names: Vec<String> = inputs.iter().map(Input::display_name).collect();
            let stray: Vec<_> = result
                .findings
                .iter()
                .filter(|f| !names.contains(&f.file))
                .collect();
            assert!(stray.is_empty(), "{}: {stray:?}", case.display());
            if any_expected {
                failing += 1
            } else {
                passing += 1
            }
            checked += 1;
        }
        assert!(
            passing > 0 && failing > 0,
            "rule `{}` needs at least one passing and one failing fixture",
            rule.id
        );
    }
    assert!(checked > 0);
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// A portfolio rule is judged as of `--as-of` when given, else as of the latest `as_of` among
/// the documents (not today): the same two declarations give errors after the deadline and
/// warnings before it.
#[test]
fn portfolio_rules_use_the_latest_document_date_unless_as_of_is_given() {
    let dir = Path::new("fixtures/rules/top75-great-services-below-target/fail-latest-as-of");
    let inputs: Vec<Input> = yaml_files(dir).into_iter().map(Input::File).collect();
    let severities = |as_of: Option<&str>| {
        let options = Options {
            packs: PackSources {
                builtin: true,
                dirs: vec![],
            },
            only_rules: Some(vec!["top75-great-services-below-target".into()]),
            as_of: as_of.map(|d| roadmap_lint::date::Date::parse(d).unwrap()),
            ..Options::default()
        };
        let result = run::run(&inputs, &run::prepare(&options), &options);
        assert!(result.diagnostics.is_empty(), "{:?}", result.diagnostics);
        result
            .findings
            .iter()
            .map(|f| (f.severity, f.message.contains("days overdue")))
            .collect::<Vec<_>>()
    };
    use roadmap_lint::finding::Severity::{Error, Warning};
    // Latest as_of (2025-06-30) is after the 2025-03-31 deadline.
    assert_eq!(severities(None), vec![(Error, true), (Error, true)]);
    // An explicit evaluation date before the deadline wins over the documents' dates.
    assert_eq!(
        severities(Some("2025-01-01")),
        vec![(Warning, false), (Warning, false)]
    );
}
