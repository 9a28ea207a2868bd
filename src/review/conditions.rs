//! The conditions of a decision: one for each finding that is not waived (the fix it asks
//! for), and one when no declaration was given to check the proposal against. Each names the
//! role that owns it and when it falls due, from its rule's metadata (`owner`, `due`) and the
//! pack's `review:` section, counted from the decision's date; and its source, by which a later
//! review recognises it.

use serde::Serialize;

use crate::date::Date;
use crate::finding::{Finding, Severity};
use crate::node::Node;
use crate::pack::Pack;
use crate::pack::manifest::ReviewPolicy;
use crate::run::Prepared;

use super::read::text;

/// The role that owns a condition, with the holder's name where the proposal gives it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Owner {
    pub role: String,
    pub title: String,
    pub name: Option<String>,
}

/// When a condition falls due: a term of the pack, the days after the decision its parameter
/// gives, and the date they come to.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Due {
    pub term: String,
    pub text: String,
    pub days: Option<i64>,
    pub date: Option<String>,
}

/// Where a condition comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    /// A finding of a rule (its path says where).
    Finding,
    /// The review itself (no declaration to check the proposal against).
    Review,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Source {
    pub kind: SourceKind,
    pub rule: Option<String>,
    pub path: Option<String>,
    pub severity: Option<Severity>,
    /// What the finding said.
    pub message: Option<String>,
}

/// One condition of the decision.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Condition {
    /// `C1`, `C2`, ... in the order of the review.
    pub id: String,
    pub text: String,
    pub owner: Option<Owner>,
    pub due: Option<Due>,
    pub source: Source,
}

impl Condition {}

/// The rule id of the review's own condition: the declaration to check the proposal against.
pub const NO_DECLARATION: &str = "review-no-declaration";

/// What the conditions are made from.
pub struct Inputs<'a> {
    pub prepared: &'a Prepared,
    pub root: &'a Node,
    pub findings: &'a [&'a Finding],
    pub missing_declaration: Option<&'a str>,
    /// The decision's date: the record's, else the evaluation date.
    pub decided: Option<Date>,
}

/// `text` with its first letter in capitals and a full stop at the end.
fn sentence(text: &str) -> String {
    let mut chars = text.trim().chars();
    let mut out: String = match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    };
    if !out.is_empty() && !out.ends_with(['.', '?', '!']) {
        out.push('.');
    }
    out
}

/// The conditions, in the order of the findings, then the review's own.
pub fn conditions(inputs: &Inputs) -> Vec<Condition> {
    let mut out = Vec::new();
    for f in inputs.findings.iter().filter(|f| !f.waived) {
        if f.severity == Severity::Info {
            continue;
        }
        let text = match &f.help {
            Some(help) => sentence(help),
            None => sentence(&format!("resolve this: {}", f.message)),
        };
        let (pack, owner, due) = terms_of(inputs.prepared, &f.rule);
        out.push(Condition {
            id: String::new(),
            text,
            owner: owner_of(pack, owner.as_deref(), inputs.root),
            due: due_of(inputs.prepared, pack, due.as_deref(), inputs.decided),
            source: Source {
                kind: SourceKind::Finding,
                rule: Some(f.rule.clone()),
                path: Some(f.path.clone()),
                severity: Some(f.severity),
                message: Some(f.message.clone()),
            },
        });
    }
    if let Some(organisation) = inputs.missing_declaration {
        let pack = default_pack(inputs.prepared);
        out.push(Condition {
            id: String::new(),
            text: format!(
                "Provide the current declaration of {organisation}, and have the proposal checked against it."
            ),
            owner: owner_of(pack, None, inputs.root),
            due: due_of(inputs.prepared, pack, None, inputs.decided),
            source: Source {
                kind: SourceKind::Review,
                rule: Some(NO_DECLARATION.to_string()),
                path: None,
                severity: None,
                message: None,
            },
        });
    }
    for (i, c) in out.iter_mut().enumerate() {
        c.id = format!("C{}", i + 1);
    }
    out
}

/// The pack whose `review:` section sets the defaults: the first that has them.
fn default_pack(prepared: &Prepared) -> Option<&Pack> {
    prepared
        .rules
        .packs
        .iter()
        .find(|p| p.manifest.review.condition_defaults.is_some())
}

/// A rule's pack and its owner and due term (`None` for the review's own finding, whose pack
/// is the defaults').
fn terms_of<'a>(
    prepared: &'a Prepared,
    rule: &str,
) -> (Option<&'a Pack>, Option<String>, Option<String>) {
    match prepared.rules.find(rule) {
        Some((pack, r)) => (Some(pack), r.owner.clone(), r.due.clone()),
        None => (default_pack(prepared), None, None),
    }
}

fn policy(pack: Option<&Pack>) -> Option<&ReviewPolicy> {
    pack.map(|p| &p.manifest.review)
}

/// The owner: the rule's role, else the pack's default; with the name the proposal gives.
fn owner_of(pack: Option<&Pack>, role: Option<&str>, root: &Node) -> Option<Owner> {
    let policy = policy(pack)?;
    let role = role.or(policy.condition_defaults.as_ref().map(|d| d.owner.as_str()))?;
    let found = policy.owner(role)?;
    Some(Owner {
        role: found.role.clone(),
        title: found.title.clone(),
        name: found.named_at.as_deref().and_then(|p| text(root, p)),
    })
}

/// When it falls due: the rule's term, else the pack's default; its days from the pack's
/// parameters (as overridden), and the date from the decision's.
fn due_of(
    prepared: &Prepared,
    pack: Option<&Pack>,
    term: Option<&str>,
    decided: Option<Date>,
) -> Option<Due> {
    let policy = policy(pack)?;
    let term = term.or(policy.condition_defaults.as_ref().map(|d| d.due.as_str()))?;
    let found = policy.due_term(term)?;
    let days = pack
        .and_then(|p| prepared.pack_ctx.get(&p.manifest.name))
        .and_then(|(params, _)| params.get(found.days.as_str()))
        .and_then(|v| v.as_int().ok());
    Some(Due {
        term: found.term.clone(),
        text: found.text.clone(),
        days,
        date: days
            .zip(decided)
            .map(|(n, d)| d.add_days(n))
            .map(|d| d.to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn condition_text_is_a_sentence() {
        assert_eq!(sentence("shorten the contract"), "Shorten the contract.");
        assert_eq!(sentence("Is it done?"), "Is it done?");
        assert_eq!(sentence(""), "");
    }
}
