//! The review as one printable, self-contained HTML page: inline CSS with a print stylesheet, no
//! scripts and no external resources. Written with maud, which escapes what it splices; every
//! value from the documents goes through [`HtmlText`] or [`HtmlCode`], which also replace control
//! characters and reordering marks.

use maud::{Markup, html};

use super::{Outcome, Review, ReviewFinding, gbp, places, thousands};
use crate::render::escape::{HtmlCode, HtmlText};

const STYLE: &str = "
body { font-family: Arial, Helvetica, sans-serif; color: #0b0c0c; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.4; }
h1 { font-size: 1.8rem; margin-bottom: 0.5rem; }
h2 { font-size: 1.3rem; border-bottom: 2px solid #b1b4b6; padding-bottom: 0.2rem; margin-top: 2rem; }
h3 { font-size: 1.05rem; margin-bottom: 0.3rem; }
table { border-collapse: collapse; width: 100%; margin: 0.5rem 0 1rem; }
code, li, p, h3 { overflow-wrap: anywhere; }
th, td { overflow-wrap: break-word; }
th, td { text-align: left; vertical-align: top; padding: 0.3rem 0.6rem; border-bottom: 1px solid #b1b4b6; }
th { width: 14rem; }
code, pre { font-family: Consolas, Menlo, monospace; font-size: 0.9rem; }
pre { background: #f3f2f1; padding: 0.4rem 0.6rem; overflow-x: auto; margin: 0.2rem 0 0.6rem; }
blockquote { border-left: 4px solid #b1b4b6; margin: 0.4rem 0; padding: 0.2rem 0.8rem; color: #505a5f; }
.verdict { font-size: 1.3rem; font-weight: bold; padding: 0.6rem 0.8rem; border-left: 8px solid; }
.ready { border-color: #00703c; background: #e5f1eb; }
.approve_with_conditions { border-color: #f47738; background: #fdf0e8; }
.not_ready { border-color: #d4351c; background: #fae6e3; }
.finding { border-left: 4px solid #b1b4b6; padding: 0.2rem 0.8rem; margin: 1rem 0; page-break-inside: avoid; break-inside: avoid; }
.finding.error { border-color: #d4351c; }
.finding.warning { border-color: #f47738; }
.severity { text-transform: uppercase; font-size: 0.8rem; font-weight: bold; }
.fix { font-weight: bold; }
@media print {
  body { margin: 0; max-width: none; font-size: 11pt; }
  h2 { page-break-after: avoid; break-after: avoid; }
  .verdict { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  pre { white-space: pre-wrap; }
  /* A file name in a table breaks only when it cannot fit the cell. */
  td code { overflow-wrap: break-word; }
  th { width: 9rem; }
  a { color: inherit; text-decoration: none; }
}
";

fn yes_no(v: Option<bool>) -> &'static str {
    match v {
        Some(true) => "yes",
        Some(false) => "no",
        None => "not stated",
    }
}

fn or_unstated(v: &Option<String>) -> Markup {
    html! { (HtmlText(v.as_deref().unwrap_or("not stated"))) }
}

pub fn render(outcome: &Outcome) -> String {
    let title = outcome
        .reviews
        .first()
        .and_then(|r| r.proposal.id.clone())
        .unwrap_or_else(|| "proposal".into());
    let body = html! {
        main {
            "\n"
            (problems(outcome))
            @for review in &outcome.reviews {
                (render_review(outcome, review))
            }
        }
        "\n"
        footer {
            p {
                "Produced by roadmap-lint. The verdict rule: any error makes a proposal not ready; otherwise warnings, or no declaration to check it against, mean approve with conditions; no findings means ready for approval."
            }
        }
        "\n"
    };
    crate::render::page::document(
        html! { "Spend-control review: " (HtmlText(&title)) },
        STYLE,
        body,
    )
}

/// The problems that stopped part of the review (unreadable files, broken rules), if any.
fn problems(outcome: &Outcome) -> Markup {
    if outcome.run.diagnostics.is_empty() {
        return html! {};
    }
    html! {
        h2 { "Problems running the review" } "\n"
        ul {
            "\n"
            @for d in &outcome.run.diagnostics {
                li {
                    strong { (HtmlText(d.severity.as_str())) } " " code { (HtmlText(d.code.id())) }
                    @if let Some(f) = d.file.as_deref() { " in " code { (HtmlText(f)) } }
                    ": " (HtmlCode(&d.message))
                }
                "\n"
            }
        }
        "\n"
    }
}

/// One proposal's review: verdict, the proposal's facts, what the review derives, the findings
/// and the questions for the department.
fn render_review(outcome: &Outcome, r: &Review) -> Markup {
    let p = &r.proposal;
    let verdict_class = match r.verdict {
        super::Verdict::Ready => "ready",
        super::Verdict::ApproveWithConditions => "approve_with_conditions",
        super::Verdict::NotReady => "not_ready",
    };
    html! {
        h1 {
            "Spend-control review: " (or_unstated(&p.id))
            @if let Some(t) = p.title.as_deref() { " (" (HtmlText(t)) ")" }
        }
        "\n"
        p class={ "verdict " (verdict_class) } { "Verdict: " (HtmlText(r.verdict.title())) } "\n"
        p { "The rule: " (HtmlText(r.verdict_rule)) "." } "\n"
        h2 { "Proposal" } "\n"
        (proposal_table(r))
        h2 { "What the review derives" } "\n"
        (derived(r))
        h2 { "Findings (" (r.findings.len()) ")" } "\n"
        @if r.findings.is_empty() {
            p { "None." } "\n"
        }
        @for (i, rf) in r.findings.iter().enumerate() {
            (finding(outcome, i + 1, rf))
        }
        h2 { "Questions for the department" } "\n"
        @if r.questions.is_empty() {
            p { "None." } "\n"
        } @else {
            ol {
                "\n"
                @for q in &r.questions {
                    li { (HtmlCode(q)) } "\n"
                }
            }
            "\n"
        }
    }
}

/// The proposal's facts, one row each, and the declaration it was checked against.
fn proposal_table(r: &Review) -> Markup {
    let p = &r.proposal;
    let declaration = match &r.declaration {
        Some(d) => html! {
            code { (HtmlText(&d.file)) } " (document " (d.document + 1)
            @if let Some(a) = d.as_of.as_deref() { ", as of " (HtmlText(a)) }
            ")"
        },
        None => html! { "none given for this organisation: cross-checks not run" },
    };
    let amount = |v: Option<i64>| html! { (HtmlText(&v.map_or("not stated".into(), gbp))) };
    let rows = [
        (
            "Proposal",
            html! { code { (HtmlText(&r.file)) } " (document " (r.document + 1) ")" },
        ),
        ("Organisation", or_unstated(&p.organisation)),
        ("Declaration", declaration),
        ("Evaluated as of", or_unstated(&r.as_of)),
        ("Spend type", or_unstated(&p.spend_type)),
        ("Phase", or_unstated(&p.phase)),
        (
            "Service",
            html! { (or_unstated(&p.service)) @if p.top75 { " (top 75)" } },
        ),
        ("Public facing", html! { (yes_no(p.public_facing)) }),
        ("New service", html! { (yes_no(p.new_service)) }),
        ("Whole-life cost", amount(p.whole_life_gbp)),
        ("Annual cost", amount(p.annual_gbp)),
        (
            "Transactions a year",
            html! { (p.transactions_per_year.map_or("not stated".into(), thousands)) },
        ),
        ("Vulnerable users", html! { (yes_no(p.vulnerable_users)) }),
        ("Assurance rating", or_unstated(&p.assurance_rating)),
    ];
    html! {
        table {
            "\n"
            @for (k, v) in rows {
                tr { th scope="row" { (k) } td { (v) } } "\n"
            }
        }
        "\n"
    }
}

/// What the review derives from the pack's parameters: approval, risk and importance (with
/// each band's reason), and whether the strategic commitments must be answered.
fn derived(r: &Review) -> Markup {
    let approval = match r.approval.required {
        Some(true) => "required",
        Some(false) => "not required",
        None => "cannot be decided",
    };
    let answers = if r.answers.required {
        "must be answered"
    } else {
        "answers optional"
    };
    html! {
        ul {
            "\n"
            li { strong { "Approval:" } " " (approval) ": " (HtmlText(&r.approval.reason)) "." } "\n"
            li { strong { "Risk and importance:" } " " (r.rating.describe()) "." } "\n"
            li { strong { "Strategic commitments:" } " " (answers) ": " (HtmlText(&r.answers.reason)) "." } "\n"
        }
        "\n"
        table {
            "\n"
            tr { th { "Band" } th { "Level" } th { "Why" } } "\n"
            @for b in &r.rating.bands {
                tr {
                    td { (HtmlText(b.name)) }
                    td { (b.level.map_or("unknown", |l| l.as_str())) }
                    td { (HtmlCode(&b.reason)) }
                }
                "\n"
            }
        }
        "\n"
    }
}

/// One finding, numbered: its message, rule, context, every place it points at (with the
/// line of the file), its waiver and its fix.
fn finding(outcome: &Outcome, number: usize, rf: &ReviewFinding) -> Markup {
    let f = &rf.finding;
    let severity = f.severity.as_str();
    html! {
        section class={ "finding " (severity) } {
            "\n"
            h3 {
                (number) ". " span class="severity" { @if f.waived { "waived " } (severity) }
                " " (HtmlCode(&f.message))
            }
            "\n"
            @if let Some(w) = f.waiver.as_ref().filter(|_| f.waived) {
                p class="waiver" { strong { "Waived:" } " " (HtmlCode(&w.text())) } "\n"
            }
            p {
                "Rule " code { (HtmlText(&f.rule)) }
                @if let Some(c) = f.commitment { " (commitment " (c) ")" }
            }
            "\n"
            blockquote { (HtmlText(&rf.context)) } "\n"
            @for place in places(&outcome.run, f) {
                p {
                    code { (HtmlText(&place.file)) ":" (place.line) ":" (place.column) }
                    @if !place.path.is_empty() { " (" code { (HtmlText(&place.path)) } ")" }
                    ": " (HtmlCode(&place.label))
                }
                "\n"
                @if let Some(text) = &place.text {
                    pre tabindex="0" { (format!("{:>5}", place.line)) " | " (HtmlText(text)) } "\n"
                }
            }
            @if let Some(w) = &f.waiver {
                p {
                    "Waived until " (HtmlText(&w.expires)) " by " (HtmlText(&w.approved_by))
                    ": " (HtmlText(&w.reason))
                }
                "\n"
            }
            @if let Some(help) = &f.help {
                p { span class="fix" { "Fix:" } " " (HtmlCode(help)) } "\n"
            }
        }
        "\n"
    }
}
