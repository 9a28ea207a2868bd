//! The review as Markdown, for pasting into a ticket or a pull request.

use super::{Outcome, Review, ReviewFinding, gbp, places, thousands};

use crate::render::escape::{markdown, markdown_block, markdown_code, markdown_code_span};

/// Text from the documents or a pack, made inert (its `code spans` kept): see
/// [`crate::render::escape`].
fn md(text: &str) -> String {
    markdown_code(text)
}

fn cell(text: &str) -> String {
    markdown(text)
}

fn yes_no(v: Option<bool>) -> &'static str {
    match v {
        Some(true) => "yes",
        Some(false) => "no",
        None => "not stated",
    }
}

fn or_unstated(v: &Option<String>) -> String {
    v.as_deref().map_or("not stated".into(), cell)
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
        "# Spend-control review: {}{}\n\n",
        or_unstated(&p.id),
        p.title
            .as_deref()
            .map(|t| format!(" ({})", cell(t)))
            .unwrap_or_default()
    ));
    out.push_str(&format!(
        "**Verdict: {}.** The rule: {}.\n\n",
        r.verdict.title(),
        md(r.verdict_rule)
    ));
    proposal_table(out, r);
    derived(out, r);
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
}

/// The proposal's facts, one row each, and the declaration it was checked against.
fn proposal_table(out: &mut String, r: &Review) {
    let p = &r.proposal;
    out.push_str("## Proposal\n\n| | |\n| --- | --- |\n");
    let declaration = match &r.declaration {
        Some(d) => format!(
            "{} (document {}{})",
            markdown_code_span(&d.file),
            d.document + 1,
            d.as_of
                .as_deref()
                .map(|a| format!(", as of {}", cell(a)))
                .unwrap_or_default()
        ),
        None => "none given for this organisation: cross-checks not run".into(),
    };
    let rows = [
        (
            "Proposal",
            format!(
                "{} (document {})",
                markdown_code_span(&r.file),
                r.document + 1
            ),
        ),
        ("Organisation", or_unstated(&p.organisation)),
        ("Declaration", declaration),
        ("Evaluated as of", or_unstated(&r.as_of)),
        ("Spend type", or_unstated(&p.spend_type)),
        ("Phase", or_unstated(&p.phase)),
        (
            "Service",
            format!(
                "{}{}",
                or_unstated(&p.service),
                if p.top75 { " (top 75)" } else { "" }
            ),
        ),
        ("Public facing", yes_no(p.public_facing).into()),
        ("New service", yes_no(p.new_service).into()),
        (
            "Whole-life cost",
            p.whole_life_gbp.map_or("not stated".into(), gbp),
        ),
        ("Annual cost", p.annual_gbp.map_or("not stated".into(), gbp)),
        (
            "Transactions a year",
            p.transactions_per_year
                .map_or("not stated".into(), thousands),
        ),
        ("Vulnerable users", yes_no(p.vulnerable_users).into()),
        ("Assurance rating", or_unstated(&p.assurance_rating)),
    ];
    for (k, v) in rows {
        out.push_str(&format!("| {k} | {v} |\n"));
    }
    out.push('\n');
}

/// What the review derives: approval, risk and importance (with each band's reason), and
/// whether the strategic commitments must be answered.
fn derived(out: &mut String, r: &Review) {
    out.push_str("## What the review derives\n\n");
    let approval = match r.approval.required {
        Some(true) => "required",
        Some(false) => "not required",
        None => "cannot be decided",
    };
    out.push_str(&format!(
        "- **Approval:** {approval}: {}.\n",
        cell(&r.approval.reason)
    ));
    out.push_str(&format!(
        "- **Risk and importance:** {}.\n",
        md(&r.rating.describe())
    ));
    out.push_str(&format!(
        "- **Strategic commitments:** {}: {}.\n\n",
        if r.answers.required {
            "must be answered"
        } else {
            "answers optional"
        },
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
