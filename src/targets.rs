//! Department-level targets: a file, named by `targets:` in the config, that sets a pack
//! parameter for one organisation, with who agreed it, when, why and until when. The roadmap
//! translates each commitment into such targets; a finding judged against one says so. Read
//! like a declaration (spanned YAML, then `schemas/targets.schema.json`), so every mistake is a
//! diagnostic at its line.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use jsonschema::{Draft, Validator};
use serde_json::Value as Json;

use crate::date::Date;
use crate::diag::{Code, ToolDiagnostic};
use crate::load::{Limits, yaml};
use crate::node::{DocPath, Node};
use crate::source::{SourceFile, Span};

pub const SCHEMA: &str = include_str!("../schemas/targets.schema.json");

/// Largest targets file read.
pub const MAX_BYTES: u64 = 4 << 20;

/// One agreed target.
#[derive(Debug, Clone)]
pub struct Target {
    pub organisation: String,
    pub param: String,
    /// The value as written (text, number or boolean), typed against the parameter later.
    pub value: yaml_serde::Value,
    pub agreed_by: String,
    pub agreed_on: Date,
    pub reason: String,
    pub until: Option<Date>,
    /// The entry, and its value, in the file.
    pub span: Span,
    pub value_span: Span,
}

impl Target {
    /// Whether it applies on `day`: agreed by then, and not yet ended. A declaration from
    /// before the agreement is judged as it was then, against the pack's own value.
    pub fn applies_on(&self, day: Date) -> bool {
        self.agreed_on <= day && !self.ended_by(day)
    }

    /// Whether it had ended by `day`.
    pub fn ended_by(&self, day: Date) -> bool {
        self.until.is_some_and(|u| day > u)
    }

    /// How a finding names it: "DWP's agreed target time_to_hire_days = 45 (agreed by CDDO on
    /// 2025-01-15, until 2026-03-31: reason)".
    pub fn provenance(&self) -> String {
        let value = shown_value(&self.value);
        let until = self
            .until
            .map_or_else(String::new, |u| format!(", until {u}"));
        format!(
            "{}'s agreed target `{}` = {value} (agreed by {} on {}{until}: {})",
            self.organisation, self.param, self.agreed_by, self.agreed_on, self.reason
        )
    }
}

/// A target's value as written in YAML (`45`, `2026-03-31`).
pub fn shown_value(value: &yaml_serde::Value) -> String {
    yaml_serde::to_string(value)
        .map(|s| s.trim().to_string())
        .unwrap_or_default()
}

/// A loaded targets file.
#[derive(Debug, Clone)]
pub struct Targets {
    pub source: Arc<SourceFile>,
    pub list: Vec<Target>,
}

impl Targets {
    /// A diagnostic at a target's entry.
    pub fn at(&self, span: Span, code: Code, message: String, help: &str) -> ToolDiagnostic {
        ToolDiagnostic::new(code, message)
            .at(&self.source, span)
            .label("this target")
            .help(help.to_string())
    }
}

fn validator() -> &'static (Json, Validator) {
    static CELL: OnceLock<(Json, Validator)> = OnceLock::new();
    CELL.get_or_init(|| {
        #[allow(clippy::unwrap_used)] // embedded, and checked by the tests: cannot fail
        let json: Json = serde_json::from_str(SCHEMA).unwrap();
        #[allow(clippy::unwrap_used)]
        let validator = jsonschema::options()
            .with_draft(Draft::Draft202012)
            .should_validate_formats(true)
            .build(&json)
            .unwrap();
        (json, validator)
    })
}

/// The `kind` of a targets file.
pub const KIND: &str = "targets";

/// What the targets schema finds wrong with a parsed document.
pub fn problems(root: &Node) -> Vec<crate::schema::SchemaProblem> {
    let (schema, validator) = validator();
    crate::schema::problems(validator, schema, root)
}

/// Read and check the targets file a config names: it must lie inside the config's folder
/// (after every link is resolved), so that a config in a parent folder cannot make a run read
/// files from elsewhere on the machine and show them in its diagnostics.
pub fn load_within(path: &Path, folder: &Path) -> Result<Targets, Vec<ToolDiagnostic>> {
    use crate::load::read::{Confined, Refusal};
    let folder = if folder.as_os_str().is_empty() {
        Path::new(".")
    } else {
        folder
    };
    if let Ok(confined) = Confined::new(folder)
        && let Err(Refusal::Outside { target }) = confined.resolve(path)
    {
        let shown = crate::load::shown(path);
        return Err(vec![
            ToolDiagnostic::new(
                Code::TargetsInvalid,
                format!(
                    "the targets file {shown} resolves to {}, outside the folder of the config that names it",
                    crate::load::shown(&target)
                ),
            )
            .file(shown)
            .help("keep the targets file in the config's folder or below it; a config cannot make roadmap-lint read files elsewhere"),
        ]);
    }
    load(path)
}

/// Read and check a targets file. Any problem is a diagnostic pointing into it.
pub fn load(path: &Path) -> Result<Targets, Vec<ToolDiagnostic>> {
    let shown = crate::load::shown(path);
    let text = crate::load::read::read_text(path, MAX_BYTES).map_err(|e| {
        vec![
            ToolDiagnostic::new(Code::TargetsInvalid, e.message(path))
                .file(shown.clone())
                .help("`targets:` in the config names a YAML file of department-level targets"),
        ]
    })?;
    parse(Arc::new(SourceFile::new(shown, text)))
}

/// Parse and check the text of a targets file.
pub fn parse(source: Arc<SourceFile>) -> Result<Targets, Vec<ToolDiagnostic>> {
    let refuse = |diags: Vec<ToolDiagnostic>| Err(capped(diags, &source));
    let mut docs = yaml::parse(&source.text, &Limits::default());
    let mut diags: Vec<ToolDiagnostic> = docs
        .iter()
        .flat_map(|d| &d.problems)
        .map(|p| p.diagnostic(&source))
        .collect();
    if let Some(second) = docs.get(1) {
        let span = second.root.as_ref().map_or(Span::point(0), |n| n.span);
        diags.push(
            ToolDiagnostic::new(
                Code::TargetsInvalid,
                "the targets file holds a second YAML document: only one is read, so its targets would be ignored",
            )
            .at(&source, span)
            .label("second document")
            .help("put every target in the one `targets:` list of the first document, and remove the `---` line"),
        );
    }
    if !diags.is_empty() {
        return refuse(diags);
    }
    let Some(root) = docs.drain(..).next().and_then(|d| d.root) else {
        return Ok(Targets {
            source,
            list: Vec::new(),
        });
    };
    diags.extend(
        problems(&root)
            .iter()
            .map(|sp| sp.problem.diagnostic(&source)),
    );
    if !diags.is_empty() {
        return refuse(diags);
    }
    let mut list = Vec::new();
    if let Some(crate::node::Value::Seq(items)) = root.get("targets").map(|n| &n.value) {
        for item in items {
            match target(item, &source) {
                Ok(t) => list.push(t),
                Err(d) => diags.push(d),
            }
        }
    }
    diags.extend(inconsistent(&list, &source));
    if !diags.is_empty() {
        return refuse(diags);
    }
    Ok(Targets { source, list })
}

/// Most diagnostics reported about a targets file at one stage: as many as for a document's
/// YAML or schema problems.
pub const MAX_DIAGNOSTICS: usize = crate::load::yaml::MAX_PROBLEMS;

/// The first [`MAX_DIAGNOSTICS`] of `diags`, and a note of how many more there were.
pub fn capped(mut diags: Vec<ToolDiagnostic>, source: &SourceFile) -> Vec<ToolDiagnostic> {
    if diags.len() <= MAX_DIAGNOSTICS {
        return diags;
    }
    let left = diags.len() - MAX_DIAGNOSTICS;
    diags.truncate(MAX_DIAGNOSTICS);
    diags.push(
        ToolDiagnostic::new(
            Code::TargetsTooManyProblems,
            format!("{left} more problems in the targets file are not shown"),
        )
        .file(source.name.clone())
        .severity(crate::finding::Severity::Info)
        .help(format!(
            "only the first {MAX_DIAGNOSTICS} are reported; fix them and check again"
        )),
    );
    diags
}

/// Targets that cannot all hold: one that ends before it was agreed, and two for the same
/// organisation and parameter in force on the same day (which one applied would depend on
/// their order, and a finding would quote both). The targets of each organisation and parameter
/// are swept in the order they start, so a file of thousands is checked in time linear in its
/// size (after a sort), not in the square of it.
fn inconsistent(list: &[Target], source: &Arc<SourceFile>) -> Vec<ToolDiagnostic> {
    let at = |t: &Target, message: String, help: &str| {
        ToolDiagnostic::new(Code::TargetsInvalid, message)
            .at(source, t.span)
            .label("this target")
            .help(help.to_string())
    };
    // Each diagnostic with the index of its target, so that they come out in the file's order.
    let mut out: Vec<(usize, ToolDiagnostic)> = Vec::new();
    let mut groups: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
    for (i, t) in list.iter().enumerate() {
        if let Some(until) = t.until.filter(|u| *u < t.agreed_on) {
            out.push((
                i,
                at(
                    t,
                    format!(
                        "{}'s target for `{}` ends on {until}, before it was agreed on {}",
                        t.organisation, t.param, t.agreed_on
                    ),
                    "check the dates: `until` is the last day the target applies",
                ),
            ));
            continue;
        }
        groups
            .entry((t.organisation.as_str(), t.param.as_str()))
            .or_default()
            .push(i);
    }
    for mut group in groups.into_values() {
        group.sort_by_key(|&i| (list[i].agreed_on, i));
        // The target, among those started so far, that runs longest (`None` as an end: never).
        let mut longest: Option<usize> = None;
        for i in group {
            let t = &list[i];
            if let Some(e) = longest.filter(|&e| list[e].until.is_none_or(|u| t.agreed_on <= u)) {
                let line = source.locate(list[e].span).line;
                out.push((
                    i,
                    at(
                        t,
                        format!(
                            "a second target for {}'s `{}` in force at the same time as the one at line {line}",
                            t.organisation, t.param
                        ),
                        "keep one target per organisation and parameter for any day: end the earlier one (`until`) before the next is agreed",
                    ),
                ));
            }
            let runs_longer = |e: usize| match (list[e].until, t.until) {
                (None, _) => false,
                (Some(_), None) => true,
                (Some(a), Some(b)) => b > a,
            };
            if longest.is_none_or(runs_longer) {
                longest = Some(i);
            }
        }
    }
    out.sort_by_key(|(i, _)| *i);
    out.into_iter().map(|(_, d)| d).collect()
}

/// One entry, once the schema has passed it; a date the tool cannot use (the schema's dates
/// include the year 0000, and this tool's run from 0001 to 9999) is a diagnostic at it, never
/// a target silently dropped.
fn target(node: &Node, source: &SourceFile) -> Result<Target, ToolDiagnostic> {
    let text = |key: &str| node.get(key).and_then(Node::as_str).map(str::to_string);
    let unusable = |key: &str, span: Span| {
        ToolDiagnostic::new(
            Code::TargetsInvalid,
            format!("the target's `{key}` is not a date roadmap-lint can use (years 0001 to 9999)"),
        )
        .at(source, span)
        .label("this date")
        .help("write the day the target was agreed (or ends) as YYYY-MM-DD")
    };
    let date = |key: &str| -> Result<Option<Date>, ToolDiagnostic> {
        let Some(n) = node
            .get(key)
            .filter(|n| !matches!(n.value, crate::node::Value::Null))
        else {
            return Ok(None);
        };
        n.as_str()
            .and_then(Date::parse)
            .map(Some)
            .ok_or_else(|| unusable(key, n.span))
    };
    let incomplete = || {
        ToolDiagnostic::new(Code::TargetsInvalid, "the target is incomplete")
            .at(source, node.span)
            .label("this target")
            .help("a target gives `organisation`, `param`, `value`, `agreed_by`, `agreed_on` and `reason`")
    };
    let value_node = node.get("value").ok_or_else(incomplete)?;
    let value = match &value_node.value {
        crate::node::Value::Str(s) => yaml_serde::Value::String(s.clone()),
        crate::node::Value::Int(i) => yaml_serde::Value::Number((*i).into()),
        crate::node::Value::Float(f) => yaml_serde::Value::Number((*f).into()),
        crate::node::Value::Bool(b) => yaml_serde::Value::Bool(*b),
        _ => return Err(incomplete()),
    };
    let agreed_on = date("agreed_on")?.ok_or_else(incomplete)?;
    let until = date("until")?;
    let field = |key: &str| text(key).ok_or_else(incomplete);
    Ok(Target {
        organisation: field("organisation")?,
        param: field("param")?,
        value,
        agreed_by: field("agreed_by")?,
        agreed_on,
        reason: field("reason")?,
        until,
        span: node
            .resolve(&DocPath::parse("organisation").unwrap_or_default())
            .span,
        value_span: value_node.span,
    })
}
