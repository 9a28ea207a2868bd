//! Findings and tool diagnostics as LSP diagnostics: the exact range (UTF-16, from the
//! document's text), the severity, the rule or code with its documentation link, the message
//! with its fix, and related places in other files.

use std::collections::BTreeMap;
use std::str::FromStr;

use lsp_types::{
    CodeDescription, Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Location,
    NumberOrString, Position, Range, Uri,
};

use super::position::Lines;
use crate::diag::ToolDiagnostic;
use crate::finding::{Finding, Severity};
use crate::run::Run;

/// The name diagnostics carry as their source.
pub const SOURCE: &str = "roadmap-lint";

fn severity(s: Severity) -> DiagnosticSeverity {
    match s {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
    }
}

/// A documentation link, when it is an absolute web address (a pack without `help_uri` gives a
/// path inside this repository, which an editor could not open).
fn link(href: Option<String>) -> Option<CodeDescription> {
    let href = href.filter(|h| h.starts_with("https://") || h.starts_with("http://"))?;
    Uri::from_str(&href)
        .ok()
        .map(|href| CodeDescription { href })
}

/// One finding of a document whose text is `lines`. `place` finds the URI and text of another
/// file the finding refers to.
pub fn finding(
    f: &Finding,
    lines: &Lines,
    run: &Run,
    place: &dyn Fn(&str) -> Option<(Uri, String)>,
) -> Diagnostic {
    let mut message = f.message.clone();
    if let Some(label) = f.label.as_deref().filter(|l| *l != "here" && !l.is_empty()) {
        message.push_str(&format!(" ({label})"));
    }
    if let Some(help) = f.help.as_deref().filter(|h| !h.is_empty()) {
        message.push_str(&format!("\nhelp: {help}"));
    }
    let severity = match (&f.waiver, f.waived) {
        (Some(w), true) => {
            message.push_str(&format!(
                "\nwaived: {} (approved by {}, expires {})",
                w.reason, w.approved_by, w.expires
            ));
            DiagnosticSeverity::HINT
        }
        (None, true) => DiagnosticSeverity::HINT,
        _ => severity(f.severity),
    };
    let related: Vec<DiagnosticRelatedInformation> = f
        .related
        .iter()
        .filter_map(|r| {
            let (uri, text) = place(&r.file)?;
            let range = Lines::new(&text).range(&r.location);
            Some(DiagnosticRelatedInformation {
                location: Location::new(uri, range),
                message: if r.message.is_empty() {
                    r.path.clone()
                } else {
                    r.message.clone()
                },
            })
        })
        .collect();
    Diagnostic {
        range: lines.range(&f.location),
        severity: Some(severity),
        code: Some(NumberOrString::String(f.rule.clone())),
        code_description: link(run.doc_link(&f.rule)),
        source: Some(SOURCE.to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: None,
    }
}

/// Tool diagnostics grouped by the file they concern, as diagnostics of that file. One whose
/// file is not a file on disk goes to `fallback` (the config file), or, with none, is returned
/// apart, for a message to the user.
pub fn tool(
    diagnostics: &[ToolDiagnostic],
    fallback: Option<&std::path::Path>,
) -> (BTreeMap<Uri, Vec<Diagnostic>>, Vec<String>) {
    let mut by_file: BTreeMap<Uri, Vec<Diagnostic>> = BTreeMap::new();
    let mut loose = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for d in diagnostics {
        let key = (d.file.clone(), d.line, d.column, d.code, d.message.clone());
        if !seen.insert(key) {
            continue;
        }
        let path = d
            .file
            .as_deref()
            .map(std::path::Path::new)
            .and_then(|p| std::path::absolute(p).ok())
            .filter(|p| p.is_file());
        let (path, at_line) = match (path, fallback) {
            (Some(p), _) => (p, true),
            (None, Some(f)) => (f.to_path_buf(), false),
            (None, None) => {
                loose.push(text_of(d));
                continue;
            }
        };
        let Some(uri) = super::workspace::file_uri(&path) else {
            loose.push(text_of(d));
            continue;
        };
        let range = match (at_line, d.line) {
            (true, Some(line)) => {
                let text = crate::load::read::read_text(&path, crate::pack::MAX_PACK_FILE)
                    .unwrap_or_default();
                let lines = Lines::new(&text);
                let start = lines.position(line, d.column.unwrap_or(1));
                let end = lines.at_char(
                    start.line as usize,
                    lines.line(start.line as usize).chars().count(),
                );
                Range::new(start, end.max(start))
            }
            _ => Range::new(Position::new(0, 0), Position::new(0, 0)),
        };
        by_file
            .entry(uri)
            .or_default()
            .push(tool_diagnostic(d, range, !at_line));
    }
    (by_file, loose)
}

/// One tool diagnostic at `range`, its file named in the message when `name_file` (it is shown
/// on another file than its own).
pub fn tool_diagnostic(d: &ToolDiagnostic, range: Range, name_file: bool) -> Diagnostic {
    let mut message = d.message.clone();
    if name_file && let Some(file) = &d.file {
        message = format!("{file}: {message}");
    }
    if let Some(help) = d.help.as_deref().filter(|h| !h.is_empty()) {
        message.push_str(&format!("\nhelp: {help}"));
    }
    Diagnostic {
        range,
        severity: Some(severity(d.severity)),
        code: Some(NumberOrString::String(d.code.id().to_string())),
        code_description: link(Some(d.code.url())),
        source: Some(SOURCE.to_string()),
        message,
        ..Diagnostic::default()
    }
}

fn text_of(d: &ToolDiagnostic) -> String {
    match &d.file {
        Some(file) => format!("roadmap-lint: {file}: {} [{}]", d.message, d.code),
        None => format!("roadmap-lint: {} [{}]", d.message, d.code),
    }
}
