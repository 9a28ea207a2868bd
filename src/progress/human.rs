//! The terminal progress report: the government's series, then each department's, with what
//! changed between its snapshots. Every value from a declaration is escaped for the terminal.

use std::fmt::Write;

use super::{
    DepartmentSeries, GovernmentPoint, ProgressReport, Status, Step, show_change, show_point,
};
use crate::render::escape::terminal_line as t;
use crate::score::show;

/// Findings listed per step; the rest are counted.
const MAX_FINDINGS: usize = 8;

pub fn render(report: &ProgressReport, color: bool) -> String {
    let mut out = String::new();
    header(&mut out, report);
    if report.snapshots.is_empty() {
        out.push_str("No department declaration could be placed in a snapshot.\n");
    } else {
        government(&mut out, report, color);
        for d in &report.departments {
            department(&mut out, report, d, color);
        }
    }
    notes(&mut out, report);
    out
}

fn header(out: &mut String, report: &ProgressReport) {
    let (first, last) = (report.snapshots.first(), report.snapshots.last());
    let span = match (first, last) {
        (Some(a), Some(b)) if a.label != b.label => format!("{} to {}", a.label, b.label),
        (Some(a), _) => a.label.clone(),
        _ => "no snapshot".into(),
    };
    let _ = writeln!(
        out,
        "Progress of {} department{} over {} snapshot{} ({span})",
        report.departments.len(),
        plural(report.departments.len()),
        report.snapshots.len(),
        plural(report.snapshots.len()),
    );
    let _ = writeln!(
        out,
        "Each snapshot is judged on its own date; score = checks passed / checks applicable; change in percentage points\n"
    );
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Characters a terminal shows: colour codes take no room.
fn visible(s: &str) -> usize {
    let mut n = 0;
    let mut in_code = false;
    for c in s.chars() {
        match (in_code, c) {
            (false, '\x1b') => in_code = true,
            (true, 'm') => in_code = false,
            (true, _) => {}
            (false, _) => n += 1,
        }
    }
    n
}

/// A table of strings, columns padded to their widest cell.
fn table(out: &mut String, head: &[String], rows: &[Vec<String>]) {
    let widths: Vec<usize> = (0..head.len())
        .map(|c| {
            rows.iter()
                .map(|r| r.get(c).map_or(0, |s| visible(s)))
                .chain(std::iter::once(head[c].chars().count()))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: &[String]| -> String {
        let mut s = String::new();
        for (i, cell) in cells.iter().enumerate() {
            if i > 0 {
                s.push_str("  ");
            }
            let pad = widths[i].saturating_sub(visible(cell));
            s.push_str(cell);
            if i + 1 < cells.len() {
                s.push_str(&" ".repeat(pad));
            }
        }
        s.push('\n');
        s
    };
    out.push_str(&line(head));
    let total: usize = widths.iter().sum::<usize>() + 2 * widths.len().saturating_sub(1);
    out.push_str(&"-".repeat(total));
    out.push('\n');
    for r in rows {
        out.push_str(&line(r));
    }
}

fn paint(text: String, band: Option<crate::score::Band>, color: bool) -> String {
    use crate::score::Band;
    let code = match (color, band) {
        (true, Some(Band::Green)) => "32",
        (true, Some(Band::Amber)) => "33",
        (true, Some(Band::Red)) => "31",
        _ => return text,
    };
    format!("\x1b[{code}m{text}\x1b[0m")
}

fn mission_heads(report: &ProgressReport) -> Vec<String> {
    report
        .missions
        .iter()
        .map(|m| format!("M{}", m.number))
        .collect()
}

fn government(out: &mut String, report: &ProgressReport, color: bool) {
    out.push_str("Government (the mean over the departments scored at each snapshot)\n\n");
    let mut head = vec!["Snapshot".to_string(), "Overall".into()];
    head.extend(mission_heads(report));
    head.extend([
        "Departments".into(),
        "Change".into(),
        "Since first".into(),
        "Like for like".into(),
    ]);
    let with_great = report.government.iter().any(|g| g.great_services.is_some());
    if with_great {
        head.push("Great top-75".into());
    }
    let total = report.departments.len();
    let rows: Vec<Vec<String>> = report
        .government
        .iter()
        .map(|g| {
            let mut row = vec![
                t(&g.snapshot).into_owned(),
                band_cell(g.score, g.band, color),
            ];
            row.extend(g.missions.iter().map(|m| show(m.score)));
            row.push(format!("{} of {total}", g.departments_scored.len()));
            row.push(show_change(g.change));
            row.push(show_change(g.change_since_first));
            row.push(like_for_like(g));
            if with_great {
                row.push(match (g.great_services, g.great_target) {
                    (Some(n), Some(target)) => format!("{n} of {target}"),
                    (Some(n), None) => n.to_string(),
                    _ => "-".into(),
                });
            }
            row
        })
        .collect();
    table(out, &head, &rows);
    for g in &report.government {
        if !g.joined.is_empty() {
            let _ = writeln!(
                out,
                "{}: joined: {}",
                t(&g.snapshot),
                t(&g.joined.join(", "))
            );
        }
        if !g.missing.is_empty() {
            let _ = writeln!(
                out,
                "{}: missing (no declaration): {}",
                t(&g.snapshot),
                t(&g.missing.join(", "))
            );
        }
        if !g.not_scored.is_empty() {
            let _ = writeln!(
                out,
                "{}: not scored (errors): {}",
                t(&g.snapshot),
                t(&g.not_scored.join(", "))
            );
        }
    }
    out.push('\n');
}

fn band_cell(score: Option<f64>, band: Option<crate::score::Band>, color: bool) -> String {
    let label = band.map_or("N/A", |b| b.label());
    match score {
        Some(_) => paint(format!("{} {label}", show(score)), band, color),
        None => "N/A".into(),
    }
}

fn like_for_like(g: &GovernmentPoint) -> String {
    match g.like_for_like_change {
        Some(c) => format!(
            "{} ({} dept{})",
            show_change(Some(c)),
            g.like_for_like_departments,
            plural(g.like_for_like_departments)
        ),
        None => "-".into(),
    }
}

fn department(out: &mut String, report: &ProgressReport, d: &DepartmentSeries, color: bool) {
    let name = d
        .name
        .as_deref()
        .map_or_else(String::new, |n| format!(" ({})", t(n)));
    let _ = writeln!(out, "{}{name}", t(&d.organisation));
    let first = report.snapshots.first().map(|s| s.label.as_str());
    if Some(d.joined.as_str()) != first {
        let _ = writeln!(out, "joined at {}", t(&d.joined));
    }
    out.push('\n');
    let mut head = vec!["Snapshot".to_string(), "Overall".into()];
    head.extend(mission_heads(report));
    head.extend(["Change".into(), "Since first".into(), "Findings".into()]);
    let rows: Vec<Vec<String>> = d
        .points
        .iter()
        .map(|p| {
            let mut row = vec![t(&p.snapshot).into_owned()];
            if p.status == Status::Scored {
                row.push(band_cell(p.score, p.band, color));
                row.extend(p.missions.iter().map(|m| show(m.score)));
                row.push(match &p.compared_with {
                    Some(w) => format!("{} (since {})", show_change(p.change), t(w)),
                    None => "-".into(),
                });
                row.push(show_change(p.change_since_first));
                row.push(p.findings.to_string());
            } else {
                row.push(show_point(p));
                row.extend(p.missions.iter().map(|_| "-".to_string()));
                row.extend(["-".to_string(), "-".into(), "-".into()]);
            }
            row
        })
        .collect();
    table(out, &head, &rows);
    for p in d.points.iter().filter(|p| p.status == Status::NotScored) {
        let _ = writeln!(
            out,
            "{}: not scored (errors) in {}: {}",
            t(&p.snapshot),
            t(p.file.as_deref().unwrap_or("?")),
            t(p.reason.as_deref().unwrap_or("syntax or schema errors"))
        );
    }
    for s in &d.steps {
        step(out, s);
    }
    out.push('\n');
}

fn step(out: &mut String, s: &Step) {
    let _ = writeln!(out, "\n{} -> {}:", t(&s.from), t(&s.to));
    let moves = |list: &[super::CommitmentMove]| super::moves_text(list, "->");
    if s.improved.is_empty() && s.regressed.is_empty() {
        out.push_str("  no commitment's score moved\n");
    }
    if !s.improved.is_empty() {
        let _ = writeln!(out, "  improved: {}", moves(&s.improved));
    }
    if !s.regressed.is_empty() {
        let _ = writeln!(out, "  regressed: {}", moves(&s.regressed));
    }
    for (what, list) in [("fixed", &s.fixed), ("introduced", &s.introduced)] {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(out, "  {what} ({}):", list.len());
        for f in list.iter().take(MAX_FINDINGS) {
            let _ = writeln!(
                out,
                "    {} at {}: {}",
                t(&f.rule),
                t(if f.path.is_empty() {
                    "(document)"
                } else {
                    &f.path
                }),
                t(&f.message)
            );
        }
        if list.len() > MAX_FINDINGS {
            let _ = writeln!(
                out,
                "    ... and {} more (--format json lists every one)",
                list.len() - MAX_FINDINGS
            );
        }
    }
}

fn notes(out: &mut String, report: &ProgressReport) {
    if !report.targets.is_empty() {
        out.push_str("Department-level targets\n");
        for u in &report.targets {
            let _ = writeln!(out, "  {}", t(&u.provenance));
            let applied = if u.applied_to.is_empty() {
                "no snapshot".to_string()
            } else {
                u.applied_to.join(", ")
            };
            let _ = writeln!(out, "    applied to: {}", t(&applied));
            if !u.not_applied_to.is_empty() && !u.applied_to.is_empty() {
                let _ = writeln!(
                    out,
                    "    not applied to: {} (judged against the pack's value: compare these snapshots with care)",
                    t(&u.not_applied_to.join(", "))
                );
            }
        }
        out.push('\n');
    }
    if !report.unplaced.is_empty() {
        out.push_str("Documents in no snapshot\n");
        for u in &report.unplaced {
            let at = match u.document {
                Some(d) => crate::run::place(&u.file, d),
                None => u.file.clone(),
            };
            let _ = writeln!(out, "  {}: {}", t(&at), t(&u.reason));
        }
        out.push('\n');
    }
    if report.proposals_skipped > 0 {
        let _ = writeln!(
            out,
            "{} proposal{} not scored (progress follows declarations).\n",
            report.proposals_skipped,
            plural(report.proposals_skipped)
        );
    }
    out.push_str("Comparing snapshots\n");
    for n in &report.comparability.notes {
        let _ = writeln!(out, "  - {}", t(n));
    }
    if let Some(c) = &report.comparability.provenance.config {
        let _ = writeln!(out, "  - Config: {}", t(c));
    }
    if !report.comparability.params.is_empty() {
        let _ = writeln!(
            out,
            "  - Parameters set for every snapshot: {}",
            t(&report.comparability.params.join(", "))
        );
    }
}
