//! Every rule's fixtures: each finding must start on a line marked `# expect: rule-id`, and
//! every marker must be met. Fixtures live in `fixtures/rules/<rule-id>/`.

use std::path::Path;

use roadmap_lint::fixture;
use roadmap_lint::load::Input;
use roadmap_lint::pack::PackSources;
use roadmap_lint::run::{self, Options};

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
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|_| {
                panic!("rule `{}` has no fixture folder {}", rule.id, dir.display())
            })
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
            .collect();
        files.sort();
        let (mut passing, mut failing) = (0, 0);
        let options = Options {
            only_rules: Some(vec![rule.id.clone()]),
            ..base.clone()
        };
        let one = run::prepare(&options);
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            let expected = fixture::expectations(&text);
            if expected.is_empty() {
                passing += 1
            } else {
                failing += 1
            }
            let result = run::run(&[Input::File(file.clone())], &one, &options);
            assert!(
                result.diagnostics.is_empty(),
                "{}: {:?}",
                file.display(),
                result.diagnostics
            );
            let findings: Vec<_> = result.findings.iter().collect();
            let mismatch = fixture::compare(&expected, &findings);
            if !mismatch.is_empty() {
                failures.push(format!(
                    "{}: {mismatch:?}\nfindings: {:#?}",
                    file.display(),
                    result
                        .findings
                        .iter()
                        .map(|f| (f.location.line, &f.rule, f.severity, &f.message))
                        .collect::<Vec<_>>()
                ));
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
