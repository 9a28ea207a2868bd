//! Markdown (`--format markdown`), for a pull-request comment. Everything that comes from a
//! declaration (messages, paths, file names, waiver notes) is escaped, so a declaration cannot
//! inject markup, links, HTML or @-mentions into the comment.

use super::Summary;
use crate::finding::{Finding, Severity};
use crate::render::escape::{markdown as escape, markdown_code as inline};
use crate::run::Run;

fn icon(f: &Finding) -> &'static str {
    match (f.waived, f.severity) {
        (true, _) => "waived",
        (_, Severity::Error) => "❌ error",
        (_, Severity::Warning) => "⚠️ warning",
        (_, Severity::Info) => "ℹ️ info",
    }
}

fn rule_cell(f: &Finding) -> String {
    match f.commitment {
        Some(c) => format!("{} (C{c})", escape(&f.rule)),
        None => escape(&f.rule),
    }
}

fn where_cell(f: &Finding) -> String {
    let mut s = format!(
        "{}:{}:{}",
        escape(&f.file),
        f.location.line,
        f.location.column
    );
    if !f.path.is_empty() {
        s.push_str(&format!("<br>{}", escape(&f.path)));
    }
    s
}

fn table(out: &mut String, findings: &[&Finding]) {
    out.push_str("| | Rule | Where | Finding |\n| --- | --- | --- | --- |\n");
    for f in findings {
        let mut text = inline(&f.message);
        match (&f.waiver, &f.help) {
            (Some(w), _) => text.push_str(&format!(
                "<br>Waived until {} by {}: {}",
                escape(&w.expires),
                escape(&w.approved_by),
                escape(&w.reason)
            )),
            (None, Some(h)) => text.push_str(&format!("<br>Help: {}", inline(h))),
            (None, None) => {}
        }
        out.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            icon(f),
            rule_cell(f),
            where_cell(f),
            text
        ));
    }
}

pub fn render(run: &Run) -> String {
    let summary = Summary::of(run);
    let mut out = format!(
        "## roadmap-lint\n\n**{}**\n\n",
        escape(&summary.to_string())
    );
    if !run.diagnostics.is_empty() {
        out.push_str("### Problems running the checks\n\n");
        for d in &run.diagnostics {
            let mut line = format!("- **{}** {}", escape(d.code.id()), escape(&d.message));
            if let Some(file) = &d.file {
                line.push_str(&format!(
                    " ({}{})",
                    escape(file),
                    d.line.map_or(String::new(), |l| format!(":{l}"))
                ));
            }
            if let Some(h) = &d.help {
                line.push_str(&format!(": {}", escape(h)));
            }
            out.push_str(&line);
            out.push('\n');
        }
        out.push('\n');
    }
    let open: Vec<&Finding> = run.findings.iter().filter(|f| !f.waived).collect();
    let waived: Vec<&Finding> = run.findings.iter().filter(|f| f.waived).collect();
    if open.is_empty() && run.diagnostics.is_empty() {
        out.push_str("No findings.\n");
    }
    if !open.is_empty() {
        out.push_str("### Findings\n\n");
        table(&mut out, &open);
        out.push('\n');
    }
    if !waived.is_empty() {
        out.push_str(&format!(
            "<details><summary>Waived findings ({})</summary>\n\n",
            waived.len()
        ));
        table(&mut out, &waived);
        out.push_str("\n</details>\n");
    }
    out
}
