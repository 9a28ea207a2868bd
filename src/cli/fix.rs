//! `check --fix` and `check --fix --diff`: the safe fixes of the schema findings
//! ([`crate::fix`]) applied to the files checked, each written atomically, or shown as a unified
//! diff without writing anything. A file that changed since it was read is left alone.

use std::path::PathBuf;

use super::output;
use crate::diag::{Code, ToolDiagnostic};
use crate::load::Input;
use crate::run::{self, Options, Prepared};

/// What the fixes did.
pub struct Fixed {
    /// Files with fixes (written, or shown as a diff), and how many fixes each.
    pub files: Vec<(String, usize)>,
    pub diagnostics: Vec<ToolDiagnostic>,
    /// The unified diff of every file (only with `--diff`).
    pub diff: String,
}

/// Check the files once, and apply (or, with `diff`, show) the safe fixes of their findings.
pub fn fix(inputs: &[Input], prepared: &Prepared, options: &Options, diff: bool) -> Fixed {
    let mut options = options.clone();
    options.let_go_of_text = false;
    options.spill_findings = false;
    let result = run::run(inputs, prepared, &options);
    let mut fixed = Fixed {
        files: Vec::new(),
        diagnostics: Vec::new(),
        diff: String::new(),
    };
    for input in inputs {
        let Input::File(path) = input else { continue };
        let name = crate::load::shown(path);
        let Some(source) = result.sources.iter().find(|s| s.name == name) else {
            continue;
        };
        let findings: Vec<&crate::finding::Finding> =
            result.findings.iter().filter(|f| f.file == name).collect();
        let kind_of = |doc: usize| {
            result
                .documents
                .iter()
                .find(|d| d.file == name && d.document == doc)
                .and_then(|d| d.kind.clone())
        };
        let fixes = crate::fix::safe_fixes(&findings, &source.text, &options.limits, &kind_of);
        if fixes.is_empty() {
            continue;
        }
        let new = crate::fix::apply(&source.text, &fixes);
        if diff {
            let text = similar::TextDiff::from_lines(&*source.text, new.as_str())
                .unified_diff()
                .header(&format!("a/{name}"), &format!("b/{name}"))
                .to_string();
            fixed.diff.push_str(&text);
        } else if let Err(d) = write(path, &name, &source.text, &new) {
            fixed.diagnostics.push(d);
            continue;
        }
        fixed.files.push((name, fixes.len()));
    }
    fixed
}

/// Replace the file with its fixed text, unless it changed since it was read.
fn write(path: &PathBuf, name: &str, was: &str, new: &str) -> Result<(), ToolDiagnostic> {
    let now = std::fs::read_to_string(path).unwrap_or_default();
    if now != was {
        return Err(ToolDiagnostic::new(
            Code::InputChanged,
            format!("{name} changed while it was being fixed: it was left as it is"),
        )
        .file(name)
        .help("run `check --fix` again"));
    }
    crate::write::atomic(path, new.as_bytes()).map_err(|e| {
        ToolDiagnostic::new(
            Code::OutputUnwritable,
            format!("cannot write the fixes to {name}: {e}"),
        )
        .file(name)
        .help("check that the file can be written; it was left as it was")
    })
}

/// The line that says what `--fix` did, on standard error.
pub fn say(fixed: &Fixed, diff: bool) {
    let count: usize = fixed.files.iter().map(|(_, n)| n).sum();
    let fixes = if count == 1 { "fix" } else { "fixes" };
    let files = if fixed.files.len() == 1 {
        "file"
    } else {
        "files"
    };
    let line = match (count, diff) {
        (0, _) => "no safe fix to apply".to_string(),
        (_, true) => format!(
            "{count} {fixes} in {} {files} would be applied (--diff: nothing written)",
            fixed.files.len()
        ),
        (_, false) => format!("applied {count} {fixes} in {} {files}", fixed.files.len()),
    };
    output::eprint_line(&line);
}
