//! The assessors' record (`review --record FILE`): a small YAML file of their own, with the
//! panel, the date, the decision they took, the conditions they added, removed or re-dated
//! (each with a reason), the amount and period approved and the sign-off. It is read like a
//! declaration (spanned YAML, then `schemas/record.schema.json`), so every mistake is a
//! diagnostic at its line, and it is shown beside the tool's recommendation, never instead of
//! it: where the two differ, the review shows both.

use std::path::Path;
use std::sync::{Arc, OnceLock};

use jsonschema::{Draft, Validator};
use serde::Serialize;
use serde_json::Value as Json;

use super::conditions::Condition;
use super::decision::Recommendation;
use crate::date::Date;
use crate::diag::{Code, ToolDiagnostic};
use crate::finding::Severity;
use crate::load::{Limits, yaml};
use crate::node::{Node, Value};
use crate::source::{SourceFile, Span};

pub const SCHEMA: &str = include_str!("../../schemas/record.schema.json");

/// Largest record file read.
pub const MAX_BYTES: u64 = 1 << 20;

/// A text field of the record with where it is written.
#[derive(Debug, Clone)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

/// One assessor.
#[derive(Debug, Clone, Serialize)]
pub struct Member {
    pub name: String,
    pub role: String,
}

/// What the decision approves.
#[derive(Debug, Clone, Serialize)]
pub struct Approved {
    pub amount_gbp: Option<i64>,
    pub from: Option<String>,
    pub to: Option<String>,
}

/// Who signed the decision off.
#[derive(Debug, Clone, Serialize)]
pub struct SignedOff {
    pub by: String,
    pub role: Option<String>,
    pub date: String,
}

/// A change the panel made to a condition of the tool's, as written.
#[derive(Debug, Clone)]
pub struct Change {
    pub rule: String,
    pub path: Option<String>,
    pub due: Option<String>,
    pub reason: String,
    pub span: Span,
}

/// A condition the panel added.
#[derive(Debug, Clone)]
pub struct Added {
    pub text: String,
    pub owner: String,
    pub due: String,
    pub reason: String,
}

/// The record file, read and checked against its schema.
#[derive(Debug, Clone)]
pub struct Record {
    pub source: Arc<SourceFile>,
    pub proposal: Spanned<String>,
    pub date: Date,
    pub panel: Vec<Member>,
    pub decision: Spanned<Recommendation>,
    pub reason: Option<String>,
    pub approved: Option<Approved>,
    pub removed: Vec<Change>,
    pub redated: Vec<Change>,
    pub added: Vec<Added>,
    pub signed_off: Option<SignedOff>,
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

/// Read and check a record file. Any problem is a diagnostic pointing into it.
pub fn load(path: &Path) -> Result<Record, Vec<ToolDiagnostic>> {
    let shown = crate::load::shown(path);
    let text = crate::load::read::read_text(path, MAX_BYTES).map_err(|e| {
        vec![
            ToolDiagnostic::new(Code::RecordInvalid, e.message(path))
                .file(shown.clone())
                .help("`--record` names the assessors' YAML record of the decision (`roadmap-lint schema record` prints its format)"),
        ]
    })?;
    parse(Arc::new(SourceFile::new(shown, text)))
}

/// Parse and check the text of a record file.
pub fn parse(source: Arc<SourceFile>) -> Result<Record, Vec<ToolDiagnostic>> {
    let mut docs = yaml::parse(&source.text, &Limits::default());
    let diags: Vec<ToolDiagnostic> = docs
        .iter()
        .flat_map(|d| &d.problems)
        .map(|p| p.diagnostic(&source))
        .collect();
    if !diags.is_empty() {
        return Err(diags);
    }
    if docs.len() > 1 {
        return Err(vec![
            ToolDiagnostic::new(
                Code::RecordInvalid,
                "the record holds several documents: one record is one decision",
            )
            .file(source.name.clone())
            .help("keep one record per file, for the proposal it decides"),
        ]);
    }
    let Some(root) = docs.drain(..).next().and_then(|d| d.root) else {
        return Err(vec![
            ToolDiagnostic::new(Code::RecordInvalid, "the record is empty")
                .file(source.name.clone())
                .help("write the panel's decision: `roadmap-lint schema record` prints the format"),
        ]);
    };
    let (schema, validator) = validator();
    let problems: Vec<ToolDiagnostic> = crate::schema::problems(validator, schema, &root)
        .iter()
        .map(|sp| sp.problem.diagnostic(&source))
        .collect();
    if !problems.is_empty() {
        return Err(problems);
    }
    read(&root, source).ok_or_else(|| {
        vec![
            ToolDiagnostic::new(Code::RecordInvalid, "the record cannot be read")
                .help("check it against `roadmap-lint schema record`"),
        ]
    })
}

fn text_at(node: &Node, key: &str) -> Option<String> {
    node.get(key).and_then(Node::as_str).map(str::to_string)
}

fn items(node: Option<&Node>) -> &[Node] {
    match node.map(|n| &n.value) {
        Some(Value::Seq(items)) => items,
        _ => &[],
    }
}

/// The record's values, once the schema has passed it.
fn read(root: &Node, source: Arc<SourceFile>) -> Option<Record> {
    let proposal = root.get("proposal")?;
    let decision = root.get("decision")?;
    let conditions = root.get("conditions");
    let change = |n: &Node| -> Option<Change> {
        Some(Change {
            rule: text_at(n, "rule")?,
            path: text_at(n, "path"),
            due: text_at(n, "due"),
            reason: text_at(n, "reason")?,
            span: n.span,
        })
    };
    let approved = root
        .get("approved")
        .filter(|n| n.value != Value::Null)
        .map(|n| Approved {
            amount_gbp: match n.get("amount_gbp").map(|v| &v.value) {
                Some(Value::Int(i)) => Some(*i),
                _ => None,
            },
            from: text_at(n, "from"),
            to: text_at(n, "to"),
        });
    Some(Record {
        proposal: Spanned {
            value: proposal.as_str()?.to_string(),
            span: proposal.span,
        },
        date: Date::parse(&text_at(root, "date")?)?,
        panel: items(root.get("panel"))
            .iter()
            .filter_map(|m| {
                Some(Member {
                    name: text_at(m, "name")?,
                    role: text_at(m, "role")?,
                })
            })
            .collect(),
        decision: Spanned {
            value: Recommendation::parse(decision.as_str()?)?,
            span: decision.span,
        },
        reason: text_at(root, "reason"),
        approved,
        removed: items(conditions.and_then(|c| c.get("remove")))
            .iter()
            .filter_map(change)
            .collect(),
        redated: items(conditions.and_then(|c| c.get("redate")))
            .iter()
            .filter_map(change)
            .collect(),
        added: items(conditions.and_then(|c| c.get("add")))
            .iter()
            .filter_map(|n| {
                Some(Added {
                    text: text_at(n, "text")?,
                    owner: text_at(n, "owner")?,
                    due: text_at(n, "due")?,
                    reason: text_at(n, "reason")?,
                })
            })
            .collect(),
        signed_off: root
            .get("signed_off")
            .filter(|n| n.value != Value::Null)
            .and_then(|n| {
                Some(SignedOff {
                    by: text_at(n, "by")?,
                    role: text_at(n, "role"),
                    date: text_at(n, "date")?,
                })
            }),
        source,
    })
}

/// What became of a condition in the panel's record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConditionFate {
    /// The tool's, kept as it is.
    Kept,
    /// The tool's, with another due date.
    Redated,
    /// The tool's, removed.
    Removed,
    /// The panel's own.
    Added,
}

/// A condition as the panel's record leaves it.
#[derive(Debug, Clone, Serialize)]
pub struct RecordedCondition {
    /// The tool's id (`C2`), or `P1`, `P2`, ... for the panel's own.
    pub id: String,
    pub text: String,
    pub owner: String,
    /// The due date in force.
    pub due: Option<String>,
    pub fate: ConditionFate,
    /// The tool's due date, when the panel changed it.
    pub tool_due: Option<String>,
    pub reason: Option<String>,
    /// The rule and path of a tool's condition (see [`Condition::key`]).
    pub rule: Option<String>,
    pub path: Option<String>,
}

/// The panel's record of a decision, beside the tool's recommendation.
#[derive(Debug, Clone, Serialize)]
pub struct Signoff {
    pub file: String,
    pub date: String,
    pub panel: Vec<Member>,
    pub decision: Recommendation,
    /// Whether the panel's decision differs from the tool's recommendation.
    pub differs: bool,
    pub reason: Option<String>,
    pub approved: Option<Approved>,
    pub signed_off: Option<SignedOff>,
    pub conditions: Vec<RecordedCondition>,
}

/// The conditions of the tool's that a change names: by rule, and by path when given.
fn named<'a>(conditions: &'a [Condition], change: &Change) -> Vec<&'a Condition> {
    conditions
        .iter()
        .filter(|c| c.source.rule.as_deref() == Some(change.rule.as_str()))
        .filter(|c| {
            change
                .path
                .as_deref()
                .is_none_or(|p| c.source.path.as_deref() == Some(p))
        })
        .collect()
}

/// The tool's conditions as the panel leaves them (removed and re-dated ones marked, its own
/// added), and the changes that name no condition of the review.
fn recorded_conditions(
    record: &Record,
    conditions: &[Condition],
) -> (Vec<RecordedCondition>, Vec<ToolDiagnostic>) {
    let mut diags = Vec::new();
    let at = |span: Span, message: String, help: &str| {
        ToolDiagnostic::new(Code::RecordInvalid, message)
            .at(&record.source, span)
            .label("here")
            .help(help.to_string())
    };
    let mut out: Vec<RecordedCondition> = conditions
        .iter()
        .map(|c| RecordedCondition {
            id: c.id.clone(),
            text: c.text.clone(),
            owner: super::rows::owner_words(c),
            due: c.due.as_ref().and_then(|d| d.date.clone()),
            fate: ConditionFate::Kept,
            tool_due: None,
            reason: None,
            rule: c.source.rule.clone(),
            path: c.source.path.clone(),
        })
        .collect();
    for (change, redate) in record
        .removed
        .iter()
        .map(|c| (c, false))
        .chain(record.redated.iter().map(|c| (c, true)))
    {
        let found = named(conditions, change);
        let target = match found.as_slice() {
            [] => {
                diags.push(at(
                    change.span,
                    format!(
                        "the review has no condition from `{}`{}",
                        change.rule,
                        change.path.as_deref().map(|p| format!(" at `{p}`")).unwrap_or_default()
                    ),
                    "name a condition of the review by its rule (and path): the review lists each condition's source",
                ));
                continue;
            }
            [one] => one.id.clone(),
            several => {
                let paths: Vec<&str> = several
                    .iter()
                    .filter_map(|c| c.source.path.as_deref())
                    .collect();
                diags.push(at(
                    change.span,
                    format!(
                        "`{}` gave {} conditions: say which with `path`",
                        change.rule,
                        several.len()
                    ),
                    &format!("the paths are: {}", paths.join(", ")),
                ));
                continue;
            }
        };
        if let Some(c) = out.iter_mut().find(|c| c.id == target) {
            if redate {
                c.tool_due = c.due.take();
                c.due = change.due.clone();
                c.fate = ConditionFate::Redated;
            } else {
                c.fate = ConditionFate::Removed;
            }
            c.reason = Some(change.reason.clone());
        }
    }
    out.extend(
        record
            .added
            .iter()
            .enumerate()
            .map(|(i, a)| RecordedCondition {
                id: format!("P{}", i + 1),
                text: a.text.clone(),
                owner: a.owner.clone(),
                due: Some(a.due.clone()),
                fate: ConditionFate::Added,
                tool_due: None,
                reason: Some(a.reason.clone()),
                rule: None,
                path: None,
            }),
    );
    (out, diags)
}

/// A decision that differs without a reason (a warning), and an approval period that ends
/// before it starts.
fn checks(record: &Record, recommendation: Recommendation) -> Vec<ToolDiagnostic> {
    let mut diags = Vec::new();
    let differs = record.decision.value != recommendation;
    if differs && record.reason.is_none() {
        diags.push(
            ToolDiagnostic::new(
                Code::RecordUnexplained,
                format!(
                    "the panel decided `{}` where the tool recommends `{}`, and the record gives no reason",
                    record.decision.value.key(),
                    recommendation.key()
                ),
            )
            .severity(Severity::Warning)
            .at(&record.source, record.decision.span)
            .label("the panel's decision")
            .help("say why in `reason`: the record is read beside the tool's recommendation"),
        );
    }
    if let Some((from, to)) = record
        .approved
        .as_ref()
        .and_then(|a| a.from.as_deref().zip(a.to.as_deref()))
        .filter(|(from, to)| to < from)
    {
        diags.push(
            ToolDiagnostic::new(
                Code::RecordInvalid,
                format!("the approval ends on {to}, before it starts on {from}"),
            )
            .file(record.source.name.clone())
            .help("check `approved.from` and `approved.to`"),
        );
    }
    diags
}

/// The record applied to a review's conditions and recommendation: the panel's view, and
/// what in the record does not fit the review (each a diagnostic at its line).
pub fn apply(
    record: &Record,
    recommendation: Recommendation,
    conditions: &[Condition],
) -> (Signoff, Vec<ToolDiagnostic>) {
    let (out, mut diags) = recorded_conditions(record, conditions);
    let differs = record.decision.value != recommendation;
    diags.extend(checks(record, recommendation));
    let signoff = Signoff {
        file: record.source.name.clone(),
        date: record.date.to_string(),
        panel: record.panel.clone(),
        decision: record.decision.value,
        differs,
        reason: record.reason.clone(),
        approved: record.approved.clone(),
        signed_off: record.signed_off.clone(),
        conditions: out,
    };
    (signoff, diags)
}
