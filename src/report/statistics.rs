//! `check --statistics`: how many findings each rule raised, by severity, most first, as
//! ruff's `--statistics` counts them. Waived findings are counted in a column of their own, and
//! never among the severities. Rule titles come from the loaded packs, and the titles of the
//! tool's own codes (schema and YAML problems) from [`crate::diag::Code`].

use std::collections::BTreeMap;

use crate::finding::Severity;
use crate::pack::RuleSet;
use crate::render::escape::terminal_line;
use crate::run::Run;

/// The counts of one rule at one severity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub rule: String,
    pub severity: Severity,
    pub count: usize,
    pub waived: usize,
    pub title: String,
}

/// The rows: one per rule and severity, most findings first, then by rule id.
pub fn rows(run: &Run, rules: &RuleSet) -> Vec<Row> {
    let mut counts: BTreeMap<(&str, Severity), (usize, usize)> = BTreeMap::new();
    for f in &run.findings {
        let entry = counts.entry((f.rule.as_str(), f.severity)).or_default();
        if f.waived {
            entry.1 += 1;
        } else {
            entry.0 += 1;
        }
    }
    let title = |id: &str| -> String {
        rules
            .find(id)
            .map(|(_, r)| r.title.clone())
            .or_else(|| crate::diag::Code::from_id(id).map(|c| c.title().to_string()))
            .unwrap_or_default()
    };
    let mut rows: Vec<Row> = counts
        .into_iter()
        .map(|((rule, severity), (count, waived))| Row {
            rule: rule.to_string(),
            severity,
            count,
            waived,
            title: title(rule),
        })
        .collect();
    rows.sort_by(|a, b| {
        (b.count + b.waived)
            .cmp(&(a.count + a.waived))
            .then(b.severity.cmp(&a.severity))
            .then(a.rule.cmp(&b.rule))
    });
    rows
}

/// The table, with a header row and the run's summary line under it.
pub fn render(run: &Run, rules: &RuleSet) -> String {
    let rows = rows(run, rules);
    let width = rows
        .iter()
        .map(|r| r.rule.chars().count())
        .chain([4])
        .max()
        .unwrap_or(4);
    let mut out = format!(
        "{:>6}  {:>6}  {:<width$}  {:<8}  title\n",
        "count", "waived", "rule", "severity"
    );
    for r in &rows {
        out.push_str(&format!(
            "{:>6}  {:>6}  {:<width$}  {:<8}  {}\n",
            r.count,
            r.waived,
            terminal_line(&r.rule),
            r.severity.as_str(),
            terminal_line(&r.title),
        ));
    }
    if rows.is_empty() {
        out.push_str("no findings\n");
    }
    out.push_str(&format!("{}\n", super::Summary::of(run)));
    out
}
