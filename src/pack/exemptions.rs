//! The `exemptions:` section of `pack.yaml`, checked when the pack loads: each entry names a
//! commitment of the pack, a boolean field of the organisations register, a readable
//! declaration path for unlisted organisations, and rules of the pack. An entry that does not
//! is a diagnostic at its line and is dropped, so the run never applies half an exemption.

use std::sync::Arc;

use super::{Manifest, Rule};
use crate::diag::{Code, ToolDiagnostic};
use crate::node::DocPath;
use crate::source::SourceFile;

/// Check the manifest's exemptions against the pack's commitments and rules: the problems,
/// each at its entry's line, with the entries that have them removed.
pub fn check(
    manifest: &mut Manifest,
    source: &SourceFile,
    rules: &[Arc<Rule>],
) -> Vec<ToolDiagnostic> {
    let flags = super::organisations::flag_names();
    let mut out = Vec::new();
    let commitments: Vec<u32> = manifest
        .missions
        .iter()
        .flat_map(|m| m.commitments.iter().map(|c| c.number))
        .collect();
    let section = line_of(&source.text, "exemptions:", 0).unwrap_or(1);
    let mut kept = Vec::new();
    for e in std::mem::take(&mut manifest.exemptions) {
        let mut problems = Vec::new();
        if !commitments.contains(&e.commitment) {
            problems.push((
                format!(
                    "exemption names commitment {}, which the pack does not define",
                    e.commitment
                ),
                "name a commitment listed under `missions:`".to_string(),
            ));
        }
        if !flags.contains(&e.register.as_str()) {
            problems.push((
                format!(
                    "exemption reads `{}`, which is not a field of the organisations register",
                    e.register
                ),
                format!(
                    "name one of the register's boolean fields: {}",
                    flags.join(", ")
                ),
            ));
        }
        if let Some(path) = &e.unregistered
            && let Err(why) = DocPath::parse(path)
        {
            problems.push((
                format!("exemption's `unregistered` path `{path}` cannot be read: {why}"),
                "give a declaration path such as `organisation.health_body`".to_string(),
            ));
        }
        for id in &e.except_rules {
            let ok = rules
                .iter()
                .any(|r| &r.id == id && r.commitment == Some(e.commitment));
            if !ok {
                problems.push((
                    format!("exemption's `except_rules` names `{id}`, which is not a rule of commitment {} in the pack", e.commitment),
                    "name a rule id of the pack whose commitment the exemption reaches".to_string(),
                ));
            }
        }
        let line = line_of(
            &source.text,
            &format!("commitment: {}", e.commitment),
            section,
        )
        .unwrap_or(section);
        if problems.is_empty() {
            kept.push(e);
        }
        for (message, help) in problems {
            out.push(
                ToolDiagnostic::new(Code::PackManifest, message)
                    .help(format!(
                        "{help}; the exemption is ignored until it is fixed"
                    ))
                    .at_line(source, line, 1),
            );
        }
    }
    manifest.exemptions = kept;
    out
}

/// The line (1-based) of the first line of `text` from line `from` on holding `needle`.
fn line_of(text: &str, needle: &str, from: usize) -> Option<usize> {
    text.lines()
        .enumerate()
        .skip(from.saturating_sub(1))
        .find(|(_, l)| l.contains(needle))
        .map(|(i, _)| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(exemptions: &str) -> (Manifest, SourceFile) {
        let text = format!(
            "name: p\nversion: 1.0.0\ndescription: d\nmissions:\n  - number: 1\n    title: t\n    commitments:\n      - {{ number: 3, text: c }}\nexemptions:\n{exemptions}"
        );
        let m: Manifest = yaml_serde::from_str(&text).expect("a manifest");
        (m, SourceFile::new("p/pack.yaml".to_string(), text))
    }

    #[test]
    fn a_good_entry_is_kept() {
        let (mut m, src) = manifest(
            "  - { commitment: 3, register: one_login_exempt, unregistered: organisation.health_body, except: [DHSC], reason: r }\n",
        );
        assert!(check(&mut m, &src, &[]).is_empty());
        assert_eq!(m.exemptions.len(), 1);
    }

    #[test]
    fn a_bad_entry_is_a_diagnostic_at_its_line_and_is_dropped() {
        let (mut m, src) = manifest(
            "  - { commitment: 3, register: one_login_exempt, reason: fine }\n  - { commitment: 9, register: exempt_from_everything, unregistered: 'a[', except_rules: [no-such-rule], reason: r }\n",
        );
        let diags = check(&mut m, &src, &[]);
        let messages: Vec<String> = diags.iter().map(|d| d.message.clone()).collect();
        assert_eq!(diags.len(), 4, "{messages:?}");
        assert!(messages[0].contains("commitment 9"), "{messages:?}");
        assert!(
            messages[1].contains("`exempt_from_everything`"),
            "{messages:?}"
        );
        assert!(messages[2].contains("`a[`"), "{messages:?}");
        assert!(messages[3].contains("`no-such-rule`"), "{messages:?}");
        assert!(diags.iter().all(|d| d.code == Code::PackManifest));
        let shown = format!("{:?}", diags[0]);
        assert!(shown.contains("line: Some(11)"), "{shown}");
        assert_eq!(m.exemptions.len(), 1);
        assert_eq!(m.exemptions[0].reason, "fine");
    }
}
