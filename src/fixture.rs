//! Rule fixtures: YAML files whose comments say which findings a rule must produce, and where.
//! `# expect: rule-id` (or `# expect-warning: rule-id`, several ids separated by commas) marks
//! the line where a finding's primary span must start. A fixture without markers must produce
//! no findings, and the rule must apply to it: `# ok: rule-id` marks a line where the rule must
//! record a passed check, and `# expect-not-applicable: rule-id` says the fixture shows where
//! the rule does not apply.
//!
//! The comment lines before the first line of YAML may set what the case is judged with:
//!
//! ```yaml
//! # as_of: 2025-06-30                  (the evaluation date, as `--as-of`)
//! # param: idp_max_term_months=6       (a parameter, as `--param`)
//! # target: DWP great_adoption_pct=70  (an organisation's own target, as a targets file)
//! ```

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
    for (i, line) in crate::source::lines(text).enumerate() {
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

/// What the comment lines before a fixture's first line of YAML set.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Header {
    pub as_of: Option<crate::date::Date>,
    /// `NAME=VALUE`, with the line it is set on.
    pub params: Vec<(String, String, usize)>,
    /// (organisation, parameter, value, line).
    pub targets: Vec<(String, String, String, usize)>,
    /// Lines of the header that set nothing it understands: (line, why).
    pub problems: Vec<(usize, String)>,
}

impl Header {
    pub fn is_empty(&self) -> bool {
        self.as_of.is_none() && self.params.is_empty() && self.targets.is_empty()
    }
}

/// Read a fixture's header: the `# as_of:`, `# param:` and `# target:` comment lines before its
/// first line of YAML (other comments are prose, and are left alone).
pub fn header(text: &str) -> Header {
    let mut out = Header::default();
    for (i, line) in crate::source::lines(text).enumerate() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed == "---" {
            continue;
        }
        let Some(comment) = trimmed.strip_prefix('#') else {
            break;
        };
        let comment = comment.trim();
        let line_no = i + 1;
        if let Some(day) = comment.strip_prefix("as_of:") {
            match crate::date::Date::parse(day.trim()) {
                Some(d) => out.as_of = Some(d),
                None => out.problems.push((
                    line_no,
                    format!("`{}` is not a YYYY-MM-DD date", day.trim()),
                )),
            }
        } else if let Some(setting) = comment.strip_prefix("param:") {
            match setting.split_once('=') {
                Some((name, value)) if !name.trim().is_empty() => {
                    out.params
                        .push((name.trim().to_string(), value.trim().to_string(), line_no))
                }
                _ => out
                    .problems
                    .push((line_no, "write `# param: NAME=VALUE`".to_string())),
            }
        } else if let Some(setting) = comment.strip_prefix("target:") {
            let parsed = setting
                .trim()
                .split_once(char::is_whitespace)
                .and_then(|(org, rest)| {
                    let (name, value) = rest.split_once('=')?;
                    Some((org.trim(), name.trim(), value.trim()))
                });
            match parsed {
                Some((org, name, value)) if !org.is_empty() && !name.is_empty() => {
                    out.targets.push((
                        org.to_string(),
                        name.to_string(),
                        value.to_string(),
                        line_no,
                    ))
                }
                _ => out.problems.push((
                    line_no,
                    "write `# target: ORGANISATION NAME=VALUE`".to_string(),
                )),
            }
        }
    }
    out
}

/// The lines marked `# ok: rule-id` (the rule must pass a check there), and the rules marked
/// `# expect-not-applicable: rule-id` (the fixture shows where they do not apply).
pub fn passes(text: &str) -> (Vec<(usize, String)>, Vec<String>) {
    let mut ok = Vec::new();
    let mut not_applicable = Vec::new();
    for (i, line) in crate::source::lines(text).enumerate() {
        for (marker, into_ok) in [("# ok:", true), ("# expect-not-applicable:", false)] {
            let Some(at) = line.find(marker) else {
                continue;
            };
            for id in line[at + marker.len()..]
                .split(',')
                .filter_map(|s| s.split_whitespace().next())
            {
                if into_ok {
                    ok.push((i + 1, id.to_string()));
                } else {
                    not_applicable.push(id.to_string());
                }
            }
        }
    }
    (ok, not_applicable)
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
    fn reads_the_header_and_the_pass_markers() {
        let text = "# A case.\n# as_of: 2025-06-30\n# param: n=3\n# target: DWP n = 4\n# param: broken\nkind: department  # ok: r1\n# as_of: 2020-01-01\nx: 1  # expect-not-applicable: r2\n";
        let h = header(text);
        assert_eq!(h.as_of, crate::date::Date::parse("2025-06-30"));
        assert_eq!(h.params, vec![("n".into(), "3".into(), 3)]);
        assert_eq!(h.targets, vec![("DWP".into(), "n".into(), "4".into(), 4)]);
        assert_eq!(h.problems.len(), 1);
        let (ok, na) = passes(text);
        assert_eq!(ok, vec![(6, "r1".to_string())]);
        assert_eq!(na, vec!["r2".to_string()]);
    }

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
