//! What a passing fixture must show: that the rule applied to it. A rule that said it does not
//! apply, or recorded nothing, passes every fixture without markers and proves nothing; a
//! fixture about where the rule does not apply says so with `# expect-not-applicable:`. And
//! each `# ok: rule-id` marker must find a passed check of the rule starting on its line.

use crate::diag::{Code, ToolDiagnostic};
use crate::fixture;
use crate::node::DocPath;
use crate::pack::Rule;
use crate::run::{Run, Status};
use crate::source::SourceFile;

use super::Case;

/// Each `# ok: rule-id` marker of the rule in `source` with no passed check of the rule on its
/// line.
pub(super) fn ok_markers(rule: &Rule, run: &Run, source: &SourceFile) -> Vec<ToolDiagnostic> {
    let (ok, _) = fixture::passes(&source.text);
    let wanted: Vec<usize> = ok
        .iter()
        .filter(|(_, id)| *id == rule.id)
        .map(|(line, _)| *line)
        .collect();
    if wanted.is_empty() {
        return Vec::new();
    }
    let passed = passed_lines(rule, run, &source.name);
    wanted
        .into_iter()
        .filter(|line| !passed.contains(line))
        .map(|line| {
            let column = source
                .text
                .lines()
                .nth(line - 1)
                .and_then(|l| l.find("# ok:").map(|b| l[..b].chars().count() + 1))
                .unwrap_or(1);
            ToolDiagnostic::new(
                Code::TestNotPassed,
                format!(
                    "expected `{}` to pass a check here, but it passed nothing on this line",
                    rule.id
                ),
            )
            .help("make the rule `pass(...)` the path that starts on this line, or move the marker")
            .label("expected by this marker")
            .at_line(source, line, column)
        })
        .collect()
}

/// The lines where the rule's passed checks in `file` start.
fn passed_lines(rule: &Rule, run: &Run, file: &str) -> Vec<usize> {
    let Some(source) = run.source(file) else {
        return Vec::new();
    };
    let mut lines = Vec::new();
    for r in run.results.iter().filter(|r| *r.rule == *rule.id) {
        let Some(doc) = run.documents.get(r.doc()).filter(|d| d.file == file) else {
            continue;
        };
        let Some(Some(tree)) = run.trees.get(r.doc()) else {
            continue;
        };
        let _ = doc;
        for p in r.passed() {
            if let Ok(path) = DocPath::parse(p) {
                lines.push(source.locate(tree.resolve(&path).span).line);
            }
        }
    }
    lines
}

/// The problem of a passing case the rule never applied to (or of a case marked
/// `# expect-not-applicable:` that it applied to after all).
pub(super) fn never_applied(
    rule: &Rule,
    run: &Run,
    case: &Case,
    marked: bool,
) -> Option<ToolDiagnostic> {
    if case.expects_findings {
        return None;
    }
    let results: Vec<_> = run.results.iter().filter(|r| *r.rule == *rule.id).collect();
    let applied = results
        .iter()
        .any(|r| r.status == Status::Applied && (!r.passed().is_empty() || !r.findings.is_empty()));
    let failed = results.iter().any(|r| r.status == Status::Failed);
    if failed {
        // The rule's own error says what went wrong.
        return None;
    }
    let first = run.sources.first();
    let at = |d: ToolDiagnostic| match first {
        Some(s) => d.at_line(s, 1, 1),
        None => d,
    };
    if marked {
        return applied.then(|| {
            at(ToolDiagnostic::new(
                Code::TestNeverApplied,
                format!(
                    "the fixture is marked `expect-not-applicable: {}`, but the rule applied to it",
                    rule.id
                ),
            )
            .help("remove the marker (and mark the lines it passes with `# ok:`), or change the fixture so that the rule does not apply")
            .label("this fixture"))
        });
    }
    if applied {
        return None;
    }
    let why = results
        .iter()
        .find_map(|r| match &r.status {
            Status::NotApplicable(reason) => Some(format!("it said it does not apply: {reason}")),
            _ => None,
        })
        .unwrap_or_else(|| {
            if results.is_empty() {
                "it did not run on it (no document of its kinds and organisations passed the schema)".to_string()
            } else {
                "it recorded no passed check and no finding".to_string()
            }
        });
    Some(at(ToolDiagnostic::new(
        Code::TestNeverApplied,
        format!("rule `{}` never applied to this passing fixture: {why}", rule.id),
    )
    .help(format!(
        "a passing fixture shows the rule passing something (mark those lines `# ok: {0}`); a fixture about where the rule does not apply says `# expect-not-applicable: {0}`",
        rule.id
    ))
    .label("this fixture")))
}
