//! The `review:` section of `pack.yaml`, checked when the pack loads: each due term names an
//! integer parameter of the pack (its days after the decision), roles and terms are unique,
//! and the defaults name a role and a term the section defines. A rule's `owner` and `due`
//! are checked against it ([`rule_terms`]).

use super::{Manifest, ParamType};
use crate::diag::{Code, ToolDiagnostic};
use crate::source::SourceFile;

/// The line (1-based) of the first line of `text` holding `needle`, else 1.
fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .map_or(1, |i| i + 1)
}

/// The problems of the manifest's `review:` section, each at its line.
pub fn check(manifest: &Manifest, source: &SourceFile) -> Vec<ToolDiagnostic> {
    let policy = &manifest.review;
    let mut out = Vec::new();
    let at = |needle: &str, message: String, help: &str| {
        ToolDiagnostic::new(Code::PackManifest, message)
            .help(help.to_string())
            .at_line(source, line_of(&source.text, needle), 1)
    };
    for (i, owner) in policy.owners.iter().enumerate() {
        if policy.owners[..i].iter().any(|o| o.role == owner.role) {
            out.push(at(
                &format!("role: {}", owner.role),
                format!("review owner role `{}` is defined twice", owner.role),
                "keep one entry per role",
            ));
        }
    }
    for (i, due) in policy.due.iter().enumerate() {
        if policy.due[..i].iter().any(|d| d.term == due.term) {
            out.push(at(
                &format!("term: {}", due.term),
                format!("review due term `{}` is defined twice", due.term),
                "keep one entry per term",
            ));
        }
        let integer = manifest
            .parameters
            .get(&due.days)
            .is_some_and(|p| p.kind == ParamType::Integer);
        if !integer {
            out.push(at(
                &format!("term: {}", due.term),
                format!(
                    "review due term `{}` counts its days with `{}`, which is not an integer parameter of the pack",
                    due.term, due.days
                ),
                "add the parameter under `parameters:` with `type: integer`, a default and its rationale",
            ));
        }
    }
    if let Some(defaults) = &policy.condition_defaults {
        if policy.owner(&defaults.owner).is_none() {
            out.push(at(
                "condition_defaults",
                format!("`condition_defaults.owner` names `{}`, which is not a role under `review.owners`", defaults.owner),
                "name one of the roles defined under `review.owners`",
            ));
        }
        if policy.due_term(&defaults.due).is_none() {
            out.push(at(
                "condition_defaults",
                format!(
                    "`condition_defaults.due` names `{}`, which is not a term under `review.due`",
                    defaults.due
                ),
                "name one of the terms defined under `review.due`",
            ));
        }
    }
    out
}

/// What is wrong with a rule's `owner` or `due` (`key`), if anything: it must name a role or
/// term of the pack's `review:` section.
pub fn rule_terms(manifest: &Manifest, key: &str, value: &str) -> Option<(String, String)> {
    let policy = &manifest.review;
    let (known, section): (Vec<&str>, &str) = match key {
        "owner" => (
            policy.owners.iter().map(|o| o.role.as_str()).collect(),
            "review.owners",
        ),
        _ => (
            policy.due.iter().map(|d| d.term.as_str()).collect(),
            "review.due",
        ),
    };
    if known.contains(&value) {
        return None;
    }
    let help = if known.is_empty() {
        format!("the pack's pack.yaml defines no `{section}`: add it, or leave `{key}` out")
    } else {
        format!(
            "{}; the pack defines: {}",
            crate::suggest::help(value, key, &known),
            known.join(", ")
        )
    };
    Some((
        format!("`{key}` names `{value}`, which is not under `{section}` in pack.yaml"),
        help,
    ))
}
