//! Every rule's fixtures, through the same code as `roadmap-lint test`: each finding must start
//! on a line marked `# expect: rule-id`, every marker must be met, and every rule needs a
//! passing and a failing fixture. The built-in pack's fixtures live in `fixtures/rules/<rule-id>/`
//! (a sub-folder of several files is one multi-file case, for portfolio rules).

use std::path::Path;

use roadmap_lint::report::human::{Style, render_diagnostic};
use roadmap_lint::testing::{self, PackTest};

fn assert_passes(pack: &PackTest) {
    let style = Style {
        color: false,
        width: 100,
    };
    let problems: Vec<String> = pack
        .problems()
        .filter(|d| d.severity == roadmap_lint::finding::Severity::Error)
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
