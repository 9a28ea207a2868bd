//! Markdown (`--format markdown`), for a pull-request comment. Everything that comes from a
//! declaration (messages, paths, file names, waiver notes) is escaped, so a declaration cannot
//! inject markup, links, HTML or @-mentions into the comment.

use super::Summary;
use crate::finding::{Finding, Severity};
use crate::run::Run;

/// Escape text for inline Markdown (a table cell, a list item). Only what has a meaning inline is
/// touched: emphasis, code, links and images, HTML, table pipes, `$` maths, `#123` issue links
/// and `@` mentions; `:` and `www.` are broken up so no autolink forms. Line breaks become spaces
/// (a table row is one line).
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '@' => out.push_str("&#64;"),
            '\r' => {}
            '\n' | '\t' => out.push(' '),
            '.' if out.len() >= 3
                && out.as_bytes()[out.len() - 3..].eq_ignore_ascii_case(b"www") =>
            {
                out.push_str("&#46;")
            }
            '\\' | '`' | '*' | '_' | '[' | ']' | '!' | '|' | '~' | '$' | '#' | ':' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Escape a message whose `code spans` should stay code spans. Text outside them is escaped as
/// by [`escape`]; inside, Markdown does not apply, so only table pipes and line breaks need
/// care. An unpaired backtick is escaped; an empty pair is dropped, so the output's only
/// backticks are the single delimiters of non-empty spans and pairing cannot shift.
pub fn inline(s: &str) -> String {
    let parts: Vec<&str> = s.split('`').collect();
    let spans = (parts.len() - 1) / 2;
    let mut out = String::with_capacity(s.len());
    for (i, part) in parts.iter().enumerate() {
        if i % 2 == 0 {
            out.push_str(&escape(part));
        } else if i <= spans * 2 && part.contains('\\') {
            // A backslash next to a pipe could unescape it and split the table cell: show this
            // span as escaped text instead.
            out.push_str("\\`");
            out.push_str(&escape(part));
            out.push_str("\\`");
        } else if i <= spans * 2 {
            if !part.is_empty() {
                out.push('`');
                out.push_str(&part.replace('|', "\\|").replace(['\n', '\r'], " "));
                out.push('`');
            }
        } else {
            out.push_str("\\`");
            out.push_str(&escape(part));
        }
    }
    out
}

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
            let mut line = format!("- **{}** {}", escape(&d.code), escape(&d.message));
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

#[cfg(test)]
mod tests {
    use super::{escape, inline};

    #[test]
    fn keeps_code_spans_and_escapes_around_them() {
        assert_eq!(
            inline("system `a|<b>` is *x*"),
            "system `a\\|<b>` is \\*x\\*"
        );
        assert_eq!(inline("odd ` <i>"), "odd \\` &lt;i&gt;");
        assert_eq!(inline("empty `` @x"), "empty  &#64;x");
        assert_eq!(inline("`a\\|b`"), "\\`a\\\\\\|b\\`");
    }

    #[test]
    fn neutralises_markup_from_declarations() {
        assert_eq!(
            escape("a|b <img> [x](y) @team\n* https://www.x.org #1"),
            "a\\|b &lt;img&gt; \\[x\\](y) &#64;team \\* https\\://www&#46;x.org \\#1"
        );
    }
}
