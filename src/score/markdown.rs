//! The Markdown score report, for pull requests and board papers: the same table and notes as
//! the terminal report, with the RAG band as a word in every cell.

use std::fmt::Write;

use super::baseline::{Comparison, NumberedDelta};
use super::{
    Department, Grid, ScoreReport, View, bands_text, cell_text, commitment_grid, mission_grid,
    portfolio_lines, show_delta, show_value, tally_text,
};

use crate::render::escape::{markdown as esc, markdown_code_span as code};

pub fn render(report: &ScoreReport, view: View) -> String {
    let mut out = String::new();
    let when = report.as_of.as_deref().map_or_else(
        || "as of each declaration's own date".to_string(),
        |d| format!("as of {d}"),
    );
    let _ = writeln!(out, "# Compliance scores, {when}\n");
    let _ = writeln!(
        out,
        "Score = checks passed / checks applicable. Bands: {}.\n",
        bands_text(&report.bands)
    );
    let _ = writeln!(out, "Using {}.\n", esc(&report.provenance.describe()));
    match view {
        View::Mission => {
            table(&mut out, &mission_grid(report));
            out.push('\n');
            for m in &report.missions {
                let _ = writeln!(
                    out,
                    "- **M{}**: {} (weight {})",
                    m.number,
                    esc(&m.title),
                    m.weight
                );
            }
        }
        View::Commitment => table(&mut out, &commitment_grid(report)),
        View::Department => {
            for d in &report.departments {
                department(&mut out, d);
            }
        }
    }
    waivers(&mut out, report);
    let _ = writeln!(out, "\n## Commitment 1 portfolio\n");
    for l in portfolio_lines(&report.government.portfolio) {
        let _ = writeln!(out, "- {}", esc(&l));
    }
    not_scored(&mut out, report);
    if !report.incomplete_rules.is_empty() {
        let _ = writeln!(
            out,
            "\nIncomplete: these rules failed to run and count no checks: {}",
            esc(&report.incomplete_rules.join(", "))
        );
    }
    if let Some(c) = &report.comparison {
        comparison(&mut out, c);
    }
    out
}

/// A department's section (`--by department`): its commitments, the checks that cost it the
/// most points, and its waived checks.
fn department(out: &mut String, d: &Department) {
    let headline = if d.documents.is_empty() {
        "not scored".to_string()
    } else {
        show_value(&d.score, true)
    };
    let _ = writeln!(
        out,
        "## {} {}: {headline}\n",
        esc(&d.organisation),
        esc(d.name.as_deref().unwrap_or(""))
    );
    if !d.commitments.is_empty() {
        let _ = writeln!(out, "| Commitment | Mission | Score | Checks |");
        let _ = writeln!(out, "| --- | --- | --- | --- |");
        for c in &d.commitments {
            let _ = writeln!(
                out,
                "| C{} | M{} | {} | {} |",
                c.number,
                c.mission,
                show_value(&c.score, true),
                tally_text(&c.tally)
            );
        }
        out.push('\n');
    }
    if !d.losses.is_empty() {
        losses(out, d);
    }
    if !d.waived.is_empty() {
        waived_checks(out, d);
    }
    let not_judged = super::text::not_judged(d);
    if !not_judged.is_empty() {
        let _ = writeln!(out, "Could not judge (left out of the score):\n");
        for (rule, why) in not_judged {
            let _ = writeln!(out, "- {}: {}", code(rule), esc(why));
        }
        out.push('\n');
    }
}

/// The checks that cost a department the most points, as a table.
fn losses(out: &mut String, d: &Department) {
    let _ = writeln!(out, "Checks that cost the most points:\n");
    let _ = writeln!(out, "| Points | Commitment | Rule | Path | Where |");
    let _ = writeln!(out, "| ---: | --- | --- | --- | --- |");
    for l in &d.losses {
        let _ = writeln!(
            out,
            "| {:.1} | C{} | {} | {} | {}:{} |",
            l.points,
            l.commitment,
            code(&l.rule),
            code(&l.path),
            esc(&l.file),
            l.line
        );
    }
    out.push('\n');
}

/// A department's waived checks, with who approved each waiver.
fn waived_checks(out: &mut String, d: &Department) {
    let _ = writeln!(out, "Waived checks (not counted in the score):\n");
    for l in &d.waived {
        let _ = writeln!(
            out,
            "- C{} {} at {} ({}:{}){}",
            l.commitment,
            code(&l.rule),
            code(&l.path),
            esc(&l.file),
            l.line,
            l.waiver.as_ref().map_or_else(String::new, |w| format!(
                ": waived, {}",
                crate::render::escape::markdown_code(&w.text())
            ))
        );
    }
    out.push('\n');
}

/// The departments whose score waivers change, with the score without them.
fn waivers(out: &mut String, report: &ScoreReport) {
    let waived: Vec<String> = report
        .departments
        .iter()
        .filter(|d| d.score.waivers_matter())
        .map(|d| format!("- {}: {}", esc(&d.organisation), show_value(&d.score, true)))
        .collect();
    if !waived.is_empty() {
        let _ = writeln!(out, "\n## Waivers\n");
        for w in waived {
            let _ = writeln!(out, "{w}");
        }
    }
}

/// The documents and files that could not be scored, with why.
fn not_scored(out: &mut String, report: &ScoreReport) {
    if report.not_scored.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n## Not scored\n");
    for n in &report.not_scored {
        let doc = n
            .document
            .map_or_else(String::new, |d| format!(", document {}", d + 1));
        let _ = match &n.organisation {
            Some(org) => writeln!(
                out,
                "- {} ({}{doc}): {}",
                esc(org),
                code(&n.file),
                esc(&n.reason)
            ),
            None => writeln!(out, "- {}{doc}: {}", code(&n.file), esc(&n.reason)),
        };
    }
}

/// What moved since the baseline: each department's scores, the findings that appeared and
/// disappeared, and the regressions.
fn comparison(out: &mut String, c: &Comparison) {
    let _ = writeln!(out, "\n## Change since the baseline\n");
    let _ = writeln!(out, "| Department | Overall | Moved |");
    let _ = writeln!(out, "| --- | --- | --- |");
    let _ = writeln!(
        out,
        "| Government | {} | {} |",
        show_delta(&c.government),
        moved(&c.government_missions, &c.government_commitments)
    );
    for d in &c.departments {
        let _ = writeln!(
            out,
            "| {} | {} | {} |",
            esc(&d.organisation),
            show_delta(&d.overall),
            moved(&d.missions, &d.commitments)
        );
    }
    for (what, list) in [("Appeared", &c.appeared), ("Disappeared", &c.disappeared)] {
        let _ = writeln!(out, "\n{what}: {}\n", list.len());
        for f in list {
            let _ = writeln!(
                out,
                "- {} {} {} at {}",
                f.severity,
                esc(&f.organisation),
                code(&f.rule),
                code(&f.path)
            );
        }
    }
    if !c.regressions.is_empty() {
        let _ = writeln!(out, "\nRegressions:\n");
        for r in &c.regressions {
            let _ = writeln!(out, "- {}", esc(r));
        }
    }
}

/// The missions' and commitments' changes: `M1 +2.0; C3 -5.0`.
fn moved(missions: &[NumberedDelta], commitments: &[NumberedDelta]) -> String {
    missions
        .iter()
        .map(|m| format!("M{} {}", m.number, show_delta(&m.delta)))
        .chain(
            commitments
                .iter()
                .map(|m| format!("C{} {}", m.number, show_delta(&m.delta))),
        )
        .collect::<Vec<_>>()
        .join("; ")
}

fn table(out: &mut String, grid: &Grid) {
    let _ = write!(out, "| {} |", esc(&grid.corner));
    for c in &grid.columns {
        let _ = write!(out, " {} |", esc(c));
    }
    let _ = write!(out, "\n| --- |");
    for _ in &grid.columns {
        let _ = write!(out, " --- |");
    }
    out.push('\n');
    for (label, cells) in &grid.rows {
        let _ = write!(out, "| {} |", esc(label));
        for c in cells {
            let _ = write!(out, " {} |", cell_text(c));
        }
        out.push('\n');
    }
}
