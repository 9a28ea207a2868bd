//! GitHub Actions workflow commands (`--format github`): each finding becomes an annotation on
//! the line of the pull request's file. Errors and warnings keep their level; info findings and
//! waived findings are notices. Escaping follows the runner's rules: in the message `%`, `\r`
//! and `\n` are percent-encoded; in properties `:` and `,` are too.

use crate::finding::{Finding, Severity};
use crate::run::Run;

/// Escape a command's message (the data after `::`).
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escape a property value (`file=`, `title=`, ...).
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

fn command(f: &Finding) -> &'static str {
    match (f.waived, f.severity) {
        (true, _) | (_, Severity::Info) => "notice",
        (_, Severity::Warning) => "warning",
        (_, Severity::Error) => "error",
    }
}

fn annotation(f: &Finding) -> String {
    let title = match f.commitment {
        Some(c) => format!("{} (commitment {c})", f.rule),
        None => f.rule.clone(),
    };
    let title = if f.waived {
        format!("{title} [waived]")
    } else {
        title
    };
    let mut message = f.message.clone();
    if !f.path.is_empty() {
        message.push_str(&format!("\nat {}", f.path));
    }
    match (&f.waiver, &f.help) {
        (Some(w), _) => message.push_str(&format!(
            "\nwaived until {} by {}: {}",
            w.expires, w.approved_by, w.reason
        )),
        (None, Some(h)) => message.push_str(&format!("\nhelp: {h}")),
        (None, None) => {}
    }
    let loc = &f.location;
    let line = loc.line.max(1);
    let end_line = loc.end_line.max(line);
    let mut props = vec![
        format!("file={}", escape_property(&f.file)),
        format!("line={line}"),
        format!("endLine={end_line}"),
    ];
    // GitHub accepts columns only for annotations on a single line.
    if end_line == line {
        let col = loc.column.max(1);
        props.insert(2, format!("col={col}"));
        props.push(format!("endColumn={}", loc.end_column.max(col)));
    }
    props.push(format!("title={}", escape_property(&title)));
    format!(
        "::{} {}::{}\n",
        command(f),
        props.join(","),
        escape_data(&message)
    )
}

pub fn render(run: &Run) -> String {
    let mut out = String::new();
    for d in &run.diagnostics {
        let level = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let mut props = Vec::new();
        if let Some(file) = &d.file {
            props.push(format!("file={}", escape_property(file)));
            if let Some(line) = d.line {
                props.push(format!("line={line}"));
            }
            if let Some(col) = d.column {
                props.push(format!("col={col}"));
            }
        }
        props.push(format!("title={}", escape_property(&d.code)));
        let mut message = d.message.clone();
        if let Some(h) = &d.help {
            message.push_str(&format!("\nhelp: {h}"));
        }
        out.push_str(&format!(
            "::{level} {}::{}\n",
            props.join(","),
            escape_data(&message)
        ));
    }
    for f in &run.findings {
        out.push_str(&annotation(f));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_by_the_runner_rules() {
        assert_eq!(escape_data("50%\r\nnext: a, b"), "50%25%0D%0Anext: a, b");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }
}
