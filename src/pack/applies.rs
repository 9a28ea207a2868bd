//! `applies_to` entries checked against the organisations register once every pack is loaded:
//! a code or a type the register does not know limits a rule to no organisation at all, which
//! only a fixture's silence would show.

use std::collections::BTreeSet;

use super::{Organisations, Pack};
use crate::diag::{Code, ToolDiagnostic};
use crate::finding::Severity;
use crate::source::Span;

/// The built-in pack's register, for a run that leaves the built-in pack out: a department's
/// pack names the government's organisations all the same.
fn builtin_register() -> &'static Organisations {
    static REGISTER: std::sync::OnceLock<Organisations> = std::sync::OnceLock::new();
    REGISTER.get_or_init(|| {
        let text = super::BUILTIN_FILES
            .iter()
            .find(|(p, _)| p.ends_with("/data/organisations.yaml"))
            .map_or("", |(_, t)| t);
        let mut map = rhai::Map::new();
        if let Ok(json) = yaml_serde::from_str::<serde_json::Value>(text)
            && let Ok(value) = rhai::serde::to_dynamic(&json)
        {
            map.insert(super::organisations::DATA_NAME.into(), value);
        }
        Organisations::from_packs([&map])
    })
}

/// A warning for each `applies_to` entry that is neither an organisation's code nor a type in
/// the register (the run's, else the built-in pack's).
pub(super) fn unknown_entries(packs: &[Pack], register: &Organisations) -> Vec<ToolDiagnostic> {
    let register = if register.is_empty() {
        builtin_register()
    } else {
        register
    };
    if register.is_empty() {
        return Vec::new();
    }
    let kinds = register.kinds();
    let mut names: Vec<&str> = register.codes().collect();
    names.extend(kinds.iter().copied());
    let mut said: BTreeSet<(String, String)> = BTreeSet::new();
    let mut out = Vec::new();
    for rule in packs.iter().flat_map(|p| p.rules.iter()) {
        for entry in &rule.applies {
            if register.contains(entry) || kinds.contains(entry.as_str()) {
                continue;
            }
            // Written in the rule, or inherited from the pack's pack.yaml: then said once.
            let quoted = format!("\"{entry}\"");
            let at = rule.source.text.find(&quoted);
            if at.is_none() && !said.insert((rule.pack.clone(), entry.clone())) {
                continue;
            }
            let place = if at.is_some() {
                "this rule's `applies_to`"
            } else {
                "the pack's `applies_to` (pack.yaml)"
            };
            let diag = ToolDiagnostic::new(
                Code::RuleMetadata,
                format!(
                    "`{entry}` in {place} is neither an organisation's code nor a type in the \
                     organisations register, so rule `{}` judges no registered organisation",
                    rule.id
                ),
            )
            .severity(Severity::Warning)
            .label("unknown organisation")
            .help(format!(
                "{}; the register is the built-in pack's data/organisations.yaml, and a code \
                 it does not list is judged only if named exactly",
                suggestion(entry, &names)
            ));
            let span = match at {
                Some(byte) => {
                    let start = rule.source.text[..byte + 1].chars().count();
                    Span::new(start, start + entry.chars().count())
                }
                None => Span::new(0, 0),
            };
            out.push(diag.at(&rule.source, span));
        }
    }
    out
}

/// "did you mean": a code with the same letters in another order first (`DPW` for `DWP`: too
/// far apart by edit distance for so short a word), else the closest name.
fn suggestion(entry: &str, names: &[&str]) -> String {
    let sorted = |s: &str| {
        let mut c: Vec<char> = s.to_uppercase().chars().collect();
        c.sort_unstable();
        c
    };
    let letters = sorted(entry);
    match names.iter().find(|n| sorted(n) == letters) {
        Some(same) => format!("did you mean `{same}`?"),
        None => crate::suggest::help(entry, "organisation", names),
    }
}
