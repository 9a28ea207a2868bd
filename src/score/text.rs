//! Pieces shared by the text formats (terminal and Markdown): tables of scores and the
//! wording of deltas, tallies and portfolio facts.

use std::collections::BTreeMap;

use super::{Bands, Portfolio, ScoreReport, Tally, Value, baseline, show, show_value};

/// A table of scores: a header row, then labelled rows of cells. A `None` cell is a department
/// none of whose documents could be scored.
pub struct Grid {
    pub corner: String,
    pub columns: Vec<String>,
    pub rows: Vec<(String, Vec<Option<Value>>)>,
}

/// Departments as rows, missions and overall as columns, government last.
pub fn mission_grid(report: &ScoreReport) -> Grid {
    let mut columns: Vec<String> = report
        .missions
        .iter()
        .map(|m| format!("M{}", m.number))
        .collect();
    columns.push("Overall".into());
    let mut rows = Vec::new();
    for d in &report.departments {
        let cells = if d.documents.is_empty() {
            vec![None; columns.len()]
        } else {
            report
                .missions
                .iter()
                .map(|m| {
                    Some(
                        d.missions
                            .iter()
                            .find(|x| x.number == m.number)
                            .map_or(Value::NA, |x| x.score),
                    )
                })
                .chain(std::iter::once(Some(d.score)))
                .collect()
        };
        let label = if d.documents.is_empty() {
            format!("{} (not scored: errors)", d.organisation)
        } else {
            d.organisation.clone()
        };
        rows.push((label, cells));
    }
    let g = &report.government;
    let cells = report
        .missions
        .iter()
        .map(|m| {
            Some(
                g.missions
                    .iter()
                    .find(|x| x.number == m.number)
                    .map_or(Value::NA, |x| x.score),
            )
        })
        .chain(std::iter::once(Some(g.score)))
        .collect();
    rows.push(("Government".into(), cells));
    Grid {
        corner: "Department".into(),
        columns,
        rows,
    }
}

/// Commitments as rows, departments and government as columns.
pub fn commitment_grid(report: &ScoreReport) -> Grid {
    let mut columns: Vec<String> = report
        .departments
        .iter()
        .map(|d| d.organisation.clone())
        .collect();
    columns.push("Government".into());
    let mut rows = Vec::new();
    for m in &report.missions {
        for c in &m.commitments {
            let mut cells: Vec<Option<Value>> = report
                .departments
                .iter()
                .map(|d| {
                    (!d.documents.is_empty()).then(|| {
                        d.commitments
                            .iter()
                            .find(|x| x.number == c.number)
                            .map_or(Value::NA, |x| x.score)
                    })
                })
                .collect();
            cells.push(Some(
                report
                    .government
                    .commitments
                    .iter()
                    .find(|x| x.number == c.number)
                    .map_or(Value::NA, |x| x.score),
            ));
            rows.push((format!("C{} (M{})", c.number, m.number), cells));
        }
    }
    Grid {
        corner: "Commitment".into(),
        columns,
        rows,
    }
}

/// A cell's text: `82% amber`, `N/A` (nothing applied), or `-` for a department that could
/// not be scored (its row or column says why).
pub fn cell_text(cell: &Option<Value>) -> String {
    match cell {
        Some(v) => show_value(v, false),
        None => "-".into(),
    }
}

/// `+2.5` / `-10.0` / `N/A -> 80%`.
pub fn show_delta(d: &baseline::Delta) -> String {
    match d.change {
        Some(c) => format!("{} -> {} ({:+.1})", show(d.before), show(d.after), c),
        None => format!("{} -> {}", show(d.before), show(d.after)),
    }
}

/// The headline line of the bands.
pub fn bands_text(b: &Bands) -> String {
    format!(
        "green >= {}%, amber >= {}%, red below {}%",
        b.green, b.amber, b.amber
    )
}

/// A short human description of a tally.
pub fn tally_text(t: &Tally) -> String {
    let applicable = t.applicable();
    let checks = if applicable == 1 { "check" } else { "checks" };
    let mut s = format!("{} of {applicable} {checks} passed", t.passed);
    if t.warnings > 0 {
        s.push_str(&format!(" ({} with a warning)", t.warnings));
    }
    if t.waived > 0 {
        s.push_str(&format!(", {} waived", t.waived));
    }
    s
}

/// Portfolio lines, shared by the text formats.
pub fn portfolio_lines(p: &Portfolio) -> Vec<String> {
    if !p.available {
        return vec![format!(
            "not available: the rule `{}` is not loaded",
            p.rule
        )];
    }
    let mut out = Vec::new();
    let target = p
        .target
        .map_or_else(|| "no target set".to_string(), |t| format!("{t} required"));
    let mut head = format!(
        "great top-75 services: {} of {}; {target}",
        p.great, p.listed
    );
    if let Some(t) = p.target {
        if (p.great as i64) < t {
            head.push_str(&format!(" ({} short)", t - p.great as i64));
        } else {
            head.push_str(" (target met)");
        }
    }
    out.push(head);
    let mut by_dept: BTreeMap<&str, BTreeMap<&str, Vec<&str>>> = BTreeMap::new();
    for m in &p.missing {
        by_dept
            .entry(m.service.department.as_str())
            .or_default()
            .entry(m.status.as_str())
            .or_default()
            .push(m.service.id.as_str());
    }
    for (dept, statuses) in by_dept {
        let parts: Vec<String> = statuses
            .iter()
            .map(|(status, ids)| {
                let n = ids.len();
                match *status {
                    "not_great" => format!("{n} not great ({})", ids.join(", ")),
                    "department_not_in_run" => {
                        format!("{n} listed, but the department is not in this run")
                    }
                    "department_not_scored" => {
                        format!("{n} listed, but the department is not scored (errors)")
                    }
                    other => format!("{n} {}", other.replace('_', " ")),
                }
            })
            .collect();
        out.push(format!("missing from {dept}: {}", parts.join("; ")));
    }
    out
}

/// The rules that could not judge a department (the rules that judge change, without an
/// earlier declaration), with why: left out of its score, and said so in the department views.
pub fn not_judged(d: &super::Department) -> Vec<(&str, &str)> {
    let mut out = Vec::new();
    for c in &d.commitments {
        for r in &c.rules {
            if let Some(why) = r
                .not_applicable
                .iter()
                .find(|w| w.starts_with("could not judge"))
            {
                out.push((r.rule.as_str(), why.as_str()));
            }
        }
    }
    out
}
