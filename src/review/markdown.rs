//! The review as Markdown, for a ticket or a pull-request comment: the recommendation, the
//! proposal's facts, what the review derives, the criteria, the conditions, the findings, the
//! questions and the provenance.

use super::rows::{self, Part};
use super::{Outcome, Review, ReviewFinding, places};

use crate::render::escape::{markdown, markdown_block, markdown_code, markdown_code_span};

/// Text from the documents or a pack, made inert (its `code spans` kept): see
/// [`crate::render::escape`].
fn md(text: &str) -> String {
    markdown_code(text)
}

fn cell(text: &str) -> String {
    markdown(text)
}

/// Parts for a table cell or a line: text escaped, code as code spans.
fn parts(parts: &[Part]) -> String {
    parts
        .iter()
        .map(|p| match p {
            Part::Text(t) => cell(t),
            Part::Prose(t) => md(t),
            // A document's value may hold anything: a code span only when nothing in it could
            // act (see `markdown_code`), else escaped text.
            Part::Code(c) => markdown_code(&format!("`{c}`")),
        })
        .collect()
}

pub fn render(outcome: &Outcome) -> String {
    let mut out = String::new();
    if !outcome.run.diagnostics.is_empty() {
        out.push_str("## Problems running the review\n\n");
        for d in &outcome.run.diagnostics {
            out.push_str(&format!(
                "- **{}** `{}`{}: {}\n",
                d.severity,
                d.code,
                d.file
                    .as_deref()
                    .map(|f| format!(" in {}", markdown_code_span(f)))
                    .unwrap_or_default(),
                md(&d.message)
            ));
        }
        out.push('\n');
    }
    for review in &outcome.reviews {
        render_review(&mut out, outcome, review);
    }
    out
}

fn render_review(out: &mut String, outcome: &Outcome, r: &Review) {
    let p = &r.proposal;
    out.push_str(&format!(
        "# Spend-control assessment: {}{}\n\n",
        cell(p.id.as_deref().unwrap_or("not stated")),
        p.title
            .as_deref()
            .map(|t| format!(" ({})", cell(t)))
            .unwrap_or_default()
    ));
    out.push_str(&format!(
        "**Recommendation: {}.**\n\n",
        r.decision.recommendation.title()
    ));
    for reason in &r.decision.reasons {
        out.push_str(&format!("- {}\n", md(reason)));
    }
    out.push_str(&format!("\nThe rule: {}.\n\n", md(r.decision.rule)));
    record(out, r);
    facts(out, r);
    derived(out, r);
    criteria(out, r);
    conditions(out, r);
    previous(out, r);
    out.push_str(&format!("## Findings ({})\n\n", r.findings.len()));
    if r.findings.is_empty() {
        out.push_str("None.\n\n");
    }
    for (i, rf) in r.findings.iter().enumerate() {
        finding(out, outcome, i + 1, rf);
    }
    out.push_str("## Questions for the department\n\n");
    if r.questions.is_empty() {
        out.push_str("None.\n");
    }
    for (i, q) in r.questions.iter().enumerate() {
        out.push_str(&format!("{}. {}\n", i + 1, md(q)));
    }
    out.push('\n');
    provenance(out, r);
}

/// The proposal's facts, one row each.
fn facts(out: &mut String, r: &Review) {
    out.push_str("## Proposal\n\n| | |\n| --- | --- |\n");
    for (label, value) in rows::facts(r) {
        out.push_str(&format!("| {label} | {} |\n", parts(&value)));
    }
    out.push('\n');
}

/// What the review derives: approval, risk and importance (with each band's reason), and
/// whether the strategic commitments must be answered.
fn derived(out: &mut String, r: &Review) {
    out.push_str("## What the review derives\n\n");
    out.push_str(&format!(
        "- **Approval:** {}: {}.\n",
        rows::approval_words(r),
        cell(&r.approval.reason)
    ));
    out.push_str(&format!(
        "- **Risk and importance:** {}.\n",
        md(&r.rating.describe())
    ));
    out.push_str(&format!(
        "- **Strategic commitments:** {}: {}.\n\n",
        rows::answers_words(r),
        md(&r.answers.reason)
    ));
    out.push_str("| Band | Level | Why |\n| --- | --- | --- |\n");
    for b in &r.rating.bands {
        out.push_str(&format!(
            "| {} | {} | {} |\n",
            cell(b.name),
            b.level.map_or("unknown", |l| l.as_str()),
            cell(&b.reason)
        ));
    }
    out.push('\n');
}

/// Every criterion, one row each: its status, the question and rule, the answer and the
/// evidence.
fn criteria(out: &mut String, r: &Review) {
    out.push_str(&format!(
        "## Criteria ({})\n\n",
        md(&rows::criteria_tally(r))
    ));
    out.push_str("| Status | Criterion | Answer | Evidence |\n| --- | --- | --- | --- |\n");
    for c in &r.criteria {
        let evidence: Vec<String> = c
            .evidence
            .iter()
            .map(|e| parts(&rows::evidence_parts(e)))
            .collect();
        let commitment = c
            .commitment
            .map(|n| format!(" (commitment {n})"))
            .unwrap_or_default();
        out.push_str(&format!(
            "| {}{} | {}<br>{}{commitment} | {} | {} |\n",
            c.status.title(),
            if c.waived { ", waived" } else { "" },
            md(&c.criterion),
            markdown_code_span(&c.rule),
            md(&c.answer),
            evidence.join("<br>")
        ));
    }
    out.push('\n');
}

/// The conditions, one row each.
fn conditions(out: &mut String, r: &Review) {
    if r.conditions.is_empty() {
        return;
    }
    out.push_str(&format!(
        "## {} ({})\n\n| | Condition | Owner | Due | From |\n| --- | --- | --- | --- | --- |\n",
        rows::conditions_heading(r),
        r.conditions.len()
    ));
    for c in &r.conditions {
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} |\n",
            c.id,
            match rows::found(c) {
                Some(found) => format!("{}<br>Found: {}", md(&c.text), md(found)),
                None => md(&c.text),
            },
            cell(&rows::owner_words(c)),
            cell(&rows::due_words(c)),
            parts(&rows::source_parts(c))
        ));
    }
    out.push('\n');
}

/// One finding, numbered: its rule, context, every place it points at (with the lines of the
/// file), its waiver and its fix.
fn finding(out: &mut String, outcome: &Outcome, number: usize, rf: &ReviewFinding) {
    let f = &rf.finding;
    let code = match f.commitment {
        Some(c) => format!("{} (commitment {c})", markdown_code_span(&f.rule)),
        None => markdown_code_span(&f.rule),
    };
    out.push_str(&format!(
        "### {}. {}{}: {}\n\n",
        number,
        if f.waived { "waived " } else { "" },
        f.severity,
        md(&f.message)
    ));
    out.push_str(&format!("Rule {code}.\n\n"));
    out.push_str(&format!("> {}\n\n", md(&rf.context)));
    for place in places(&outcome.run, f) {
        out.push_str(&format!(
            "- {}{}: {}\n",
            markdown_code_span(&format!("{}:{}:{}", place.file, place.line, place.column)),
            if place.path.is_empty() {
                String::new()
            } else {
                format!(" ({})", markdown_code_span(&place.path))
            },
            md(&place.label)
        ));
        if let Some(text) = place.text {
            out.push('\n');
            out.push_str(&markdown_block(&text, "yaml", "  "));
            out.push('\n');
        }
    }
    if let Some(w) = &f.waiver {
        out.push_str(&format!(
            "\nWaived until {} by {}: {}\n",
            md(&w.expires),
            md(&w.approved_by),
            md(&w.reason)
        ));
    }
    if let Some(help) = &f.help {
        out.push_str(&format!("\n**Fix:** {}\n", md(help)));
    }
    out.push('\n');
}

/// What produced the review, and the parameters it was judged against.
fn provenance(out: &mut String, r: &Review) {
    out.push_str("## Provenance\n\n| | |\n| --- | --- |\n");
    for (label, value) in rows::provenance_rows(r) {
        out.push_str(&format!("| {} | {} |\n", cell(&label), parts(&value)));
    }
    out.push('\n');
    if !r.provenance.parameters.is_empty() {
        out.push_str("| Parameter | Value |\n| --- | --- |\n");
        for p in &r.provenance.parameters {
            out.push_str(&format!(
                "| {} | {} |\n",
                markdown_code_span(&p.name),
                cell(&rows::parameter_words(p))
            ));
        }
        out.push('\n');
    }
}

/// The panel's record of its decision, beside the tool's, with the conditions as it left them.
fn record(out: &mut String, r: &Review) {
    let Some(s) = &r.record else {
        return;
    };
    out.push_str("## Decision recorded by the panel\n\n| | |\n| --- | --- |\n");
    for (label, value) in rows::record_rows(r, s) {
        out.push_str(&format!("| {label} | {} |\n", parts(&value)));
    }
    out.push('\n');
    if !s.conditions.is_empty() {
        out.push_str("| | Condition as recorded | Owner | Due | The panel |\n| --- | --- | --- | --- | --- |\n");
        for c in &s.conditions {
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} |\n",
                cell(&c.id),
                md(&c.text),
                cell(&c.owner),
                cell(&rows::recorded_due(c)),
                md(&rows::fate_words(c))
            ));
        }
        out.push('\n');
    }
}

/// What changed since the previous review.
fn previous(out: &mut String, r: &Review) {
    let Some(p) = &r.previous else {
        return;
    };
    out.push_str("## Since the previous review\n\n");
    out.push_str(&format!("{}\n\n", md(&rows::previous_words(p))));
    if !p.conditions.is_empty() {
        out.push_str("| Condition | | Then → now |\n| --- | --- | --- |\n");
        for c in &p.conditions {
            out.push_str(&format!(
                "| {} | {} | {} |\n",
                md(&c.text),
                c.change.title(),
                cell(&rows::delta_ids(c))
            ));
        }
        out.push('\n');
    }
    for (what, list) in [("Fixed", &p.findings_fixed), ("New", &p.findings_new)] {
        for f in list {
            out.push_str(&format!(
                "- {what}: {} at {}: {}\n",
                markdown_code_span(&f.rule),
                markdown_code_span(&f.path),
                md(&f.message)
            ));
        }
    }
    out.push('\n');
}
