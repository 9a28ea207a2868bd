//! Rule fixtures: YAML files whose comments say which findings a rule must produce, and where.
//! `# expect: rule-id` (or `# expect-warning: rule-id`, several ids separated by commas) marks
//! the line where a finding's primary span must start. A fixture without markers must produce
//! no findings.

use crate::finding::{Finding, Severity};

/// One expected finding.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Expectation {
    pub line: usize,
    pub rule: String,
    pub severity: Severity,
}

/// Read the markers of a fixture.
pub fn expectations(text: &str) -> Vec<Expectation> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let Some(hash) = line.find("# expect") else {
            continue;
        };
        let marker = &line[hash + 2..];
        let (severity, rest) = if let Some(r) = marker.strip_prefix("expect-warning:") {
            (Severity::Warning, r)
        } else if let Some(r) = marker.strip_prefix("expect-info:") {
            (Severity::Info, r)
        } else if let Some(r) = marker.strip_prefix("expect:") {
            (Severity::Error, r)
        } else {
            continue;
        };
        for id in rest.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let id = id.split_whitespace().next().unwrap_or(id);
            out.push(Expectation {
                line: i + 1,
                rule: id.to_string(),
                severity,
            });
        }
    }
    out.sort();
    out
}

/// How a fixture's findings differ from its markers.
#[derive(Debug, Default)]
pub struct Mismatch {
    /// Expected but not produced (or produced on another line: see `misplaced`).
    pub missing: Vec<Expectation>,
    /// Produced but not expected.
    pub unexpected: Vec<Expectation>,
    /// Produced by the right rule but starting on another line: (expected, actual line).
    pub misplaced: Vec<(Expectation, usize)>,
}

impl Mismatch {
    pub fn is_empty(&self) -> bool {
        self.missing.is_empty() && self.unexpected.is_empty() && self.misplaced.is_empty()
    }
}

/// Compare findings (of the rules under test) with a fixture's markers.
pub fn compare(expected: &[Expectation], findings: &[&Finding]) -> Mismatch {
    let mut actual: Vec<Expectation> = findings
        .iter()
        .map(|f| Expectation {
            line: f.location.line,
            rule: f.rule.clone(),
            severity: f.severity,
        })
        .collect();
    actual.sort();
    let mut missing = Vec::new();
    for e in expected {
        if let Some(pos) = actual.iter().position(|a| a == e) {
            actual.remove(pos);
        } else {
            missing.push(e.clone());
        }
    }
    let mut out = Mismatch::default();
    for m in missing {
        // Pair with the nearest finding of the same rule and severity.
        if let Some((pos, _)) = actual
            .iter()
            .enumerate()
            .filter(|(_, a)| a.rule == m.rule && a.severity == m.severity)
            .min_by_key(|(_, a)| a.line.abs_diff(m.line))
        {
            let a = actual.remove(pos);
            out.misplaced.push((m, a.line));
        } else {
            out.missing.push(m);
        }
    }
    out.unexpected = actual;
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_markers() {
        let e = expectations(
            "a: 1 # expect: r1, r2\nb: 2\nc: 3  # expect-warning: r3\n# expectation is not a marker\n",
        );
        assert_eq!(e.len(), 3);
        assert_eq!((e[0].line, e[0].rule.as_str()), (1, "r1"));
        assert_eq!((e[2].line, e[2].severity), (3, Severity::Warning));
    }
}
