//! Rule documentation: `rules`, `explain`, and the generated reference.

use crate::diag::ToolDiagnostic;
use crate::finding::Severity;
use crate::pack::{self, PackSources, RuleSet};

/// Load the packs for the commands that describe rules. Warnings come with the rules; an error
/// stops the command.
pub fn load(sources: &PackSources) -> (Option<RuleSet>, Vec<ToolDiagnostic>) {
    let (rules, diags) = pack::load(sources, &crate::engine::Sandbox::default());
    let fatal = diags.iter().any(|d| d.severity == Severity::Error);
    ((!fatal).then_some(rules), diags)
}

/// The rules as `roadmap-lint rules` lists them: a table, or JSON.
pub fn rules_list(rules: &RuleSet, json: bool) -> String {
    if json {
        let list: Vec<serde_json::Value> = rules
            .rules()
            .map(|(p, r)| {
                serde_json::json!({
                    "id": r.id,
                    "title": r.title,
                    "commitment": r.commitment,
                    "mission": r.mission,
                    "severity": r.severity,
                    "kinds": r.kinds,
                    "portfolio": r.portfolio,
                    "pack": p.manifest.name,
                    "pack_version": p.manifest.version,
                    "file": r.file,
                })
            })
            .collect();
        let mut text = serde_json::to_string_pretty(&list).unwrap_or_default();
        text.push('\n');
        return text;
    }
    let width = rules
        .rules()
        .map(|(_, r)| r.id.len())
        .chain([2])
        .max()
        .unwrap_or(10);
    let mut out = format!(
        "{:<width$}  {:<4} {:<8} {:<20} {}\n",
        "id", "cmt", "severity", "pack", "title"
    );
    for (p, r) in rules.rules() {
        let c = r.commitment.map_or("-".to_string(), |c| format!("C{c}"));
        out.push_str(&format!(
            "{:<width$}  {:<4} {:<8} {:<20} {}\n",
            r.id,
            c,
            r.severity.to_string(),
            p.manifest.name,
            r.title
        ));
    }
    out
}

/// One rule's documentation as markdown, as `explain` prints it.
pub fn explain_text(rules: &RuleSet, pack: &pack::Pack, rule: &pack::Rule) -> String {
    let mut out = format!("# {}: {}\n\n", rule.id, rule.title);
    if let Some(c) = rule.commitment {
        match rules.commitment(pack, c) {
            Some((m, commitment)) => out.push_str(&format!(
                "Commitment {c} (mission {}: {}): \"{}\"\n",
                m.number, m.title, commitment.text
            )),
            None => out.push_str(&format!("Commitment {c}\n")),
        }
    }
    out.push_str(&format!(
        "Severity: {}{}. Applies to: {}{}.{} Pack: {} {}. Source: {}\n\n",
        rule.severity,
        if rule.severity_default {
            " (the default: the rule's metadata sets none)"
        } else {
            ""
        },
        rule.kinds.join(", "),
        if rule.applies.is_empty() {
            String::new()
        } else {
            format!(" of {}", rule.applies.join(", "))
        },
        if rule.portfolio {
            " Runs once over all documents."
        } else {
            ""
        },
        pack.manifest.name,
        pack.manifest.version,
        rule.file
    ));
    out.push_str(&rule.doc);
    out.push('\n');
    // The parameters the rule judges against, with their defaults and reasons: what
    // `--param NAME=VALUE`, the config's `params` or a department-level target can change.
    let params: Vec<(&String, &pack::manifest::Parameter)> = pack
        .manifest
        .parameters
        .iter()
        .filter(|(name, _)| crate::pack::reads::reads(rule).params.contains(*name))
        .collect();
    if !params.is_empty() {
        out.push_str("\n# Parameters\n");
        for (name, p) in params {
            let default = yaml_serde::to_string(&p.default)
                .map(|s| s.trim().to_string())
                .unwrap_or_default();
            out.push_str(&format!(
                "- `{name}` ({}, default {default}): {}\n",
                p.kind.name(),
                p.rationale
            ));
        }
    }
    out
}
