//! GitHub Actions workflow commands (`--format github`): each finding becomes an annotation on
//! the line of the pull request's file. Errors and warnings keep their level; info findings and
//! waived findings are notices. Values are escaped by [`crate::render::escape`]'s
//! workflow-command policies.

use crate::finding::{Finding, Severity};
use crate::render::escape::{workflow_data as escape_data, workflow_property as escape_property};
use crate::run::Run;

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
    let mut out = Vec::new();
    // Writing into memory cannot fail.
    let _ = write(run, &mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// Write the annotations as they are made, the findings read as the run keeps them.
pub fn write(run: &Run, out: &mut dyn std::io::Write) -> std::io::Result<()> {
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
        props.push(format!("title={}", escape_property(d.code.id())));
        let mut message = d.message.clone();
        if let Some(h) = &d.help {
            message.push_str(&format!("\nhelp: {h}"));
        }
        writeln!(
            out,
            "::{level} {}::{}",
            props.join(","),
            escape_data(&message)
        )?;
    }
    run.each_finding(|f| out.write_all(annotation(&f).as_bytes()))
}
