//! The concise report (`--format concise`): one line per finding, `file:line:col:
//! severity[rule] message`, as ruff and compilers print them, for a terminal, an editor's
//! quickfix list or `grep`. Problems with the tool's own inputs come first, in the same shape
//! (with the file when one is known), then the findings in report order, then one line of counts.
//! Every value is escaped for a terminal line ([`crate::render::escape::terminal_line`]): a
//! message or a file name can never start a new line or carry a control character.

use std::io::Write;

use crate::diag::ToolDiagnostic;
use crate::finding::Finding;
use crate::render::escape::terminal_line;
use crate::run::Run;

/// The line of one finding. A waived finding says so, with the waiver's expiry.
fn finding_line(f: &Finding) -> String {
    let waived = match &f.waiver {
        Some(w) => format!(" (waived until {})", terminal_line(&w.expires)),
        None if f.waived => " (waived)".to_string(),
        None => String::new(),
    };
    format!(
        "{}:{}:{}: {}[{}] {}{waived}\n",
        terminal_line(&f.file),
        f.location.line.max(1),
        f.location.column.max(1),
        f.severity.as_str(),
        terminal_line(&f.rule),
        terminal_line(&f.message),
    )
}

/// The line of a problem with the tool's own inputs: at its file when it has one, else at
/// `roadmap-lint` itself.
fn diagnostic_line(d: &ToolDiagnostic) -> String {
    let place = match (&d.file, d.line, d.column) {
        (Some(file), Some(line), Some(col)) => format!("{}:{line}:{col}", terminal_line(file)),
        (Some(file), Some(line), None) => format!("{}:{line}:1", terminal_line(file)),
        (Some(file), None, _) => terminal_line(file).into_owned(),
        (None, _, _) => "roadmap-lint".to_string(),
    };
    format!(
        "{place}: {}[{}] {}\n",
        d.severity.as_str(),
        d.code.id(),
        terminal_line(&d.message)
    )
}

/// Write the report as it is made.
pub fn write(run: &Run, out: &mut dyn Write) -> std::io::Result<()> {
    for d in &run.diagnostics {
        out.write_all(diagnostic_line(d).as_bytes())?;
    }
    run.each_finding(|f| out.write_all(finding_line(&f).as_bytes()))?;
    writeln!(out, "{}", super::Summary::of(run))
}

/// The whole report as a string.
pub fn render(run: &Run) -> String {
    let mut out = Vec::new();
    let _ = write(run, &mut out);
    String::from_utf8_lossy(&out).into_owned()
}
