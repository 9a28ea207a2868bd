//! The review of one proposal document: its summary, the declaration it is checked against,
//! its findings (with the review's own), the verdict and the questions for the department.

use rhai::{Dynamic, Map};
use serde::Serialize;

use super::decision::{VERDICT_RULE, Verdict, verdict};
use super::derive::{Answers, Approval, Rating, Thresholds, answers, approval, rating};
use crate::finding::{Finding, Severity};
use crate::load::{self, Limits};
use crate::node::{DocPath, Node, Value};
use crate::run::{self, Prepared, Run};

/// The rule id of the review's own finding: commitments that must be answered but are not.
pub const UNANSWERED: &str = "proposal-strategic-commitments-unanswered";

/// `a, b and c`.
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// The answers a proposal gives under `proposal.strategic_commitments`: the packs' own list
/// (`review.strategic_commitments` in `pack.yaml`), in order.
pub fn strategic_answers(prepared: &Prepared) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for pack in &prepared.rules.packs {
        for s in &pack.manifest.review.strategic_commitments {
            if !out.contains(&s.answer) {
                out.push(s.answer.clone());
            }
        }
    }
    out
}

/// What the proposal says about itself, for the summary.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    pub id: Option<String>,
    pub organisation: Option<String>,
    pub title: Option<String>,
    pub spend_type: Option<String>,
    pub phase: Option<String>,
    pub service: Option<String>,
    pub public_facing: Option<bool>,
    pub new_service: Option<bool>,
    pub whole_life_gbp: Option<i64>,
    pub annual_gbp: Option<i64>,
    pub transactions_per_year: Option<i64>,
    pub vulnerable_users: Option<bool>,
    pub assurance_rating: Option<String>,
    /// Whether the service is one of the top 75 (from the pack's list or the declaration).
    pub top75: bool,
}

/// The declaration the proposal was checked against.
#[derive(Debug, Clone, Serialize)]
pub struct DeclarationRef {
    pub file: String,
    pub document: usize,
    pub name: Option<String>,
    pub as_of: Option<String>,
}

/// A finding as the reviewer sees it: with the text of the commitment it serves.
#[derive(Debug, Clone, Serialize)]
pub struct ReviewFinding {
    #[serde(flatten)]
    pub finding: Finding,
    pub commitment_text: Option<String>,
    /// What the finding is measured against, as the reports head it: the commitment and its
    /// text, or for findings that serve no single commitment, what they check.
    pub context: String,
}

/// The review of one proposal document.
#[derive(Debug, Clone, Serialize)]
pub struct Review {
    pub file: String,
    pub document: usize,
    pub as_of: Option<String>,
    pub proposal: Summary,
    pub declaration: Option<DeclarationRef>,
    pub approval: Approval,
    pub rating: Rating,
    pub answers: Answers,
    pub verdict: Verdict,
    pub verdict_rule: &'static str,
    pub findings: Vec<ReviewFinding>,
    pub questions: Vec<String>,
}

fn at<'a>(root: &'a Node, path: &str) -> Option<&'a Node> {
    let path = DocPath::parse(path).ok()?;
    let r = root.resolve(&path);
    (r.complete && r.node.value != Value::Null).then_some(r.node)
}

fn text(root: &Node, path: &str) -> Option<String> {
    at(root, path).and_then(Node::as_str).map(str::to_string)
}

fn int(root: &Node, path: &str) -> Option<i64> {
    match at(root, path)?.value {
        Value::Int(i) => Some(i),
        _ => None,
    }
}

pub(super) fn boolean(root: &Node, path: &str) -> Option<bool> {
    match at(root, path)?.value {
        Value::Bool(b) => Some(b),
        _ => None,
    }
}

fn summary(root: &Node, top75: bool) -> Summary {
    Summary {
        id: text(root, "proposal.id"),
        organisation: text(root, "proposal.organisation"),
        title: text(root, "proposal.title"),
        spend_type: text(root, "proposal.spend_type"),
        phase: text(root, "proposal.phase"),
        service: text(root, "proposal.service"),
        public_facing: boolean(root, "proposal.public_facing"),
        new_service: boolean(root, "proposal.new_service"),
        whole_life_gbp: int(root, "proposal.amounts.whole_life_gbp"),
        annual_gbp: int(root, "proposal.amounts.annual_gbp"),
        transactions_per_year: int(root, "proposal.transactions_per_year"),
        vulnerable_users: boolean(root, "proposal.vulnerable_users"),
        assurance_rating: text(root, "proposal.assurance_rating"),
        top75,
    }
}

/// Whether `service` of `organisation` is on a pack's top-75 list (`data.top75`).
fn on_top75_list(prepared: &Prepared, organisation: &str, service: &str) -> bool {
    let list = |data: &Map| -> Option<bool> {
        let top75 = Dynamic::from_map(data.clone());
        let departments = crate::engine::api::lookup(&top75, "top75.departments").ok()?;
        let departments = departments.try_cast::<rhai::Array>()?;
        Some(departments.iter().any(|d| {
            let code = crate::engine::api::lookup(d, "code").ok();
            let services = crate::engine::api::lookup(d, "services")
                .ok()
                .and_then(|s| s.try_cast::<rhai::Array>())
                .unwrap_or_default();
            code.and_then(|c| c.into_string().ok()).as_deref() == Some(organisation)
                && services.iter().any(|s| {
                    crate::engine::api::lookup(s, "id")
                        .ok()
                        .and_then(|i| i.into_string().ok())
                        .as_deref()
                        == Some(service)
                })
        }))
    };
    prepared
        .pack_ctx
        .values()
        .any(|(_, data)| list(data).unwrap_or(false))
}

fn parsed_root(run: &Run, file: &str, document: usize, limits: &Limits) -> Option<Node> {
    let source = run.source(file)?;
    load::yaml::parse(&source.text, limits)
        .into_iter()
        .nth(document)
        .and_then(|d| d.root)
}

/// A question for the department, from a finding: the rule's own `question`, or one made
/// from the finding's message.
fn question(f: &Finding, prepared: &Prepared) -> String {
    let asked = prepared
        .rules
        .rules()
        .find(|(_, r)| r.id == f.rule)
        .and_then(|(_, r)| r.question.clone());
    match asked {
        Some(q) => q,
        None if !f.rule.starts_with("proposal-") => {
            format!("Please correct the proposal: {}.", f.message)
        }
        None => format!("How will you address this: {}?", f.message),
    }
}

/// The review's own finding when the strategic commitments must be answered and some are not.
fn unanswered(
    run: &Run,
    root: &Node,
    file: &str,
    document: usize,
    answers: &Answers,
) -> Option<Finding> {
    if !answers.required || answers.missing.is_empty() {
        return None;
    }
    let source_index = run.source_index(file)?;
    let source = &run.sources[source_index];
    let path = DocPath::parse("proposal.strategic_commitments").ok()?;
    let resolved = root.resolve(&path);
    let label = (!resolved.complete)
        .then(|| format!("`{}` is missing here", path.prefix(resolved.found + 1)));
    Some(Finding {
        rule: UNANSWERED.into(),
        commitment: None,
        mission: None,
        severity: Severity::Error,
        file: file.into(),
        document,
        path: path.to_string(),
        location: source.locate(resolved.span),
        message: format!(
            "the strategic commitments must be answered ({}), but {} unanswered: {}",
            answers.reason,
            if answers.missing.len() == 1 {
                "one is"
            } else {
                "these are"
            },
            answers.missing.join(", ")
        ),
        label,
        help: Some(format!(
            "answer each of {} with true or false, explaining each false",
            and_list(&answers.asked)
        )),
        waived: false,
        waiver: None,
        related: Vec::new(),
        targets: Vec::new(),
        source: source_index,
    })
}

/// Review every proposal document of `run` that comes from the `proposal` file.
pub fn reviews(run: &Run, prepared: &Prepared, file: &str, limits: &Limits) -> Vec<Review> {
    let thresholds = Thresholds::from_prepared(prepared);
    let strategic = strategic_answers(prepared);
    run.documents
        .iter()
        .filter(|d| is_reviewed(run, file, d))
        .map(|info| review_document(run, prepared, (&thresholds, &strategic), info, limits))
        .collect()
}

/// Whether a document of the run is one to review: a proposal of the file, or a document of
/// it that could not be read (reviewed, to show why).
fn is_reviewed(run: &Run, file: &str, d: &run::DocInfo) -> bool {
    d.file == file
        && match d.kind.as_deref() {
            Some(kind) => kind == "proposal",
            None => run
                .findings
                .iter()
                .any(|f| f.file == file && f.document == d.document),
        }
}

/// The review of one proposal document.
fn review_document(
    run: &Run,
    prepared: &Prepared,
    (thresholds, strategic): (&Thresholds, &[String]),
    info: &run::DocInfo,
    limits: &Limits,
) -> Review {
    let file = info.file.as_str();
    let root = parsed_root(run, file, info.document, limits).unwrap_or(Node {
        value: Value::Null,
        span: Default::default(),
    });
    let organisation = info.organisation.clone();
    // The declaration the proposal's rules were compared with (its organisation's current
    // declaration in the workspace, or among the declarations given).
    let declaration = run
        .declarations
        .iter()
        .find(|d| Some(&d.organisation) == organisation.as_ref());
    let declaration_root = declaration.and_then(|d| {
        load::yaml::parse(&d.source.text, limits)
            .into_iter()
            .nth(d.document)
            .and_then(|doc| doc.root)
    });
    let top75 = is_top75(prepared, &root, organisation.as_deref(), &declaration_root);
    let summary = summary(&root, top75);
    let approval = approval(&summary, thresholds);
    let rating = rating(&summary, thresholds);
    let answers = answers(&root, &summary, &rating, strategic);
    let findings = findings_of(run, &root, info, &answers);
    let verdict = verdict(&findings, declaration.is_some());
    let missing_declaration = match declaration {
        Some(_) => None,
        None => Some(organisation.as_deref().unwrap_or("the department")),
    };
    let questions = questions(prepared, &findings, &answers, &summary, missing_declaration);
    Review {
        file: file.to_string(),
        document: info.document,
        as_of: info.as_of.clone(),
        proposal: summary,
        declaration: declaration.map(|d| declaration_ref(d, declaration_root.as_ref())),
        approval,
        rating,
        answers,
        verdict,
        verdict_rule: VERDICT_RULE,
        findings: findings
            .into_iter()
            .map(|f| with_context(prepared, f))
            .collect(),
        questions,
    }
}

/// Whether the proposal's service is one of the top 75: flagged so in its department's
/// declaration, or on the pack's list.
fn is_top75(
    prepared: &Prepared,
    root: &Node,
    organisation: Option<&str>,
    declaration_root: &Option<Node>,
) -> bool {
    let service = text(root, "proposal.service");
    let declared = match (declaration_root, &service) {
        (Some(decl), Some(service)) => match at(decl, "services") {
            Some(Node {
                value: Value::Seq(items),
                ..
            }) => items.iter().any(|s| {
                text(s, "id").as_deref() == Some(service) && boolean(s, "top75") == Some(true)
            }),
            _ => false,
        },
        _ => false,
    };
    let listed = match (organisation, &service) {
        (Some(o), Some(s)) => on_top75_list(prepared, o, s),
        _ => false,
    };
    declared || listed
}

/// The run's findings on the proposal, with the review's own finding when strategic
/// commitments that must be answered are not.
fn findings_of(run: &Run, root: &Node, info: &run::DocInfo, answers: &Answers) -> Vec<Finding> {
    let file = info.file.as_str();
    let mut findings: Vec<Finding> = run
        .findings
        .iter()
        .filter(|f| f.file == file && f.document == info.document)
        .cloned()
        .collect();
    if info.evaluated
        && let Some(f) = unanswered(run, root, file, info.document, answers)
    {
        findings.push(f);
        findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    }
    findings
}

/// The questions for the department: one for each finding that is not waived (without
/// repeats), then for a missing declaration (`missing_declaration` names the organisation
/// whose declaration is missing) and missing figures.
fn questions(
    prepared: &Prepared,
    findings: &[Finding],
    answers: &Answers,
    summary: &Summary,
    missing_declaration: Option<&str>,
) -> Vec<String> {
    let mut questions: Vec<String> = Vec::new();
    for f in findings.iter().filter(|f| !f.waived) {
        let q = if f.rule == UNANSWERED {
            format!(
                "Please answer the strategic commitments this proposal must answer: {}.",
                answers.missing.join(", ")
            )
        } else {
            question(f, prepared)
        };
        if !questions.contains(&q) {
            questions.push(q);
        }
    }
    if let Some(organisation) = missing_declaration {
        questions.push(format!(
            "Please provide the current declaration of {organisation}, so the proposal can be checked against it."
        ));
    }
    if summary.whole_life_gbp.is_none() {
        questions.push("What is the whole-life cost of the proposal?".into());
    }
    if summary.transactions_per_year.is_none() {
        questions.push("How many transactions a year will the service handle?".into());
    }
    questions
}

/// A finding with the commitment it serves, in the roadmap's words, or what else it judges.
fn with_context(prepared: &Prepared, finding: Finding) -> ReviewFinding {
    let commitment_text = finding.commitment.and_then(|c| {
        let (pack, _) = prepared.rules.find(&finding.rule)?;
        let (_, commitment) = prepared.rules.commitment(pack, c)?;
        Some(commitment.text.clone())
    });
    let context = match (finding.commitment, &commitment_text) {
        (Some(c), Some(text)) => format!("Commitment {c}: \"{text}\""),
        (Some(c), None) => format!("Commitment {c}"),
        (None, _) if finding.rule == UNANSWERED => {
            "The strategic commitments a high-rated or control-assured proposal must answer".into()
        }
        (None, _) => match prepared.rules.find(&finding.rule) {
            // A rule that serves no single commitment: a cross-check with the declaration, or
            // what its title says it finds.
            Some((_, rule)) if rule.source.text.contains("ctx.declaration") => {
                "Consistency of the proposal with the department's declaration".into()
            }
            Some((_, rule)) => rule.title.clone(),
            None => "The proposal's format (declarations.md)".into(),
        },
    };
    ReviewFinding {
        finding,
        commitment_text,
        context,
    }
}

/// The declaration a proposal was checked against, with its `as_of`.
fn declaration_ref(d: &run::DeclarationUsed, root: Option<&Node>) -> DeclarationRef {
    DeclarationRef {
        file: d.file.clone(),
        document: d.document,
        name: root.and_then(|r| text(r, "organisation.name")),
        as_of: root
            .and_then(|r| text(r, "as_of"))
            .or_else(|| root.and_then(|r| date_text(r, "as_of"))),
    }
}

fn date_text(root: &Node, path: &str) -> Option<String> {
    at(root, path).map(|n| match &n.value {
        Value::Str(s) => s.clone(),
        Value::Int(i) => i.to_string(),
        _ => String::new(),
    })
}
