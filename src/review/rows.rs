//! The words of a review that every format shows alike: the proposal's facts as labelled rows,
//! what the review derives, a condition's owner and due date, a piece of evidence, and the
//! provenance as labelled rows. Each renderer only escapes and lays them out.

use super::conditions::Condition;
use super::criteria::Evidence;
use super::{Review, gbp, thousands};

/// A piece of a row: text, text whose `code spans` are code (a rule's message), or a value
/// shown as code (a file, a path, an id).
#[derive(Debug, Clone, PartialEq)]
pub enum Part {
    Text(String),
    Prose(String),
    Code(String),
}

fn text(s: impl Into<String>) -> Part {
    Part::Text(s.into())
}

fn code(s: impl Into<String>) -> Part {
    Part::Code(s.into())
}

pub fn yes_no(v: Option<bool>) -> &'static str {
    match v {
        Some(true) => "yes",
        Some(false) => "no",
        None => "not stated",
    }
}

fn or_unstated(v: &Option<String>) -> Part {
    text(v.as_deref().unwrap_or("not stated"))
}

/// A file and document, `file (document 2)`.
fn place(file: &str, document: usize) -> Vec<Part> {
    vec![code(file), text(format!(" (document {})", document + 1))]
}

/// The proposal's facts, one labelled row each.
pub fn facts(r: &Review) -> Vec<(&'static str, Vec<Part>)> {
    let p = &r.proposal;
    let declaration = match r.declaration() {
        Some(d) => {
            let mut parts = place(&d.file, d.document);
            if let Some(a) = &d.as_of {
                parts.push(text(format!(", as of {a}")));
            }
            parts
        }
        None => vec![text(
            "none given for this organisation: cross-checks not run",
        )],
    };
    let money = |v: Option<i64>| vec![text(v.map_or("not stated".into(), gbp))];
    vec![
        ("Proposal", place(&r.file, r.document)),
        ("Organisation", vec![or_unstated(&p.organisation)]),
        ("Declaration", declaration),
        ("Evaluated as of", vec![or_unstated(&r.as_of)]),
        ("Spend type", vec![or_unstated(&p.spend_type)]),
        ("Phase", vec![or_unstated(&p.phase)]),
        (
            "Last service assessment",
            vec![text(
                p.last_assessment
                    .as_ref()
                    .map_or("not stated".into(), |a| a.describe()),
            )],
        ),
        (
            "Service",
            vec![
                or_unstated(&p.service),
                text(if p.top75 { " (top 75)" } else { "" }),
            ],
        ),
        ("Public facing", vec![text(yes_no(p.public_facing))]),
        ("New service", vec![text(yes_no(p.new_service))]),
        ("Whole-life cost", money(p.whole_life_gbp)),
        ("Annual cost", money(p.annual_gbp)),
        (
            "Transactions a year",
            vec![text(
                p.transactions_per_year
                    .map_or("not stated".into(), thousands),
            )],
        ),
        ("Vulnerable users", vec![text(yes_no(p.vulnerable_users))]),
        ("Assurance rating", vec![or_unstated(&p.assurance_rating)]),
        ("Business case", vec![or_unstated(&p.business_case_stage)]),
        (
            "Senior responsible owner",
            vec![or_unstated(&p.senior_responsible_owner)],
        ),
        ("Service owner", vec![or_unstated(&p.service_owner)]),
        (
            "Contract",
            vec![text(
                p.contract
                    .as_ref()
                    .map_or("not stated".into(), |c| c.describe()),
            )],
        ),
    ]
}

/// Whether approval is needed, in a word or three.
pub fn approval_words(r: &Review) -> &'static str {
    match r.approval.required {
        Some(true) => "required",
        Some(false) => "not required",
        None => "cannot be decided",
    }
}

/// Whether the strategic commitments must be answered, in words.
pub fn answers_words(r: &Review) -> &'static str {
    if r.answers.required {
        "must be answered"
    } else {
        "answers optional"
    }
}

/// `Commercial lead (Jane Smith)`, or `not assigned`.
pub fn owner_words(c: &Condition) -> String {
    match &c.owner {
        Some(o) => match &o.name {
            Some(name) => format!("{} ({name})", o.title),
            None => o.title.clone(),
        },
        None => "not assigned (the pack names no owner)".into(),
    }
}

/// `2025-05-14 (30 days after the decision: before the contract is awarded)`.
pub fn due_words(c: &Condition) -> String {
    match &c.due {
        Some(d) => match (&d.date, d.days) {
            (Some(date), Some(days)) => format!(
                "{date} ({days} {} after the decision: {})",
                if days == 1 { "day" } else { "days" },
                d.text
            ),
            (_, Some(days)) => format!("{days} days after the decision: {}", d.text),
            _ => d.text.clone(),
        },
        None => "not set (the pack names no term)".into(),
    }
}

/// What the finding behind a condition said, when one did.
pub fn found(c: &Condition) -> Option<&str> {
    c.source.message.as_deref()
}

/// Where a condition comes from: `rule at path (warning)`.
pub fn source_parts(c: &Condition) -> Vec<Part> {
    let mut parts = Vec::new();
    match (&c.source.rule, &c.source.path) {
        (Some(rule), Some(path)) if !path.is_empty() => {
            parts.push(code(rule.clone()));
            parts.push(text(" at "));
            parts.push(code(path.clone()));
        }
        (Some(rule), _) => parts.push(code(rule.clone())),
        (None, _) => parts.push(text("the review")),
    }
    if let Some(s) = c.source.severity {
        parts.push(text(format!(" ({s})")));
    }
    parts
}

/// A piece of evidence: which document and line (the files are named in the facts), the path,
/// and what is written there.
pub fn evidence_parts(e: &Evidence) -> Vec<Part> {
    let document = match e.within {
        super::EvidenceIn::Proposal => "proposal",
        super::EvidenceIn::Declaration => "declaration",
    };
    let at = match e.line {
        Some(line) => format!("{document} line {line}: "),
        None => format!("{document}: "),
    };
    let mut parts = vec![text(at), code(e.path.clone())];
    match &e.value {
        Some(v) => {
            parts.push(text(" = "));
            parts.push(code(v.clone()));
        }
        None => parts.push(text(" not given")),
    }
    parts
}

/// A JSON value of the run's provenance in words: text as it is, a list item by item, an
/// object `key value, ...`; `none` for null or an empty list.
fn json_words(value: &serde_json::Value) -> String {
    use serde_json::Value as J;
    match value {
        J::Null => "none".into(),
        J::String(s) => s.clone(),
        J::Bool(b) => if *b { "yes" } else { "no" }.into(),
        J::Number(n) => n.to_string(),
        J::Array(items) if items.is_empty() => "none".into(),
        J::Array(items) => items.iter().map(json_words).collect::<Vec<_>>().join("; "),
        J::Object(map) => {
            // A named thing (a pack): `name version (origin builtin, ...)`.
            let named = ["name", "version"]
                .iter()
                .filter_map(|k| map.get(*k).and_then(|v| v.as_str()))
                .collect::<Vec<_>>()
                .join(" ");
            let rest: Vec<String> = map
                .iter()
                .filter(|(k, v)| {
                    !v.is_null() && (named.is_empty() || !["name", "version"].contains(&k.as_str()))
                })
                .map(|(k, v)| format!("{} {}", k.replace('_', " "), json_words(v)))
                .collect();
            match (named.is_empty(), rest.is_empty()) {
                (true, _) => rest.join(", "),
                (false, true) => named,
                (false, false) => format!("{named} ({})", rest.join(", ")),
            }
        }
    }
}

/// `config` as `Config`, `history_source` as `History source`.
fn label(key: &str) -> String {
    let words = key.replace('_', " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => words,
    }
}

/// The provenance as labelled rows: the tool, every field of the run's provenance (whatever
/// the run records), the evaluation date and the declaration compared with. The parameters
/// are a table of their own ([`Review::provenance`]'s `parameters`).
pub fn provenance_rows(r: &Review) -> Vec<(String, Vec<Part>)> {
    let p = &r.provenance;
    let mut rows = vec![(
        "Tool".to_string(),
        vec![text(format!("{} {}", p.tool.name, p.tool.version))],
    )];
    for (key, value) in &p.run {
        rows.push((label(key), vec![text(json_words(value))]));
    }
    rows.push((
        "Evaluated as of".into(),
        vec![or_unstated(&p.evaluated_as_of)],
    ));
    let compared = match &p.declaration {
        Some(d) => {
            let mut parts = place(&d.file, d.document);
            if let Some(a) = &d.as_of {
                parts.push(text(format!(", as of {a}")));
            }
            parts
        }
        None => vec![text("none")],
    };
    rows.push(("Declaration compared with".into(), compared));
    rows
}

/// A parameter's value, with its default and who set it when it was overridden.
pub fn parameter_words(p: &super::ParamUsed) -> String {
    match &p.set_by {
        Some(by) => format!("{} (default {}, set by {by})", p.value, p.default),
        None => p.value.clone(),
    }
}

/// Parts as plain text (for the terminal), code as it is.
pub fn plain(parts: &[Part]) -> String {
    parts
        .iter()
        .map(|p| match p {
            Part::Text(t) | Part::Prose(t) | Part::Code(t) => t.as_str(),
        })
        .collect()
}

/// `23 criteria: 18 met, 1 not met, 4 not applicable` (statuses with none left out).
pub fn criteria_tally(r: &Review) -> String {
    use super::CriterionStatus as S;
    let counts: Vec<String> = [
        S::Met,
        S::NotMet,
        S::NotAnswered,
        S::NotApplicable,
        S::NotAssessed,
    ]
    .iter()
    .filter_map(|s| {
        let n = r.criteria.iter().filter(|c| c.status == *s).count();
        (n > 0).then(|| format!("{n} {}", s.title()))
    })
    .collect();
    format!(
        "{} {}: {}",
        r.criteria.len(),
        if r.criteria.len() == 1 {
            "criterion"
        } else {
            "criteria"
        },
        counts.join(", ")
    )
}

/// The heading of the conditions: of an approval, or to meet before the proposal comes back.
pub fn conditions_heading(r: &Review) -> &'static str {
    if r.decision.recommendation.approves() {
        "Conditions of approval"
    } else {
        "Conditions to meet before resubmission"
    }
}

/// The panel's record as labelled rows: its decision (and the tool's, where they differ), the
/// reason, the panel, what was approved, and the sign-off.
pub fn record_rows(r: &Review, s: &super::record::Signoff) -> Vec<(&'static str, Vec<Part>)> {
    let mut rows = vec![
        ("Record", vec![code(s.file.clone())]),
        (
            "Panel's decision",
            vec![text(format!("{}, on {}", s.decision.title(), s.date))],
        ),
    ];
    if s.differs {
        rows.push((
            "Tool's recommendation",
            vec![text(format!(
                "{} (the panel decided otherwise)",
                r.decision.recommendation.title()
            ))],
        ));
    }
    rows.push((
        "Reason",
        vec![match &s.reason {
            Some(reason) => Part::Prose(reason.clone()),
            None if s.differs => text("none given"),
            None => text("none needed: the panel agrees with the tool"),
        }],
    ));
    let panel: Vec<String> = s
        .panel
        .iter()
        .map(|m| format!("{} ({})", m.name, m.role))
        .collect();
    rows.push(("Panel", vec![text(panel.join("; "))]));
    if let Some(a) = &s.approved {
        let amount = a.amount_gbp.map_or("not stated".to_string(), gbp);
        let asked = match (a.amount_gbp, r.proposal.whole_life_gbp) {
            (Some(x), Some(y)) if x != y => format!(" (the proposal asks for {})", gbp(y)),
            _ => String::new(),
        };
        let period = match (&a.from, &a.to) {
            (Some(f), Some(t)) => format!(", from {f} to {t}"),
            (Some(f), None) => format!(", from {f}"),
            (None, Some(t)) => format!(", to {t}"),
            (None, None) => String::new(),
        };
        rows.push(("Approved", vec![text(format!("{amount}{asked}{period}"))]));
    }
    rows.push((
        "Signed off",
        vec![text(match &s.signed_off {
            Some(o) => format!(
                "by {}{} on {}",
                o.by,
                o.role
                    .as_deref()
                    .map(|r| format!(" ({r})"))
                    .unwrap_or_default(),
                o.date
            ),
            None => "not yet".to_string(),
        })],
    ));
    rows
}

/// What the panel did with a condition, in words, with its reason.
pub fn fate_words(c: &super::record::RecordedCondition) -> String {
    use super::record::ConditionFate as F;
    let what = match c.fate {
        F::Kept => "kept",
        F::Redated => "re-dated",
        F::Removed => "removed",
        F::Added => "added by the panel",
    };
    match &c.reason {
        Some(reason) => format!("{what}: {reason}"),
        None => what.to_string(),
    }
}

/// A recorded condition's due date, with the tool's where the panel changed it.
pub fn recorded_due(c: &super::record::RecordedCondition) -> String {
    let due = c.due.as_deref().unwrap_or("not set");
    match &c.tool_due {
        Some(tool) => format!("{due} (the tool's: {tool})"),
        None => due.to_string(),
    }
}

/// The head of the comparison with the previous review.
pub fn previous_words(p: &super::previous::Comparison) -> String {
    let mut out = format!(
        "Compared with {}{}: the tool then recommended {}",
        p.file,
        p.as_of
            .as_deref()
            .map(|a| format!(" (as of {a})"))
            .unwrap_or_default(),
        p.recommendation.title().to_lowercase()
    );
    if let Some(d) = p.decision {
        out.push_str(&format!(
            ", and the panel decided {}",
            d.title().to_lowercase()
        ));
    }
    out.push_str(&format!(
        ". Findings: {} fixed, {} new, {} still open.",
        p.findings_fixed.len(),
        p.findings_new.len(),
        p.findings_still_open
    ));
    out
}

/// A condition of the comparison: its ids then and now.
pub fn delta_ids(c: &super::previous::ConditionDelta) -> String {
    match (&c.previous_id, &c.id) {
        (Some(a), Some(b)) if a == b => a.clone(),
        (Some(a), Some(b)) => format!("{a} → {b}"),
        (Some(a), None) => format!("{a} (then)"),
        (None, Some(b)) => b.clone(),
        (None, None) => String::new(),
    }
}
