//! The terminal score report: a table with a RAG label in every cell (colour only repeats the
//! label, so it never carries meaning alone), then the notes a reader needs to trust it.

use std::fmt::Write;

use super::baseline::Comparison;
use super::{
    Band, CommitmentScore, Department, Grid, ScoreReport, View, bands_text, cell_text,
    commitment_grid, mission_grid, portfolio_lines, show_delta, show_value, tally_text,
};

use crate::render::escape::terminal_line as t;

/// Failed checks listed per department in the terminal; the rest are counted.
const MAX_LOSSES: usize = 10;

pub fn render(report: &ScoreReport, view: View, color: bool) -> String {
    let mut out = String::new();
    header(&mut out, report);
    match view {
        View::Mission => {
            if report.departments.is_empty() {
                out.push_str("No department declaration was scored.\n\n");
            }
            table(&mut out, &mission_grid(report), color);
            out.push('\n');
            for m in &report.missions {
                let _ = writeln!(out, "M{}  {} (weight {})", m.number, t(&m.title), m.weight);
            }
        }
        View::Commitment => table(&mut out, &commitment_grid(report), color),
        View::Department => {
            for d in &report.departments {
                department(&mut out, report, d);
            }
            if report.departments.is_empty() {
                out.push_str("No department declaration was scored.\n");
            }
        }
    }
    notes(&mut out, report);
    out
}

fn header(out: &mut String, report: &ScoreReport) {
    let when = report.as_of.as_deref().map_or_else(
        || "as of each declaration's own date".to_string(),
        |d| format!("as of {d}"),
    );
    let _ = writeln!(out, "Compliance scores, {when}");
    let _ = writeln!(
        out,
        "Score = checks passed / checks applicable; bands: {}",
        bands_text(&report.bands)
    );
    let _ = writeln!(out, "Using {}\n", t(&report.provenance.describe()));
}

fn paint(text: &str, band: Option<Band>, color: bool) -> String {
    let code = match (color, band) {
        (true, Some(Band::Green)) => "32",
        (true, Some(Band::Amber)) => "33",
        (true, Some(Band::Red)) => "31",
        _ => return text.to_string(),
    };
    format!("\x1b[{code}m{text}\x1b[0m")
}

fn table(out: &mut String, grid: &Grid, color: bool) {
    // Labels and columns name departments: escaped before they are measured.
    let escaped = Grid {
        corner: t(&grid.corner).into_owned(),
        columns: grid.columns.iter().map(|c| t(c).into_owned()).collect(),
        rows: grid
            .rows
            .iter()
            .map(|(l, cells)| (t(l).into_owned(), cells.clone()))
            .collect(),
    };
    let grid = &escaped;
    let texts: Vec<Vec<String>> = grid
        .rows
        .iter()
        .map(|(_, cells)| cells.iter().map(cell_text).collect())
        .collect();
    let first = grid
        .rows
        .iter()
        .map(|(l, _)| l.chars().count())
        .chain(std::iter::once(grid.corner.chars().count()))
        .max()
        .unwrap_or(0);
    let widths: Vec<usize> = grid
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            texts
                .iter()
                .map(|row| row[i].chars().count())
                .chain(std::iter::once(c.chars().count()))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut line = format!("{:<first$}", grid.corner);
    for (c, w) in grid.columns.iter().zip(&widths) {
        let _ = write!(line, "  {c:<w$}");
    }
    let _ = writeln!(out, "{}", line.trim_end());
    let rule_len = first + widths.iter().map(|w| w + 2).sum::<usize>();
    let _ = writeln!(out, "{}", "-".repeat(rule_len));
    for ((label, cells), row) in grid.rows.iter().zip(&texts) {
        if label == "Government" {
            let _ = writeln!(out, "{}", "-".repeat(rule_len));
        }
        let mut line = format!("{label:<first$}");
        for ((cell, text), w) in cells.iter().zip(row).zip(&widths) {
            let padded = format!("{text:<w$}");
            let _ = write!(
                line,
                "  {}",
                paint(&padded, cell.as_ref().and_then(|v| v.band), color)
            );
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
}

fn department(out: &mut String, report: &ScoreReport, d: &Department) {
    let name = d
        .name
        .as_deref()
        .map_or_else(String::new, |n| format!(" {}", t(n)));
    let headline = if d.documents.is_empty() {
        "not scored (errors)".to_string()
    } else {
        show_value(&d.score, true)
    };
    let _ = writeln!(out, "{}{name}: {headline}", t(&d.organisation));
    for doc in &d.documents {
        let _ = writeln!(
            out,
            "  from {} (document {})",
            t(&doc.file),
            doc.document + 1
        );
    }
    if d.unscored_documents > 0 {
        let _ = writeln!(
            out,
            "  {} document(s) not scored: see \"Not scored\" below",
            d.unscored_documents
        );
    }
    missions_of(out, report, d);
    losses(out, d);
    waived_checks(out, d);
    not_judged(out, d);
    out.push('\n');
}

/// The rules that could not judge the department (those that judge change, without an
/// earlier declaration): left out of its score, and said so, so that a score is not read as
/// covering them.
fn not_judged(out: &mut String, d: &Department) {
    let rules = super::text::not_judged(d);
    if rules.is_empty() {
        return;
    }
    let _ = writeln!(out, "  Could not judge (left out of the score):");
    for (rule, why) in rules {
        let _ = writeln!(out, "    {}: {}", t(rule), t(why));
    }
}

fn notes(out: &mut String, report: &ScoreReport) {
    waivers(out, report);
    let _ = writeln!(
        out,
        "\nCommitment 1 portfolio (government view, from rule {}):",
        t(&report.government.portfolio.rule)
    );
    for l in portfolio_lines(&report.government.portfolio) {
        let _ = writeln!(out, "  {}", t(&l));
    }
    not_scored(out, report);
    if report.proposals_skipped > 0 {
        let _ = writeln!(
            out,
            "\n{} proposal(s) left out: proposals are not scored.",
            report.proposals_skipped
        );
    }
    if !report.incomplete_rules.is_empty() {
        let _ = writeln!(
            out,
            "\nIncomplete: these rules failed to run and count no checks: {}",
            t(&report.incomplete_rules.join(", "))
        );
    }
    if let Some(c) = &report.comparison {
        comparison(out, c);
    }
}

/// A department's missions, each with its commitments and the rules that failed to run.
fn missions_of(out: &mut String, report: &ScoreReport, d: &Department) {
    for m in &report.missions {
        let Some(ms) = d.missions.iter().find(|x| x.number == m.number) else {
            continue;
        };
        let _ = writeln!(
            out,
            "  M{} {}: {}",
            m.number,
            t(&m.title),
            show_value(&ms.score, true)
        );
        for c in d.commitments.iter().filter(|c| c.mission == m.number) {
            let detail = commitment_detail(c);
            let _ = writeln!(
                out,
                "    C{:<3} {:<12} {detail}",
                c.number,
                show_value(&c.score, false)
            );
            for r in c.rules.iter().filter(|r| r.failed_to_run) {
                let _ = writeln!(
                    out,
                    "         rule {} failed to run: this score is incomplete",
                    t(&r.rule)
                );
            }
        }
    }
}

/// What a commitment's checks came to: the tally, or why nothing applied.
fn commitment_detail(c: &CommitmentScore) -> String {
    if c.tally.applicable() + c.tally.waived == 0 {
        let reasons: Vec<&str> = c
            .rules
            .iter()
            .flat_map(|r| r.not_applicable.iter().map(String::as_str))
            .collect();
        if reasons.is_empty() {
            "nothing to check".to_string()
        } else {
            format!("not applicable: {}", t(&reasons.join("; ")))
        }
    } else {
        tally_text(&c.tally)
    }
}

/// The failed checks that cost a department the most points (the first few).
fn losses(out: &mut String, d: &Department) {
    if !d.losses.is_empty() {
        let _ = writeln!(out, "  Checks that cost the most points:");
        for l in d.losses.iter().take(MAX_LOSSES) {
            let _ = writeln!(
                out,
                "    {:>5.1} pts  C{} {}  {} ({}:{})\n               {}",
                l.points,
                l.commitment,
                t(&l.rule),
                t(&l.path),
                t(&l.file),
                l.line,
                t(&l.message)
            );
        }
    }
    if d.losses.len() > MAX_LOSSES {
        let _ = writeln!(
            out,
            "    ... and {} more (all are in --format json and markdown)",
            d.losses.len() - MAX_LOSSES
        );
    }
}

/// A department's waived checks, with who approved each waiver.
fn waived_checks(out: &mut String, d: &Department) {
    if !d.waived.is_empty() {
        let _ = writeln!(out, "  Waived checks (not counted in the score):");
        for l in &d.waived {
            let _ = writeln!(
                out,
                "    C{} {}  {} ({}:{})",
                l.commitment,
                t(&l.rule),
                t(&l.path),
                t(&l.file),
                l.line
            );
            if let Some(w) = &l.waiver {
                let _ = writeln!(out, "      waived: {}", t(&w.text()));
            }
        }
    }
}

/// The departments whose score waivers change, with the score without them.
fn waivers(out: &mut String, report: &ScoreReport) {
    let waived: Vec<String> = report
        .departments
        .iter()
        .filter(|d| d.score.waivers_matter())
        .map(|d| {
            format!(
                "  {}: {}; {} waived check(s)",
                t(&d.organisation),
                show_value(&d.score, true),
                d.tally.waived
            )
        })
        .chain(report.government.score.waivers_matter().then(|| {
            format!(
                "  Government: {}",
                show_value(&report.government.score, true)
            )
        }))
        .collect();
    if !waived.is_empty() {
        let _ = writeln!(out, "\nWaivers (waived checks are left out of the score):");
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
    let _ = writeln!(out, "\nNot scored (never counted as 0 or 100):");
    for n in &report.not_scored {
        let doc = n
            .document
            .map_or_else(String::new, |d| format!(", document {}", d + 1));
        let _ = match &n.organisation {
            Some(org) => writeln!(out, "  {} ({}{doc}): {}", t(org), t(&n.file), t(&n.reason)),
            None => writeln!(out, "  {}{doc}: {}", t(&n.file), t(&n.reason)),
        };
    }
}

/// What moved since the baseline: the government's and each department's scores.
fn comparison(out: &mut String, c: &Comparison) {
    let since = c
        .baseline_as_of
        .as_deref()
        .map_or_else(String::new, |d| format!(" (as of {})", t(d)));
    let _ = writeln!(out, "\nChange since the baseline{since}:");
    let mut parts = vec![format!("Government: {}", show_delta(&c.government))];
    for m in &c.government_missions {
        parts.push(format!("M{} {}", m.number, show_delta(&m.delta)));
    }
    for m in &c.government_commitments {
        parts.push(format!("C{} {}", m.number, show_delta(&m.delta)));
    }
    let _ = writeln!(out, "  {}", parts.join("; "));
    for d in &c.departments {
        let mut parts = vec![format!(
            "{}: {}",
            t(&d.organisation),
            show_delta(&d.overall)
        )];
        if d.status != "compared" {
            parts[0].push_str(&format!(" [{}]", t(&d.status)));
        }
        for m in &d.missions {
            parts.push(format!("M{} {}", m.number, show_delta(&m.delta)));
        }
        for m in &d.commitments {
            parts.push(format!("C{} {}", m.number, show_delta(&m.delta)));
        }
        let _ = writeln!(out, "  {}", parts.join("; "));
    }
    comparison_findings(out, c);
}

/// The findings that appeared, disappeared or changed since the baseline, and the regressions.
fn comparison_findings(out: &mut String, c: &Comparison) {
    for (what, list) in [("Appeared", &c.appeared), ("Disappeared", &c.disappeared)] {
        let _ = writeln!(out, "  {what}: {}", list.len());
        for f in list {
            let _ = writeln!(
                out,
                "    {} {} {} {} ({}:{})",
                f.severity,
                t(&f.organisation),
                t(&f.rule),
                t(&f.path),
                t(&f.file),
                f.line
            );
        }
    }
    if !c.changed.is_empty() {
        let _ = writeln!(out, "  Changed: {}", c.changed.len());
        for (b, a) in &c.changed {
            let _ = writeln!(
                out,
                "    {} {} {}: {}{} -> {}{}",
                t(&a.organisation),
                t(&a.rule),
                t(&a.path),
                b.severity,
                if b.waived { " (waived)" } else { "" },
                a.severity,
                if a.waived { " (waived)" } else { "" }
            );
        }
    }
    if c.regressions.is_empty() {
        let _ = writeln!(out, "  No regression.");
    } else {
        let _ = writeln!(out, "  Regressions:");
        for r in &c.regressions {
            let _ = writeln!(out, "    {}", t(r));
        }
    }
}
