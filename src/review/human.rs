//! The terminal review: the recommendation and its reasons, the proposal's facts, what the
//! review derives, every criterion with its evidence, the conditions, each finding with the
//! commitment's text and its snippets (both files for cross-checks), the questions and the
//! provenance.

use std::borrow::Cow;
use std::fmt::Write;

use super::rows::{self, Part};
use super::{Outcome, Review};
use crate::render::escape::terminal_line;
use crate::report::human::{
    FileCaps, MAX_FINDINGS_PER_FILE, Style, render_diagnostic, render_finding,
};

/// A value from a document, escaped for the terminal.
fn t(s: &str) -> Cow<'_, str> {
    terminal_line(s)
}

/// Parts as one escaped line.
fn line(parts: &[Part]) -> String {
    t(&rows::plain(parts)).into_owned()
}

/// Wrap text at word boundaries to `width`, keeping its own leading spaces on the first line;
/// continuation lines are indented by `indent`.
fn wrap(text: &str, width: usize, indent: &str) -> String {
    let mut out = String::new();
    let lead = &text[..text.len() - text.trim_start().len()];
    let mut line = lead.to_string();
    for word in text.split_whitespace() {
        if !line.trim().is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            out.push_str(line.trim_end());
            out.push('\n');
            line = indent.to_string();
        } else if !line.trim().is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    out.push_str(line.trim_end());
    out.push('\n');
    out
}

/// Most items of a list (conditions, questions, a criterion's evidence, the changes since the
/// previous review) the human review shows, as many as findings of a file; a line counts the
/// rest, which `--format json` lists.
const MAX_LISTED: usize = MAX_FINDINGS_PER_FILE;

/// Longest answer of a criterion shown, in characters (it quotes every finding of its rule).
const MAX_ANSWER: usize = 4_096;

/// The items of a list the human review shows.
fn listed<T>(items: &[T]) -> &[T] {
    &items[..items.len().min(MAX_LISTED)]
}

/// A line counting the items of a list left out, when there are any.
fn left_out<T>(out: &mut String, items: &[T], what: &str, indent: &str) {
    if let Some(n) = items.len().checked_sub(MAX_LISTED).filter(|&n| n > 0) {
        let _ = writeln!(
            out,
            "{indent}{n} more {what} not shown: the human review lists at most {MAX_LISTED}; use --format json for all"
        );
    }
}

/// A criterion's answer, cut at [`MAX_ANSWER`] characters.
fn short(answer: &str) -> Cow<'_, str> {
    match answer.char_indices().nth(MAX_ANSWER) {
        None => Cow::Borrowed(answer),
        Some((cut, _)) => Cow::Owned(format!("{}… (the rest in --format json)", &answer[..cut])),
    }
}

/// Render every review of the outcome.
pub fn render(outcome: &Outcome, style: Style) -> String {
    let mut out = String::new();
    for d in &outcome.run.diagnostics {
        out.push_str(&render_diagnostic(d, style));
        out.push('\n');
    }
    for review in &outcome.reviews {
        render_review(&mut out, outcome, review, style);
    }
    out
}

fn render_review(out: &mut String, outcome: &Outcome, r: &Review, style: Style) {
    heading(out, r);
    recommendation(out, r, style.width);
    record(out, r, style.width);
    facts(out, r);
    derived(out, r);
    criteria(out, r, style.width);
    conditions(out, r, style.width);
    previous(out, r, style.width);
    findings(out, outcome, r, style);
    if !r.questions.is_empty() {
        out.push_str("Questions for the department\n");
        for (i, q) in listed(&r.questions).iter().enumerate() {
            out.push_str(&wrap(
                &format!("  {}. {}", i + 1, t(q)),
                style.width,
                "     ",
            ));
        }
        left_out(out, &r.questions, "questions", "  ");
        out.push('\n');
    }
    provenance(out, r);
}

/// Each finding with the commitment's text and its snippets, each file's within the caps of
/// the human report ([`FileCaps`], as `check`'s), then a line counting those left out.
fn findings(out: &mut String, outcome: &Outcome, r: &Review, style: Style) {
    if r.findings.is_empty() {
        return;
    }
    let _ = writeln!(out, "Findings ({})\n", r.findings.len());
    let mut caps = FileCaps::new(&outcome.run);
    for (i, f) in r.findings.iter().enumerate() {
        if !caps.admit(&f.finding) {
            continue;
        }
        let mut text = wrap(&format!("{}. {}", i + 1, t(&f.context)), style.width, "   ");
        text.push_str(&render_finding(&outcome.run, &f.finding, style));
        text.push('\n');
        if caps.fits(&f.finding, text.len()) {
            out.push_str(&text);
        }
    }
    out.push_str(&caps.notes("--format json"));
}

fn heading(out: &mut String, r: &Review) {
    let p = &r.proposal;
    let heading = format!(
        "Spend-control assessment: {} {}",
        t(p.id.as_deref().unwrap_or("not stated")),
        p.title
            .as_deref()
            .map(|title| format!("({})", t(title)))
            .unwrap_or_default()
    );
    let heading = heading.trim_end();
    let _ = writeln!(out, "{heading}\n{}", "=".repeat(heading.chars().count()));
}

/// The tool's recommendation, its reasons and the rule.
fn recommendation(out: &mut String, r: &Review, width: usize) {
    let _ = writeln!(
        out,
        "Recommendation: {}",
        r.decision.recommendation.title().to_uppercase()
    );
    for reason in &r.decision.reasons {
        out.push_str(&wrap(&format!("  - {}", t(reason)), width, "    "));
    }
    out.push_str(&wrap(
        &format!("  Rule: {}.", t(r.decision.rule)),
        width,
        "    ",
    ));
    out.push('\n');
}

/// The proposal's facts, with the declaration it was checked against.
fn facts(out: &mut String, r: &Review) {
    out.push_str("Proposal\n");
    for (label, parts) in rows::facts(r) {
        let _ = writeln!(out, "  {:<28}{}", format!("{label}:"), line(&parts));
    }
    out.push('\n');
}

/// What the review derives: approval, risk and importance band by band, and whether the
/// strategic commitments must be answered.
fn derived(out: &mut String, r: &Review) {
    out.push_str("What the review derives\n");
    let _ = writeln!(
        out,
        "  Approval: {} ({})",
        rows::approval_words(r),
        t(&r.approval.reason)
    );
    let _ = writeln!(
        out,
        "  Risk and importance: {}",
        r.rating
            .level
            .map_or("unknown", |l| l.as_str())
            .to_uppercase()
    );
    for b in &r.rating.bands {
        let _ = writeln!(
            out,
            "    {:<20} {:<8} {}",
            b.name,
            b.level.map_or("unknown", |l| l.as_str()),
            t(&b.reason)
        );
    }
    let _ = writeln!(
        out,
        "  Strategic commitments: {} ({})\n",
        rows::answers_words(r),
        t(&r.answers.reason)
    );
}

/// Every criterion: its status, question, rule, answer and evidence.
fn criteria(out: &mut String, r: &Review, width: usize) {
    let _ = writeln!(out, "Criteria ({})", rows::criteria_tally(r));
    for (i, c) in r.criteria.iter().enumerate() {
        let status = format!(
            "{}{}",
            c.status.title(),
            if c.waived { ", waived" } else { "" }
        );
        out.push_str(&wrap(
            &format!("  {}. [{status}] {}", i + 1, t(&c.criterion)),
            width,
            "     ",
        ));
        let commitment = c
            .commitment
            .map(|n| format!(" (commitment {n})"))
            .unwrap_or_default();
        let _ = writeln!(out, "     {}{commitment}", t(&c.rule));
        out.push_str(&wrap(
            &format!("     {}", t(&short(&c.answer))),
            width,
            "     ",
        ));
        for e in listed(&c.evidence) {
            out.push_str(&wrap(
                &format!("     - {}", line(&rows::evidence_parts(e))),
                width,
                "       ",
            ));
        }
        left_out(out, &c.evidence, "pieces of evidence", "     ");
    }
    out.push('\n');
}

/// The conditions, each with its owner, due date and source.
fn conditions(out: &mut String, r: &Review, width: usize) {
    if r.conditions.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "{} ({})",
        rows::conditions_heading(r),
        r.conditions.len()
    );
    for c in listed(&r.conditions) {
        out.push_str(&wrap(
            &format!("  {}. {}", c.id, t(&c.text)),
            width,
            "      ",
        ));
        out.push_str(&wrap(
            &format!(
                "      Owner: {}. Due: {}.",
                t(&rows::owner_words(c)),
                t(&rows::due_words(c))
            ),
            width,
            "      ",
        ));
        let _ = writeln!(out, "      From: {}", line(&rows::source_parts(c)));
        if let Some(found) = rows::found(c) {
            out.push_str(&wrap(
                &format!("      Found: {}", t(found)),
                width,
                "      ",
            ));
        }
    }
    left_out(out, &r.conditions, "conditions", "  ");
    out.push('\n');
}

/// What produced the review, and the parameters it was judged against.
fn provenance(out: &mut String, r: &Review) {
    out.push_str("Provenance\n");
    for (label, parts) in rows::provenance_rows(r) {
        let _ = writeln!(out, "  {:<28}{}", format!("{label}:"), line(&parts));
    }
    if !r.provenance.parameters.is_empty() {
        out.push_str("  Parameters:\n");
        for p in &r.provenance.parameters {
            let _ = writeln!(
                out,
                "    {:<40}{}",
                t(&p.name),
                t(&rows::parameter_words(p))
            );
        }
    }
    out.push('\n');
}

/// The panel's record of its decision, beside the tool's, with the conditions as it left them.
fn record(out: &mut String, r: &Review, width: usize) {
    let Some(s) = &r.record else {
        return;
    };
    out.push_str("Decision recorded by the panel\n");
    for (label, parts) in rows::record_rows(r, s) {
        let _ = writeln!(out, "  {:<28}{}", format!("{label}:"), line(&parts));
    }
    if !s.conditions.is_empty() {
        out.push_str("  Conditions as recorded:\n");
        for c in listed(&s.conditions) {
            out.push_str(&wrap(
                &format!("    {}. {}", c.id, t(&c.text)),
                width,
                "       ",
            ));
            out.push_str(&wrap(
                &format!(
                    "       Owner: {}. Due: {}. {}.",
                    t(&c.owner),
                    t(&rows::recorded_due(c)),
                    t(&rows::fate_words(c))
                ),
                width,
                "       ",
            ));
        }
        left_out(out, &s.conditions, "recorded conditions", "    ");
    }
    out.push('\n');
}

/// What changed since the previous review: conditions met, still open and new; findings fixed
/// and new.
fn previous(out: &mut String, r: &Review, width: usize) {
    let Some(p) = &r.previous else {
        return;
    };
    out.push_str("Since the previous review\n");
    out.push_str(&wrap(
        &format!("  {}", t(&rows::previous_words(p))),
        width,
        "  ",
    ));
    for c in listed(&p.conditions) {
        out.push_str(&wrap(
            &format!(
                "  - [{}] {} {}",
                c.change.title(),
                t(&rows::delta_ids(c)),
                t(&c.text)
            ),
            width,
            "    ",
        ));
    }
    left_out(out, &p.conditions, "changed conditions", "  ");
    for (what, list) in [("fixed", &p.findings_fixed), ("new", &p.findings_new)] {
        for f in listed(list) {
            out.push_str(&wrap(
                &format!(
                    "  - finding {what}: {} at {}: {}",
                    t(&f.rule),
                    t(&f.path),
                    t(&f.message)
                ),
                width,
                "    ",
            ));
        }
        left_out(out, list, &format!("findings {what}"), "  ");
    }
    out.push('\n');
}
