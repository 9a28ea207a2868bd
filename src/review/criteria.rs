//! The criteria of an assessment: every question the packs' proposal rules ask (and the
//! review's own, the strategic commitments), each with its status, its answer and the evidence
//! the rule looked at: the proposal's paths and values, and the declaration's where a
//! cross-check found them. Passes are criteria as much as failures: a clean proposal's record
//! shows what was checked and found sound.

use serde::Serialize;

use super::assess::{ReviewFinding, UNANSWERED};
use super::derive::Answers;
use super::read::{line_of, value_text};
use crate::finding::Finding;
use crate::node::{DocPath, Node, Value};
use crate::pack::Rule;
use crate::run::{Prepared, RuleResult, Run, Status};
use crate::source::SourceFile;

/// What the assessment concluded on one criterion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CriterionStatus {
    /// The proposal answers it, and the answer meets the guidance.
    Met,
    /// The proposal answers it, and the answer falls short.
    NotMet,
    /// It does not apply to this proposal (the answer says why).
    NotApplicable,
    /// The proposal does not give the fact it needs.
    NotAnswered,
    /// It could not be judged: the proposal could not be read, or the rule failed.
    NotAssessed,
}

impl CriterionStatus {
    pub fn title(self) -> &'static str {
        match self {
            CriterionStatus::Met => "met",
            CriterionStatus::NotMet => "not met",
            CriterionStatus::NotApplicable => "not applicable",
            CriterionStatus::NotAnswered => "not answered",
            CriterionStatus::NotAssessed => "not assessed",
        }
    }
}

/// Which document a piece of evidence is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceIn {
    Proposal,
    Declaration,
}

/// One place a rule looked at: the document, its path, the line and the value written there
/// (`None` when the proposal does not give it).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evidence {
    #[serde(rename = "in")]
    pub within: EvidenceIn,
    pub file: String,
    pub path: String,
    pub line: Option<usize>,
    pub value: Option<String>,
}

/// One question of the assessment, answered.
#[derive(Debug, Clone, Serialize)]
pub struct Criterion {
    pub rule: String,
    /// The criterion, said as met (the rule's `criterion`, else its title).
    pub criterion: String,
    /// What the rule finds when the criterion is not met.
    pub title: String,
    /// The question put to the department.
    pub question: String,
    pub commitment: Option<u32>,
    pub status: CriterionStatus,
    /// Every finding that kept it from being met is waived.
    pub waived: bool,
    /// In words: the findings' messages, the reason it does not apply, or what was met.
    pub answer: String,
    pub evidence: Vec<Evidence>,
}

/// The declaration a proposal was checked against, as the criteria read it.
pub struct DeclarationTree<'a> {
    pub file: &'a str,
    pub source: &'a SourceFile,
    pub root: &'a Node,
}

/// What the criteria are built from.
pub struct Inputs<'a> {
    pub run: &'a Run,
    pub prepared: &'a Prepared,
    /// The proposal's index in [`Run::documents`].
    pub doc: usize,
    pub file: &'a str,
    pub root: &'a Node,
    pub declaration: Option<DeclarationTree<'a>>,
    /// Whether the proposal could be read and its rules ran.
    pub evaluated: bool,
    pub findings: &'a [ReviewFinding],
    pub answers: &'a Answers,
}

/// Whether the proposal gives the fact a finding is about: its path exists and is not `null`.
/// A finding about a fact that is missing means the criterion is not answered.
pub fn answered(root: &Node, finding: &Finding) -> bool {
    let Ok(path) = DocPath::parse(&finding.path) else {
        return true;
    };
    let r = root.resolve(&path);
    r.complete && r.node.value != Value::Null
}

/// Every criterion, the review's own first, then the rules' by commitment and id.
pub fn criteria(inputs: &Inputs) -> Vec<Criterion> {
    let mut rules: Vec<&Rule> = inputs
        .prepared
        .rules
        .rules()
        .map(|(_, r)| r.as_ref())
        .filter(|r| r.applies_to("proposal") && !r.portfolio)
        .collect();
    rules.sort_by(|a, b| {
        (a.commitment.unwrap_or(u32::MAX), &a.id).cmp(&(b.commitment.unwrap_or(u32::MAX), &b.id))
    });
    let mut out = vec![strategic(inputs)];
    out.extend(rules.into_iter().map(|rule| criterion(inputs, rule)));
    out
}

/// The evidence of a path in the proposal.
fn in_proposal(inputs: &Inputs, path: &str) -> Evidence {
    Evidence {
        within: EvidenceIn::Proposal,
        file: inputs.file.to_string(),
        path: path.to_string(),
        line: inputs
            .run
            .source(inputs.file)
            .and_then(|source| line_of(source, inputs.root, path)),
        value: value_text(inputs.root, path),
    }
}

/// The evidence of a path in the declaration, when there is one.
fn in_declaration(inputs: &Inputs, path: &str) -> Option<Evidence> {
    let d = inputs.declaration.as_ref()?;
    Some(Evidence {
        within: EvidenceIn::Declaration,
        file: d.file.to_string(),
        path: path.to_string(),
        line: line_of(d.source, d.root, path),
        value: value_text(d.root, path),
    })
}

/// The evidence with each place (document, file, path) once, the first kept, in order. A set,
/// not a search of the list for each piece: a rule may pass 100,000 checks, and comparing each
/// with those before took minutes.
fn unique(mut list: Vec<Evidence>) -> Vec<Evidence> {
    let mut seen = std::collections::HashSet::new();
    list.retain(|e| seen.insert((e.within, e.file.clone(), e.path.clone())));
    list
}

/// The review's own criterion: the strategic commitments answered where they must be.
fn strategic(inputs: &Inputs) -> Criterion {
    let a = inputs.answers;
    let mut evidence = Vec::new();
    if a.required {
        for key in &a.asked {
            let path = format!("proposal.strategic_commitments.{key}");
            evidence.push(in_proposal(inputs, &path));
        }
    }
    let (status, answer) = if !inputs.evaluated {
        (
            CriterionStatus::NotAssessed,
            "the proposal could not be read".to_string(),
        )
    } else if !a.required {
        (CriterionStatus::NotApplicable, a.reason.clone())
    } else if a.missing.is_empty() {
        (
            CriterionStatus::Met,
            format!("they must be answered ({}), and all are", a.reason),
        )
    } else {
        (
            CriterionStatus::NotAnswered,
            format!(
                "they must be answered ({}); not answered: {}",
                a.reason,
                a.missing.join(", ")
            ),
        )
    };
    Criterion {
        rule: UNANSWERED.to_string(),
        criterion: "The strategic commitments are answered where they must be".to_string(),
        title: "Strategic commitments unanswered".to_string(),
        question: "Does the proposal answer each strategic commitment it must answer?".to_string(),
        commitment: None,
        status,
        waived: false,
        answer,
        evidence: unique(evidence),
    }
}

/// One rule's criterion, from its result on the proposal and its findings there.
fn criterion(inputs: &Inputs, rule: &Rule) -> Criterion {
    let result: Option<&RuleResult> = inputs
        .run
        .results
        .iter()
        .find(|r| r.doc() == inputs.doc && *r.rule == *rule.id);
    let findings: Vec<&Finding> = inputs
        .findings
        .iter()
        .map(|f| &f.finding)
        .filter(|f| f.rule == rule.id)
        .collect();
    let mut evidence = Vec::new();
    let (status, answer, waived) = match result.map(|r| &r.status) {
        None if !inputs.evaluated => (
            CriterionStatus::NotAssessed,
            "the proposal could not be read".to_string(),
            false,
        ),
        None | Some(Status::Failed) => (
            CriterionStatus::NotAssessed,
            "the rule could not judge the proposal (see the problems running the review)"
                .to_string(),
            false,
        ),
        Some(Status::NotApplicable(reason)) => {
            (CriterionStatus::NotApplicable, reason.to_string(), false)
        }
        Some(Status::Applied) => {
            let Some(r) = result else {
                unreachable!("matched on the result's status")
            };
            applied(inputs, r, &findings, &mut evidence)
        }
    };
    Criterion {
        rule: rule.id.clone(),
        criterion: rule.criterion.clone().unwrap_or_else(|| rule.title.clone()),
        title: rule.title.clone(),
        question: rule.question.clone().unwrap_or_else(|| rule.title.clone()),
        commitment: rule.commitment,
        status,
        waived,
        answer,
        evidence: unique(evidence),
    }
}

/// A rule that applied: met when no finding is left unwaived; otherwise not met, or not
/// answered when every live finding is about a fact the proposal does not give.
fn applied(
    inputs: &Inputs,
    result: &RuleResult,
    findings: &[&Finding],
    evidence: &mut Vec<Evidence>,
) -> (CriterionStatus, String, bool) {
    for f in findings {
        evidence.push(in_proposal(inputs, &f.path));
        for r in &f.related {
            let e = if r.file == inputs.file {
                Some(in_proposal(inputs, &r.path))
            } else {
                in_declaration(inputs, &r.path)
            };
            if let Some(e) = e {
                evidence.push(e);
            }
        }
    }
    for p in result.passed().iter().filter(|p| !p.is_empty()) {
        evidence.push(in_proposal(inputs, p));
    }
    for p in result.evidence() {
        if let Some(e) = in_declaration(inputs, p) {
            evidence.push(e);
        }
    }
    let live: Vec<&&Finding> = findings.iter().filter(|f| !f.waived).collect();
    if live.is_empty() {
        let checks = result.passed().len();
        let answer = if findings.is_empty() {
            format!("met: {checks} {} passed", plural(checks, "check", "checks"))
        } else {
            let messages: Vec<&str> = findings.iter().map(|f| f.message.as_str()).collect();
            format!("not met, waived: {}", messages.join("; "))
        };
        let status = if findings.is_empty() {
            CriterionStatus::Met
        } else {
            CriterionStatus::NotMet
        };
        return (status, answer, !findings.is_empty());
    }
    let messages: Vec<&str> = live.iter().map(|f| f.message.as_str()).collect();
    let status = if live.iter().all(|f| !answered(inputs.root, f)) {
        CriterionStatus::NotAnswered
    } else {
        CriterionStatus::NotMet
    };
    (status, messages.join("; "), false)
}

fn plural(n: usize, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 { one } else { many }
}
