//! Where a finding points, with the lines of the files, for the text reports.

use crate::finding::Finding;
use crate::run::Run;

/// The text of line `line` (1-based) of a file of the run, for the reports' snippets.
pub fn line_text(run: &Run, file: &str, line: usize) -> Option<String> {
    let source = run.source(file)?;
    crate::source::lines(&source.text)
        .nth(line.checked_sub(1)?)
        .map(|l| l.trim_end().to_string())
}

/// The lines of a finding for the text reports: where, what and its related places.
pub struct Place {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub path: String,
    pub label: String,
    pub text: Option<String>,
}

/// The primary place of a finding and its related places, in order.
pub fn places(run: &Run, f: &Finding) -> Vec<Place> {
    let mut out = vec![Place {
        file: f.file.clone(),
        line: f.location.line,
        column: f.location.column,
        path: f.path.clone(),
        label: f.label.clone().unwrap_or_else(|| "here".into()),
        text: line_text(run, &f.file, f.location.line),
    }];
    for r in &f.related {
        out.push(Place {
            file: r.file.clone(),
            line: r.location.line,
            column: r.location.column,
            path: r.path.clone(),
            label: r.message.clone(),
            text: line_text(run, &r.file, r.location.line),
        });
    }
    out
}
