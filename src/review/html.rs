//! The review as one printable, self-contained HTML page: inline CSS with a print stylesheet, no
//! scripts and no external resources. Everything that comes from the documents is escaped.

use super::{Outcome, Review, gbp, places, thousands};

/// Text from a document or a pack, escaped for HTML.
pub fn escape(text: &str) -> String {
    crate::render::escape::html(text).into_owned()
}

const STYLE: &str = "
body { font-family: Arial, Helvetica, sans-serif; color: #0b0c0c; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.4; }
h1 { font-size: 1.8rem; margin-bottom: 0.5rem; }
h2 { font-size: 1.3rem; border-bottom: 2px solid #b1b4b6; padding-bottom: 0.2rem; margin-top: 2rem; }
h3 { font-size: 1.05rem; margin-bottom: 0.3rem; }
table { border-collapse: collapse; width: 100%; margin: 0.5rem 0 1rem; }
th, td, code, li, p, h3 { overflow-wrap: anywhere; }
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

fn or_unstated(v: &Option<String>) -> String {
    escape(v.as_deref().unwrap_or("not stated"))
}

pub fn render(outcome: &Outcome) -> String {
    let title = outcome
        .reviews
        .first()
        .and_then(|r| r.proposal.id.clone())
        .unwrap_or_else(|| "proposal".into());
    let mut out = String::new();
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    out.push_str(&format!(
        "<title>Spend-control review: {}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n",
        escape(&title)
    ));
    if !outcome.run.diagnostics.is_empty() {
        out.push_str("<h2>Problems running the review</h2>\n<ul>\n");
        for d in &outcome.run.diagnostics {
            out.push_str(&format!(
                "<li><strong>{}</strong> <code>{}</code>{}: {}</li>\n",
                escape(d.severity.as_str()),
                escape(d.code.id()),
                d.file
                    .as_deref()
                    .map(|f| format!(" in <code>{}</code>", escape(f)))
                    .unwrap_or_default(),
                escape(&d.message)
            ));
        }
        out.push_str("</ul>\n");
    }
    for review in &outcome.reviews {
        render_review(&mut out, outcome, review);
    }
    out.push_str("</main>\n<footer><p>Produced by roadmap-lint. The verdict rule: any error makes a proposal not ready; otherwise warnings, or no declaration to check it against, mean approve with conditions; no findings means ready for approval.</p></footer>\n</body>\n</html>\n");
    out
}

fn render_review(out: &mut String, outcome: &Outcome, r: &Review) {
    let p = &r.proposal;
    out.push_str(&format!(
        "<h1>Spend-control review: {}{}</h1>\n",
        or_unstated(&p.id),
        p.title
            .as_deref()
            .map(|t| format!(" ({})", escape(t)))
            .unwrap_or_default()
    ));
    let verdict_class = match r.verdict {
        super::Verdict::Ready => "ready",
        super::Verdict::ApproveWithConditions => "approve_with_conditions",
        super::Verdict::NotReady => "not_ready",
    };
    out.push_str(&format!(
        "<p class=\"verdict {verdict_class}\">Verdict: {}</p>\n<p>The rule: {}.</p>\n",
        escape(r.verdict.title()),
        escape(r.verdict_rule)
    ));
    out.push_str("<h2>Proposal</h2>\n<table>\n");
    let declaration = match &r.declaration {
        Some(d) => format!(
            "<code>{}</code> (document {}{})",
            escape(&d.file),
            d.document,
            d.as_of
                .as_deref()
                .map(|a| format!(", as of {}", escape(a)))
                .unwrap_or_default()
        ),
        None => "none given for this organisation: cross-checks not run".into(),
    };
    let rows = [
        (
            "Proposal",
            format!("<code>{}</code> (document {})", escape(&r.file), r.document),
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
            escape(&p.whole_life_gbp.map_or("not stated".into(), gbp)),
        ),
        (
            "Annual cost",
            escape(&p.annual_gbp.map_or("not stated".into(), gbp)),
        ),
        (
            "Transactions a year",
            p.transactions_per_year
                .map_or("not stated".into(), thousands),
        ),
        ("Vulnerable users", yes_no(p.vulnerable_users).into()),
        ("Assurance rating", or_unstated(&p.assurance_rating)),
    ];
    for (k, v) in rows {
        out.push_str(&format!(
            "<tr><th scope=\"row\">{k}</th><td>{v}</td></tr>\n"
        ));
    }
    out.push_str("</table>\n");

    out.push_str("<h2>What the review derives</h2>\n<ul>\n");
    let approval = match r.approval.required {
        Some(true) => "required",
        Some(false) => "not required",
        None => "cannot be decided",
    };
    out.push_str(&format!(
        "<li><strong>Approval:</strong> {approval}: {}.</li>\n",
        escape(&r.approval.reason)
    ));
    out.push_str(&format!(
        "<li><strong>Risk and importance:</strong> {}.</li>\n",
        r.rating.describe()
    ));
    out.push_str(&format!(
        "<li><strong>Strategic commitments:</strong> {}: {}.</li>\n</ul>\n",
        if r.answers.required {
            "must be answered"
        } else {
            "answers optional"
        },
        escape(&r.answers.reason)
    ));
    out.push_str("<table>\n<tr><th>Band</th><th>Level</th><th>Why</th></tr>\n");
    for b in &r.rating.bands {
        out.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>\n",
            escape(b.name),
            b.level.map_or("unknown", |l| l.as_str()),
            escape(&b.reason)
        ));
    }
    out.push_str("</table>\n");

    out.push_str(&format!("<h2>Findings ({})</h2>\n", r.findings.len()));
    if r.findings.is_empty() {
        out.push_str("<p>None.</p>\n");
    }
    for (i, rf) in r.findings.iter().enumerate() {
        let f = &rf.finding;
        out.push_str(&format!(
            "<section class=\"finding {}\">\n<h3>{}. <span class=\"severity\">{}{}</span> {}</h3>\n",
            f.severity.as_str(),
            i + 1,
            if f.waived { "waived " } else { "" },
            f.severity.as_str(),
            crate::render::escape::html_code(&f.message)
        ));
        if let Some(w) = f.waiver.as_ref().filter(|_| f.waived) {
            out.push_str(&format!(
                "<p class=\"waiver\"><strong>Waived:</strong> {}</p>\n",
                crate::render::escape::html_code(&w.text())
            ));
        }
        out.push_str(&format!(
            "<p>Rule <code>{}</code>{}</p>\n",
            escape(&f.rule),
            f.commitment
                .map(|c| format!(" (commitment {c})"))
                .unwrap_or_default()
        ));
        out.push_str(&format!(
            "<blockquote>{}</blockquote>\n",
            escape(&rf.context)
        ));
        for place in places(&outcome.run, f) {
            out.push_str(&format!(
                "<p><code>{}:{}:{}</code>{}: {}</p>\n",
                escape(&place.file),
                place.line,
                place.column,
                if place.path.is_empty() {
                    String::new()
                } else {
                    format!(" (<code>{}</code>)", escape(&place.path))
                },
                escape(&place.label)
            ));
            if let Some(text) = place.text {
                out.push_str(&format!(
                    "<pre tabindex=\"0\">{:>5} | {}</pre>\n",
                    place.line,
                    escape(&text)
                ));
            }
        }
        if let Some(w) = &f.waiver {
            out.push_str(&format!(
                "<p>Waived until {} by {}: {}</p>\n",
                escape(&w.expires),
                escape(&w.approved_by),
                escape(&w.reason)
            ));
        }
        if let Some(help) = &f.help {
            out.push_str(&format!(
                "<p><span class=\"fix\">Fix:</span> {}</p>\n",
                escape(help)
            ));
        }
        out.push_str("</section>\n");
    }

    out.push_str("<h2>Questions for the department</h2>\n");
    if r.questions.is_empty() {
        out.push_str("<p>None.</p>\n");
    } else {
        out.push_str("<ol>\n");
        for q in &r.questions {
            out.push_str(&format!("<li>{}</li>\n", escape(q)));
        }
        out.push_str("</ol>\n");
    }
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escapes_markup_from_documents() {
        assert_eq!(
            escape("<script>alert('x') & \"y\"</script>"),
            "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;"
        );
    }
}
