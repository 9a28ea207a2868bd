//! A pack's data files (`data:` in `pack.yaml`), as rules see them: `ctx.data.NAME`. The
//! load-time lint reads their contents to check what a rule reads of them (a misspelt
//! `ctx.data.wcag.accept` is an error with the closest key). A data file that is missing is one
//! diagnostic at its line in `pack.yaml`, and the rules that read it are left out of the run,
//! not failed on every document. The file named `organisations` is the organisations register,
//! checked against its schema (`pack::organisations`).

use std::collections::BTreeMap;
use std::sync::Arc;

use rhai::Dynamic;

use super::{Manifest, Rule};
use crate::diag::{Code, ToolDiagnostic};
use crate::finding::Severity;
use crate::source::SourceFile;

/// The data files that were read, and those that were not there.
#[derive(Debug, Default)]
pub struct Data {
    /// By name, as rules see them.
    pub values: rhai::Map,
    /// By name: the file `pack.yaml` gives, and the line it is given on.
    pub missing: BTreeMap<String, (String, usize)>,
}

/// The line of `NAME:` under `data:` in a manifest's text.
fn line_of(text: &str, name: &str) -> usize {
    let start = text
        .lines()
        .position(|l| l.starts_with("data:"))
        .unwrap_or(0);
    text.lines()
        .enumerate()
        .skip(start)
        .find(|(i, l)| {
            let t = l.trim_start();
            t.starts_with(&format!("{name}:")) || (*i == start && t.contains(&format!("{name}:")))
        })
        .map_or(start + 1, |(i, _)| i + 1)
}

/// Read the data files `manifest` names from the pack's `files`. One that is not valid YAML is
/// a diagnostic in it; one that is missing is remembered in [`Data::missing`].
pub fn read(
    files: &[(String, String)],
    display_root: &str,
    manifest: &Manifest,
    diags: &mut Vec<ToolDiagnostic>,
) -> Data {
    let mut out = Data::default();
    for (name, rel) in &manifest.data {
        match files.iter().find(|(p, _)| p == rel) {
            Some((_, text)) => match json_of(text) {
                Ok(json) => {
                    if name == super::organisations::DATA_NAME {
                        let source =
                            SourceFile::new(format!("{display_root}/{rel}"), text.as_str());
                        diags.extend(super::organisations::check(&source));
                    }
                    out.values.insert(
                        name.into(),
                        rhai::serde::to_dynamic(&json).unwrap_or(Dynamic::UNIT),
                    );
                }
                Err(DataError::Problem(problem)) => {
                    let source = SourceFile::new(format!("{display_root}/{rel}"), text.as_str());
                    let mut d = problem.diagnostic(&source);
                    d.code = Code::PackData;
                    diags.push(d);
                }
                Err(DataError::Reader(e)) => diags.push(
                    ToolDiagnostic::new(
                        Code::PackData,
                        format!("data file `{rel}` is not valid YAML: {e}"),
                    )
                    .file(format!("{display_root}/{rel}"))
                    .help("fix the data file's YAML"),
                ),
            },
            None => {
                let text = files
                    .iter()
                    .find(|(p, _)| p == "pack.yaml")
                    .map_or("", |(_, t)| t.as_str());
                out.missing
                    .insert(name.clone(), (rel.clone(), line_of(text, name)));
            }
        }
    }
    out
}

/// Why a data file could not be read.
enum DataError {
    /// Found by the declarations' parser, at a place in the file.
    Problem(crate::load::Problem),
    Reader(String),
}

/// A data file as JSON, read by the declarations' parser first: linear in the file on any
/// nesting, with the declarations' limits (see [`crate::load::yaml::first_error`]).
fn json_of(text: &str) -> Result<serde_json::Value, DataError> {
    if let Some(problem) = crate::load::yaml::first_error(text, &super::pack_yaml_limits()) {
        return Err(DataError::Problem(problem));
    }
    yaml_serde::from_str::<serde_json::Value>(text).map_err(|e| DataError::Reader(e.to_string()))
}

/// Leave out the rules that read a missing data file, and say so once per file, at its line in
/// `pack.yaml`.
pub fn skip_readers_of_missing(
    data: &Data,
    manifest: &SourceFile,
    rules: &mut Vec<Arc<Rule>>,
    diags: &mut Vec<ToolDiagnostic>,
) {
    for (name, (rel, line)) in &data.missing {
        let readers: Vec<String> = rules
            .iter()
            .filter(|r| {
                r.source.text.contains(&format!("data.{name}"))
                    || super::reads::reads(r).data.contains(name)
            })
            .map(|r| r.id.clone())
            .collect();
        rules.retain(|r| !readers.contains(&r.id));
        let skipped = match readers.len() {
            0 => "no rule reads it".to_string(),
            1 => format!("rule `{}`, which reads it, is skipped", readers[0]),
            _ => format!(
                "the rules that read it are skipped: {}",
                readers
                    .iter()
                    .map(|r| format!("`{r}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        diags.push(
            ToolDiagnostic::new(
                Code::PackData,
                format!("data file `{rel}` named in pack.yaml does not exist: {skipped}"),
            )
            .severity(if readers.is_empty() {
                Severity::Warning
            } else {
                Severity::Error
            })
            .help("add the file to the pack, or remove it from `data`")
            .label("named here")
            .at_line(manifest, *line, 1),
        );
    }
}
