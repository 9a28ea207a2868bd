//! Rule documentation: `rules`, `explain`, and the generated reference.

use crate::pack::{self, PackSources, RuleSet};
use crate::render::escape::{terminal_line, terminal_text};
use crate::report::human::{Style, render_diagnostic};

fn load(sources: &PackSources) -> Result<RuleSet, u8> {
    let engine = crate::engine::engine(&crate::engine::Sandbox::default());
    let (rules, diags) = pack::load(sources, &engine);
    let mut fatal = false;
    for d in &diags {
        eprint!(
            "{}",
            render_diagnostic(
                d,
                Style {
                    color: false,
                    width: 100
                }
            )
        );
        fatal |= d.severity == crate::finding::Severity::Error;
    }
    if fatal {
        Err(crate::cli::exit::TOOL_ERROR)
    } else {
        Ok(rules)
    }
}

/// `roadmap-lint rules`.
pub fn list_rules(sources: &PackSources, json: bool) -> u8 {
    let rules = match load(sources) {
        Ok(r) => r,
        Err(code) => return code,
    };
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
        println!(
            "{}",
            serde_json::to_string_pretty(&list).unwrap_or_default()
        );
    } else {
        let width = rules.rules().map(|(_, r)| r.id.len()).max().unwrap_or(10);
        for (p, r) in rules.rules() {
            let c = r.commitment.map_or("-".to_string(), |c| format!("C{c}"));
            println!(
                "{:<width$}  {:<4} {:<8} {:<20} {}",
                r.id,
                c,
                r.severity.to_string(),
                terminal_line(&p.manifest.name),
                terminal_line(&r.title)
            );
        }
    }
    crate::cli::exit::OK
}

/// `roadmap-lint explain ID`.
pub fn explain(sources: &PackSources, id: &str) -> u8 {
    let rules = match load(sources) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let Some((pack, rule)) = rules.find(id) else {
        let ids: Vec<&str> = rules.rules().map(|(_, r)| r.id.as_str()).collect();
        eprintln!(
            "error: no rule `{id}`; `roadmap-lint rules` lists them ({} rules: {})",
            ids.len(),
            ids.join(", ")
        );
        return crate::cli::exit::TOOL_ERROR;
    };
    // A pack's documentation is third-party text on its way to a terminal.
    print!("{}", terminal_text(&explain_text(&rules, pack, rule)));
    crate::cli::exit::OK
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
        "Severity: {}. Applies to: {}.{} Pack: {} {}. Source: {}\n\n",
        rule.severity,
        rule.kinds.join(", "),
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
    out
}
