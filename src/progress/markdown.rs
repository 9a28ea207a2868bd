//! The progress report in Markdown, for a pull-request comment or a paper: the government's
//! series, each department's, and what changed between snapshots. Every value from a
//! declaration is escaped for Markdown.

use std::fmt::Write;

use super::{ProgressReport, Status, Step, show_change, show_point};
use crate::render::escape::{markdown as md, markdown_code as mdc};
use crate::score::show;

const MAX_FINDINGS: usize = 20;

fn row(out: &mut String, cells: &[String]) {
    let _ = writeln!(out, "| {} |", cells.join(" | "));
}

fn rule_row(out: &mut String, n: usize) {
    row(out, &vec!["---".to_string(); n]);
}

pub fn render(report: &ProgressReport) -> String {
    let mut out = String::from("# Progress against the roadmap\n\n");
    let _ = writeln!(
        out,
        "{} departments over {} snapshots. Each snapshot is judged on its own date; score = checks passed / checks applicable; changes are in percentage points.\n",
        report.departments.len(),
        report.snapshots.len()
    );
    if report.snapshots.is_empty() {
        out.push_str("No department declaration could be placed in a snapshot.\n");
        return out;
    }
    out.push_str("## Government\n\nThe mean over the departments scored at each snapshot; *like for like* compares only the departments scored at both snapshots.\n\n");
    let mut head = vec!["Snapshot".to_string(), "Overall".into()];
    head.extend(report.missions.iter().map(|m| format!("M{}", m.number)));
    head.extend([
        "Departments".into(),
        "Change".into(),
        "Since first".into(),
        "Like for like".into(),
    ]);
    row(&mut out, &head);
    rule_row(&mut out, head.len());
    let total = report.departments.len();
    for g in &report.government {
        let mut cells = vec![
            md(&g.snapshot),
            format!("{} {}", show(g.score), g.band.map_or("", |b| b.label())),
        ];
        cells.extend(g.missions.iter().map(|m| show(m.score)));
        cells.push(format!("{} of {total}", g.departments_scored.len()));
        cells.push(show_change(g.change));
        cells.push(show_change(g.change_since_first));
        cells.push(match g.like_for_like_change {
            Some(c) => format!(
                "{} ({} department{})",
                show_change(Some(c)),
                g.like_for_like_departments,
                if g.like_for_like_departments == 1 {
                    ""
                } else {
                    "s"
                }
            ),
            None => "-".into(),
        });
        row(&mut out, &cells);
    }
    out.push('\n');
    for g in &report.government {
        if !g.joined.is_empty() {
            let _ = writeln!(
                out,
                "- {}: joined: {}",
                md(&g.snapshot),
                md(&g.joined.join(", "))
            );
        }
        if !g.missing.is_empty() {
            let _ = writeln!(
                out,
                "- {}: missing (no declaration): {}",
                md(&g.snapshot),
                md(&g.missing.join(", "))
            );
        }
        if !g.not_scored.is_empty() {
            let _ = writeln!(
                out,
                "- {}: not scored (errors): {}",
                md(&g.snapshot),
                md(&g.not_scored.join(", "))
            );
        }
    }
    out.push('\n');
    let _ = writeln!(
        out,
        "Missions: {}\n",
        report
            .missions
            .iter()
            .map(|m| format!("M{} {}", m.number, md(&m.title)))
            .collect::<Vec<_>>()
            .join("; ")
    );
    for d in &report.departments {
        department(&mut out, report, d);
    }
    notes(&mut out, report);
    out
}

fn department(out: &mut String, report: &ProgressReport, d: &super::DepartmentSeries) {
    let name = d
        .name
        .as_deref()
        .map_or_else(String::new, |n| format!(" ({})", md(n)));
    let _ = writeln!(out, "## {}{name}\n", md(&d.organisation));
    if report.snapshots.first().map(|s| s.label.as_str()) != Some(d.joined.as_str()) {
        let _ = writeln!(out, "Joined at {}.\n", md(&d.joined));
    }
    let mut head = vec!["Snapshot".to_string(), "Overall".into()];
    head.extend(report.missions.iter().map(|m| format!("M{}", m.number)));
    head.extend(["Change".into(), "Since first".into(), "Findings".into()]);
    row(out, &head);
    rule_row(out, head.len());
    for p in &d.points {
        let mut cells = vec![md(&p.snapshot)];
        if p.status == Status::Scored {
            cells.push(format!(
                "{} {}",
                show(p.score),
                p.band.map_or("", |b| b.label())
            ));
            cells.extend(p.missions.iter().map(|m| show(m.score)));
            cells.push(show_change(p.change));
            cells.push(show_change(p.change_since_first));
            cells.push(p.findings.to_string());
        } else {
            cells.push(format!("*{}*", show_point(p)));
            cells.extend(std::iter::repeat_n("-".to_string(), head.len() - 2));
        }
        row(out, &cells);
    }
    out.push('\n');
    for p in d.points.iter().filter(|p| p.status == Status::NotScored) {
        let _ = writeln!(
            out,
            "- {}: not scored (errors) in {}: {}",
            md(&p.snapshot),
            md(p.file.as_deref().unwrap_or("?")),
            mdc(p.reason.as_deref().unwrap_or("syntax or schema errors"))
        );
    }
    for s in &d.steps {
        step(out, s);
    }
    out.push('\n');
}

fn step(out: &mut String, s: &Step) {
    let _ = writeln!(out, "### {} to {}\n", md(&s.from), md(&s.to));
    let moves = |list: &[super::CommitmentMove]| super::moves_text(list, "to");
    if s.improved.is_empty() && s.regressed.is_empty() {
        out.push_str("No commitment's score moved.\n\n");
    }
    if !s.improved.is_empty() {
        let _ = writeln!(out, "- Improved: {}", moves(&s.improved));
    }
    if !s.regressed.is_empty() {
        let _ = writeln!(out, "- Regressed: {}", moves(&s.regressed));
    }
    for (what, list) in [("Fixed", &s.fixed), ("Introduced", &s.introduced)] {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(out, "- {what} ({}):", list.len());
        for f in list.iter().take(MAX_FINDINGS) {
            let _ = writeln!(
                out,
                "  - {} at {}: {}",
                mdc(&format!("`{}`", f.rule)),
                mdc(&format!("`{}`", f.path)),
                mdc(&f.message)
            );
        }
        if list.len() > MAX_FINDINGS {
            let _ = writeln!(out, "  - and {} more", list.len() - MAX_FINDINGS);
        }
    }
    out.push('\n');
}

fn notes(out: &mut String, report: &ProgressReport) {
    if !report.targets.is_empty() {
        out.push_str("## Department-level targets\n\n");
        for u in &report.targets {
            let applied = if u.applied_to.is_empty() {
                "no snapshot".to_string()
            } else {
                u.applied_to.join(", ")
            };
            let _ = write!(out, "- {}; applied to {}", mdc(&u.provenance), md(&applied));
            if !u.not_applied_to.is_empty() && !u.applied_to.is_empty() {
                let _ = write!(
                    out,
                    "; not to {} (judged against the pack's value: compare with care)",
                    md(&u.not_applied_to.join(", "))
                );
            }
            out.push('\n');
        }
        out.push('\n');
    }
    if !report.unplaced.is_empty() {
        out.push_str("## Documents in no snapshot\n\n");
        for u in &report.unplaced {
            let at = match u.document {
                Some(d) => crate::run::place(&u.file, d),
                None => u.file.clone(),
            };
            let _ = writeln!(out, "- {}: {}", md(&at), mdc(&u.reason));
        }
        out.push('\n');
    }
    out.push_str("## Comparing snapshots\n\n");
    for n in &report.comparability.notes {
        let _ = writeln!(out, "- {}", mdc(n));
    }
    if !report.comparability.params.is_empty() {
        let _ = writeln!(
            out,
            "- Parameters set for every snapshot: {}",
            md(&report.comparability.params.join(", "))
        );
    }
}
