//! The review as one self-contained HTML page, made to be printed and filed: inline CSS with an
//! A4 print stylesheet (a running header with the proposal's reference and "page x of y",
//! table headings repeated and kept with their tables, findings free to split with their
//! headings kept), no scripts and no external resources. Written with maud, which escapes what
//! it splices; every value from the documents goes through [`HtmlText`] or [`HtmlCode`] (which
//! also replace control characters and reordering marks), and the running header's text
//! through [`css_string`].

use maud::{Markup, html};

use super::rows::{self, Part};
use super::{Outcome, Recommendation, Review, ReviewFinding, places};
use crate::render::escape::{HtmlBreakable, HtmlCode, HtmlText, css_string};

const STYLE: &str = "
body { font-family: Arial, Helvetica, sans-serif; color: #0b0c0c; max-width: 62rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.4; }
h1 { font-size: 1.8rem; margin-bottom: 0.5rem; }
h2 { font-size: 1.3rem; border-bottom: 2px solid #b1b4b6; padding-bottom: 0.2rem; margin-top: 2rem; }
h3 { font-size: 1.05rem; margin-bottom: 0.3rem; }
table { border-collapse: collapse; width: 100%; margin: 0.5rem 0 1rem; }
th, td, code, li, p, h3 { overflow-wrap: anywhere; }
th, td { text-align: left; vertical-align: top; padding: 0.3rem 0.5rem; border-bottom: 1px solid #b1b4b6; }
th[scope=row] { width: 14rem; }
td.n, th.n { width: 2rem; }
table.criteria th.criterion { width: 34%; }
table.criteria th.status { width: 6.5rem; }
table.conditions th.owner { width: 8rem; }
table.recorded th.condition { width: 30%; }
table.recorded th.owner, table.recorded th.due { width: 7rem; }
table.conditions th.due { width: 10rem; }
code, pre { font-family: Consolas, Menlo, monospace; font-size: 0.9em; }
code { background: #f3f2f1; padding: 0 0.15em; }
pre { background: #f3f2f1; padding: 0.4rem 0.6rem; overflow-x: auto; margin: 0.2rem 0 0.6rem; white-space: pre-wrap; }
pre code { background: none; padding: 0; }
blockquote { border-left: 4px solid #b1b4b6; margin: 0.4rem 0; padding: 0.2rem 0.8rem; color: #505a5f; }
ul.evidence { margin: 0.2rem 0 0; padding-left: 1.1rem; font-size: 0.9em; }
.decision { padding: 0.6rem 0.8rem; border-left: 8px solid; margin: 1rem 0; }
.decision p.outcome { font-size: 1.3rem; font-weight: bold; margin: 0 0 0.3rem; }
.approve { border-color: #00703c; background: #e5f1eb; }
.approve_with_conditions { border-color: #f47738; background: #fdf0e8; }
.not_approved { border-color: #d4351c; background: #fae6e3; }
.more_information_needed { border-color: #1d70b8; background: #e8f1f8; }
.status { font-weight: bold; white-space: nowrap; }
.status.met { color: #00703c; }
.status.not_met { color: #d4351c; }
.status.not_answered { color: #a53300; }
.status.not_applicable, .status.not_assessed { color: #505a5f; }
.finding { border-left: 4px solid #b1b4b6; padding: 0.2rem 0.8rem; margin: 1rem 0; }
.finding.error { border-color: #d4351c; }
.finding.warning { border-color: #f47738; }
.severity { text-transform: uppercase; font-size: 0.8rem; font-weight: bold; }
.fix { font-weight: bold; }
.small { color: #505a5f; font-size: 0.9em; }
tr.fate-removed td:nth-child(2) { text-decoration: line-through; }
@media print {
  body { margin: 0; max-width: none; padding: 0; font-size: 10pt; }
  h1 { font-size: 16pt; margin-top: 0; }
  h2 { font-size: 13pt; margin-top: 1.2rem; }
  h2, h3, caption { break-after: avoid; page-break-after: avoid; break-inside: avoid; page-break-inside: avoid; }
  .finding > p:first-of-type { break-before: avoid; page-break-before: avoid; }
  h2 + table, h2 + p, h2 + ul { break-before: avoid; page-break-before: avoid; }
  thead { display: table-header-group; }
  tr, pre, .decision, li { break-inside: avoid; page-break-inside: avoid; }
  .finding { break-inside: auto; }
  /* A criterion with a long list of evidence may run over a page, between two pieces of it. */
  table.criteria tr { break-inside: auto; page-break-inside: auto; }
  .decision, .status, code, pre { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  a { color: inherit; text-decoration: none; }
  /* On paper a word wraps whole; an identifier wraps at its separators (each has a <wbr>). */
  th, td, td code { overflow-wrap: break-word; }
}
";

/// The page's own print rules: A4 with a running header naming the proposal, and page x of
/// y. The reference is a document value, so it goes in as a CSS string.
fn page_style(reference: &str) -> String {
    format!(
        "@page {{ size: A4; margin: 20mm 15mm 18mm 15mm;\n  @top-left {{ content: {}; font: 8.5pt Arial, Helvetica, sans-serif; color: #505a5f; }}\n  @top-right {{ content: \"Page \" counter(page) \" of \" counter(pages); font: 8.5pt Arial, Helvetica, sans-serif; color: #505a5f; }}\n}}\n",
        css_string(reference)
    )
}

/// Parts as markup: text escaped, code as `<code>`.
fn parts(parts: &[Part]) -> Markup {
    html! {
        @for p in parts {
            @match p {
                Part::Text(t) => (HtmlText(t)),
                Part::Prose(t) => (HtmlCode(t)),
                Part::Code(c) => code { (HtmlBreakable(c)) },
            }
        }
    }
}

pub fn render(outcome: &Outcome) -> String {
    let first = outcome.reviews.first();
    let id = first
        .and_then(|r| r.proposal.id.clone())
        .unwrap_or_else(|| "proposal".into());
    let header = match first {
        Some(r) => match &r.record {
            Some(s) => format!(
                "Spend-control assessment {id} \u{b7} decided: {} on {}",
                s.decision.title().to_lowercase(),
                s.date
            ),
            None => format!(
                "Spend-control assessment {id} \u{b7} recommended: {}",
                r.decision.recommendation.title().to_lowercase()
            ),
        },
        None => format!("Spend-control assessment {id}"),
    };
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
            p class="small" {
                "Produced by roadmap-lint " (env!("CARGO_PKG_VERSION")) ". The recommendation is the tool's, by the rule above; the decision is the assessors'."
            }
        }
        "\n"
    };
    crate::render::page::document_with_page_style(
        html! { "Spend-control assessment: " (HtmlText(&id)) },
        STYLE,
        &page_style(&header),
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

fn class_of(r: Recommendation) -> &'static str {
    r.key()
}

/// One proposal's assessment record.
fn render_review(outcome: &Outcome, r: &Review) -> Markup {
    let p = &r.proposal;
    html! {
        h1 {
            "Spend-control assessment: " (HtmlText(p.id.as_deref().unwrap_or("not stated")))
            @if let Some(t) = p.title.as_deref() { " (" (HtmlText(t)) ")" }
        }
        "\n"
        (decision(r))
        (record(r))
        h2 { "Proposal" } "\n"
        (facts(r))
        h2 { "What the review derives" } "\n"
        (derived(r))
        h2 { "Criteria" } "\n"
        (criteria(r))
        (conditions(r))
        (previous(r))
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
        (provenance(r))
    }
}

/// The tool's recommendation, its reasons and the rule.
fn decision(r: &Review) -> Markup {
    let d = &r.decision;
    html! {
        section class={ "decision " (class_of(d.recommendation)) } {
            "\n"
            p class="outcome" { "Recommendation: " (d.recommendation.title()) } "\n"
            ul {
                @for reason in &d.reasons { li { (HtmlCode(reason)) } }
            }
            "\n"
            p class="small" { "The rule: " (HtmlText(d.rule)) "." } "\n"
        }
        "\n"
    }
}

/// The proposal's facts, one row each, and the declaration it was checked against.
fn facts(r: &Review) -> Markup {
    html! {
        table {
            "\n"
            @for (k, v) in rows::facts(r) {
                tr { th scope="row" { (k) } td { (parts(&v)) } } "\n"
            }
        }
        "\n"
    }
}

/// What the review derives from the pack's parameters: approval, risk and importance (with
/// each band's reason), and whether the strategic commitments must be answered.
fn derived(r: &Review) -> Markup {
    html! {
        ul {
            "\n"
            li { strong { "Approval:" } " " (rows::approval_words(r)) ": " (HtmlCode(&r.approval.reason)) "." } "\n"
            li { strong { "Risk and importance:" } " " (r.rating.describe()) "." } "\n"
            li { strong { "Strategic commitments:" } " " (rows::answers_words(r)) ": " (HtmlCode(&r.answers.reason)) "." } "\n"
        }
        "\n"
        table {
            "\n"
            thead { tr { th scope="col" { "Band" } th scope="col" { "Level" } th scope="col" { "Why" } } } "\n"
            tbody {
                @for b in &r.rating.bands {
                    tr {
                        td { (HtmlText(b.name)) }
                        td { (b.level.map_or("unknown", |l| l.as_str())) }
                        td { (HtmlCode(&b.reason)) }
                    }
                    "\n"
                }
            }
        }
        "\n"
    }
}

/// Every criterion: status, the question and its rule, the answer and the evidence.
fn criteria(r: &Review) -> Markup {
    html! {
        p { (HtmlText(&rows::criteria_tally(r))) "." } "\n"
        table class="criteria" {
            "\n"
            thead { tr { th.n scope="col" { "#" } th.criterion scope="col" { "Criterion" } th.status scope="col" { "Status" } th scope="col" { "Answer and evidence" } } } "\n"
            tbody {
                @for (i, c) in r.criteria.iter().enumerate() {
                    tr {
                        td class="n" { (i + 1) }
                        td {
                            (HtmlCode(&c.criterion)) br;
                            span class="small" {
                                code { (HtmlBreakable(&c.rule)) }
                                @if let Some(n) = c.commitment { " (commitment " (n) ")" }
                            }
                        }
                        td { span class={ "status " (status_class(c.status)) } { (c.status.title()) @if c.waived { ", waived" } } }
                        td {
                            (HtmlCode(&c.answer))
                            @if !c.evidence.is_empty() {
                                ul class="evidence" {
                                    @for e in &c.evidence { li { (parts(&rows::evidence_parts(e))) } }
                                }
                            }
                        }
                    }
                    "\n"
                }
            }
        }
        "\n"
    }
}

fn status_class(s: super::CriterionStatus) -> &'static str {
    use super::CriterionStatus as S;
    match s {
        S::Met => "met",
        S::NotMet => "not_met",
        S::NotApplicable => "not_applicable",
        S::NotAnswered => "not_answered",
        S::NotAssessed => "not_assessed",
    }
}

/// The conditions, with their owners, due dates and sources.
fn conditions(r: &Review) -> Markup {
    if r.conditions.is_empty() {
        return html! {};
    }
    html! {
        h2 { (rows::conditions_heading(r)) " (" (r.conditions.len()) ")" } "\n"
        table class="conditions" {
            "\n"
            thead { tr { th.n scope="col" { "#" } th.condition scope="col" { "Condition" } th.owner scope="col" { "Owner" } th.due scope="col" { "Due" } } } "\n"
            tbody {
                @for c in &r.conditions {
                    tr {
                        td class="n" { (c.id) }
                        td {
                            (HtmlCode(&c.text))
                            @if let Some(found) = rows::found(c) { br; span class="small" { "Found: " (HtmlCode(found)) } }
                            br; span class="small" { "From: " (parts(&rows::source_parts(c))) }
                        }
                        td { (HtmlText(&rows::owner_words(c))) }
                        td { (HtmlText(&rows::due_words(c))) }
                    }
                    "\n"
                }
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
                    pre tabindex="0" { code { (format!("{:>5}", place.line)) " | " (HtmlText(text)) } } "\n"
                }
            }
            @if let Some(w) = &f.waiver {
                p {
                    strong { "Waived" } " until " (HtmlText(&w.expires)) " by " (HtmlText(&w.approved_by))
                    ": " (HtmlCode(&w.reason))
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

/// What produced the review, and the parameters it was judged against.
fn provenance(r: &Review) -> Markup {
    html! {
        h2 { "Provenance" } "\n"
        table {
            "\n"
            @for (label, value) in rows::provenance_rows(r) {
                tr { th scope="row" { (HtmlText(&label)) } td { (parts(&value)) } } "\n"
            }
        }
        "\n"
        @if !r.provenance.parameters.is_empty() {
            table {
                "\n"
                thead { tr { th scope="col" { "Parameter" } th scope="col" { "Value" } } } "\n"
                tbody {
                    @for p in &r.provenance.parameters {
                        tr { td { code { (HtmlBreakable(&p.name)) } } td { (HtmlText(&rows::parameter_words(p))) } } "\n"
                    }
                }
            }
            "\n"
        }
    }
}

/// The panel's record of its decision, beside the tool's, with the conditions as it left them.
fn record(r: &Review) -> Markup {
    let Some(s) = &r.record else {
        return html! {};
    };
    html! {
        h2 { "Decision recorded by the panel" } "\n"
        table {
            "\n"
            @for (label, value) in rows::record_rows(r, s) {
                tr { th scope="row" { (label) } td { (parts(&value)) } } "\n"
            }
        }
        "\n"
        @if !s.conditions.is_empty() {
            table class="conditions recorded" {
                "\n"
                thead { tr { th.n scope="col" { "#" } th.condition scope="col" { "Condition as recorded" } th.owner scope="col" { "Owner" } th.due scope="col" { "Due" } th scope="col" { "The panel" } } } "\n"
                tbody {
                    @for c in &s.conditions {
                        tr class={ "fate-" (format!("{:?}", c.fate).to_lowercase()) } {
                            td class="n" { (HtmlText(&c.id)) }
                            td { (HtmlCode(&c.text)) }
                            td { (HtmlText(&c.owner)) }
                            td { (HtmlText(&rows::recorded_due(c))) }
                            td { (HtmlCode(&rows::fate_words(c))) }
                        }
                        "\n"
                    }
                }
            }
            "\n"
        }
    }
}

/// What changed since the previous review: conditions met, still open and new; findings fixed
/// and new.
fn previous(r: &Review) -> Markup {
    let Some(p) = &r.previous else {
        return html! {};
    };
    html! {
        h2 { "Since the previous review" } "\n"
        p { (HtmlText(&rows::previous_words(p))) } "\n"
        @if !p.conditions.is_empty() {
            table {
                "\n"
                thead { tr { th scope="col" { "Condition" } th scope="col" { "Now" } th scope="col" { "Then → now" } } } "\n"
                tbody {
                    @for c in &p.conditions {
                        tr { td { (HtmlCode(&c.text)) } td { (c.change.title()) } td { (HtmlText(&rows::delta_ids(c))) } } "\n"
                    }
                }
            }
            "\n"
        }
        @if !p.findings_fixed.is_empty() || !p.findings_new.is_empty() {
            ul {
                @for f in &p.findings_fixed { li { "Fixed: " code { (HtmlText(&f.rule)) } " at " code { (HtmlText(&f.path)) } ": " (HtmlCode(&f.message)) } }
                @for f in &p.findings_new { li { "New: " code { (HtmlText(&f.rule)) } " at " code { (HtmlText(&f.path)) } ": " (HtmlCode(&f.message)) } }
            }
            "\n"
        }
    }
}
