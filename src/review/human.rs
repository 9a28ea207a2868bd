//! The terminal review: summary, derived rating band by band, verdict, each finding with the
//! commitment's text and its snippets (both files for cross-checks), and the questions.

use std::borrow::Cow;

use super::{Outcome, Review, gbp, thousands};
use crate::render::escape::terminal_line;
use crate::report::human::{Style, render_diagnostic, render_finding};

/// A value from a document, escaped for the terminal.
fn t(s: &str) -> Cow<'_, str> {
    terminal_line(s)
}

fn yes_no(v: Option<bool>) -> &'static str {
    match v {
        Some(true) => "yes",
        Some(false) => "no",
        None => "not stated",
    }
}

fn or_unstated(v: &Option<String>) -> Cow<'_, str> {
    t(v.as_deref().unwrap_or("not stated"))
}

/// Wrap text at word boundaries to `width`, continuation lines indented by three spaces.
fn wrap(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.trim().is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            out.push_str(line.trim_end());
            out.push('\n');
            line = "   ".to_string();
        } else if !line.trim().is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    out.push_str(line.trim_end());
    out.push('\n');
    out
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
    facts(out, r);
    derived(out, r);
    verdict(out, r);
    if !r.findings.is_empty() {
        out.push_str(&format!("Findings ({})\n\n", r.findings.len()));
    }
    for (i, f) in r.findings.iter().enumerate() {
        out.push_str(&wrap(&format!("{}. {}", i + 1, t(&f.context)), style.width));
        out.push_str(&render_finding(&outcome.run, &f.finding, style));
        out.push('\n');
    }

    if !r.questions.is_empty() {
        out.push_str("Questions for the department\n");
        for (i, q) in r.questions.iter().enumerate() {
            out.push_str(&format!("  {}. {}\n", i + 1, t(q)));
        }
        out.push('\n');
    }
}

/// The heading and the proposal's facts, with the declaration it was checked against.
fn facts(out: &mut String, r: &Review) {
    let p = &r.proposal;
    let heading = format!(
        "Spend-control review: {} {}",
        or_unstated(&p.id),
        p.title
            .as_deref()
            .map(|title| format!("({})", t(title)))
            .unwrap_or_default()
    );
    out.push_str(heading.trim_end());
    out.push('\n');
    out.push_str(&"=".repeat(heading.trim_end().chars().count()));
    out.push('\n');
    out.push_str(&format!(
        "Proposal:          {}\n",
        t(&crate::run::place(&r.file, r.document))
    ));
    out.push_str(&format!(
        "Organisation:      {}\n",
        or_unstated(&p.organisation)
    ));
    match &r.declaration {
        Some(d) => out.push_str(&format!(
            "Declaration:       {}{}\n",
            t(&crate::run::place(&d.file, d.document)),
            d.as_of
                .as_deref()
                .map(|a| format!(", as of {}", t(a)))
                .unwrap_or_default()
        )),
        None => out.push_str(
            "Declaration:       none given for this organisation: cross-checks not run\n",
        ),
    }
    out.push_str(&format!("Evaluated as of:   {}\n", or_unstated(&r.as_of)));
    out.push_str(&format!(
        "Spend type:        {}; phase {}\n",
        or_unstated(&p.spend_type),
        or_unstated(&p.phase)
    ));
    out.push_str(&format!(
        "Service:           {}{}; public facing: {}; new service: {}\n",
        or_unstated(&p.service),
        if p.top75 { " (top 75)" } else { "" },
        yes_no(p.public_facing),
        yes_no(p.new_service)
    ));
    out.push_str(&format!(
        "Amounts:           whole life {}; annual {}\n",
        p.whole_life_gbp.map_or("not stated".into(), gbp),
        p.annual_gbp.map_or("not stated".into(), gbp)
    ));
    out.push_str(&format!(
        "Transactions/year: {}; vulnerable users: {}\n",
        p.transactions_per_year
            .map_or("not stated".into(), thousands),
        yes_no(p.vulnerable_users)
    ));
    out.push_str(&format!(
        "Assurance rating:  {}\n\n",
        or_unstated(&p.assurance_rating)
    ));
}

/// What the review derives: approval, risk and importance band by band, and whether the
/// strategic commitments must be answered.
fn derived(out: &mut String, r: &Review) {
    let approval = match r.approval.required {
        Some(true) => "required",
        Some(false) => "not required",
        None => "cannot be decided",
    };
    out.push_str(&format!(
        "Approval: {approval} ({})\n\n",
        t(&r.approval.reason)
    ));

    out.push_str(&format!(
        "Risk and importance: {}\n",
        r.rating
            .level
            .map_or("unknown", |l| l.as_str())
            .to_uppercase()
    ));
    for b in &r.rating.bands {
        out.push_str(&format!(
            "  {:<20} {:<8} {}\n",
            b.name,
            b.level.map_or("unknown", |l| l.as_str()),
            t(&b.reason)
        ));
    }
    out.push_str(&format!(
        "Strategic commitments: {} ({})\n\n",
        if r.answers.required {
            "must be answered"
        } else {
            "answers optional"
        },
        t(&r.answers.reason)
    ));
}

/// The verdict, with the count of errors and warnings that decided it, and the rule.
fn verdict(out: &mut String, r: &Review) {
    let errors = r
        .findings
        .iter()
        .filter(|f| !f.finding.waived && f.finding.severity == crate::finding::Severity::Error)
        .count();
    let warnings = r
        .findings
        .iter()
        .filter(|f| !f.finding.waived && f.finding.severity == crate::finding::Severity::Warning)
        .count();
    out.push_str(&format!(
        "Verdict: {} ({errors} {}, {warnings} {})\n",
        r.verdict.title().to_uppercase(),
        if errors == 1 { "error" } else { "errors" },
        if warnings == 1 { "warning" } else { "warnings" },
    ));
    out.push_str(&format!("  Rule: {}.\n\n", t(r.verdict_rule)));
}
