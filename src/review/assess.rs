//! The review of one proposal document: its summary, the declaration it is checked against,
//! its findings (with the review's own), the criteria, the decision and its conditions, and the
//! questions for the department.

use serde::Serialize;

use super::conditions::{self, Condition};
use super::criteria::{self, Criterion, DeclarationTree};
use super::decision::{self, Decision, Grounds};
use super::derive::{Answers, Approval, Rating, Thresholds, answers, approval, rating};
use super::previous::Comparison;
use super::provenance::ReviewProvenance;
use super::read::{parsed_root, scalar_text, text};
use super::record::{Record, Signoff};
use super::summary::{Summary, is_top75, summary};
use crate::date::Date;
use crate::finding::{Finding, Severity};
use crate::load::{self, Limits};
use crate::node::{DocPath, Node, Value};
use crate::run::{self, Options, Prepared, Run};

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

/// The assessment record of one proposal document.
#[derive(Debug, Clone, Serialize)]
pub struct Review {
    pub file: String,
    pub document: usize,
    pub as_of: Option<String>,
    pub provenance: ReviewProvenance,
    pub proposal: Summary,
    pub approval: Approval,
    pub rating: Rating,
    pub answers: Answers,
    pub decision: Decision,
    pub criteria: Vec<Criterion>,
    pub conditions: Vec<Condition>,
    pub findings: Vec<ReviewFinding>,
    pub questions: Vec<String>,
    /// The assessors' record of their decision (`--record`), beside the tool's.
    pub record: Option<Signoff>,
    /// The comparison with the proposal's previous review (`--previous-review`).
    pub previous: Option<Comparison>,
}

impl Review {
    /// The declaration the proposal was compared with.
    pub fn declaration(&self) -> Option<&DeclarationRef> {
        self.provenance.declaration.as_ref()
    }
}

/// What every review of a run shares.
pub struct Context<'a> {
    pub run: &'a Run,
    pub prepared: &'a Prepared,
    pub options: &'a Options,
    /// The proposal file, as the run shows it.
    pub file: &'a str,
    /// The assessors' record (`--record`): its date is the decision's, for the review of the
    /// proposal it names.
    pub record: Option<&'a Record>,
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
    // At the first answer missing: the finding is about a fact the proposal does not give.
    let first = answers.missing.first()?;
    let path = DocPath::parse(&format!("proposal.strategic_commitments.{first}")).ok()?;
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
pub fn reviews(ctx: &Context) -> Vec<Review> {
    let thresholds = Thresholds::from_prepared(ctx.prepared);
    let strategic = strategic_answers(ctx.prepared);
    ctx.run
        .documents
        .iter()
        .enumerate()
        .filter(|(_, d)| is_reviewed(ctx.run, ctx.file, d))
        .map(|(index, info)| review_document(ctx, (&thresholds, &strategic), index, info))
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

/// A rule's title, as the decision's reasons name it.
fn rule_title(prepared: &Prepared, id: &str) -> String {
    match prepared.rules.find(id) {
        Some((_, r)) => r.title.clone(),
        None if id == UNANSWERED => "Strategic commitments unanswered".to_string(),
        None => format!("the proposal's format (`{id}`)"),
    }
}

/// The decision's date: the panel's, when its record is of this proposal; else the
/// evaluation date.
fn decided(ctx: &Context, summary: &Summary, info: &run::DocInfo) -> Option<Date> {
    ctx.record
        .filter(|rec| summary.id.as_deref() == Some(rec.proposal.value.as_str()))
        .map(|rec| rec.date)
        .or_else(|| info.as_of.as_deref().and_then(Date::parse))
}

/// The declaration the proposal's rules were compared with (its organisation's current
/// declaration in the workspace, or among the declarations given), and its tree.
fn declaration_for<'a>(
    run: &'a Run,
    organisation: Option<&str>,
    limits: &Limits,
) -> (Option<&'a run::DeclarationUsed>, Option<Node>) {
    let declaration = run
        .declarations
        .iter()
        .find(|d| Some(d.organisation.as_str()) == organisation);
    let root = declaration.and_then(|d| {
        load::yaml::parse(&d.source.text, limits)
            .into_iter()
            .nth(d.document)
            .and_then(|doc| doc.root)
    });
    (declaration, root)
}

/// The review of one proposal document (`index` in the run's documents).
fn review_document(
    ctx: &Context,
    (thresholds, strategic): (&Thresholds, &[String]),
    index: usize,
    info: &run::DocInfo,
) -> Review {
    let (run, prepared) = (ctx.run, ctx.prepared);
    let limits: &Limits = &ctx.options.limits;
    let file = info.file.as_str();
    let root = parsed_root(run, file, info.document, limits).unwrap_or(Node {
        value: Value::Null,
        span: Default::default(),
    });
    let organisation = info.organisation.clone();
    let (declaration, declaration_root) = declaration_for(run, organisation.as_deref(), limits);
    let top75 = is_top75(
        prepared,
        &root,
        organisation.as_deref(),
        declaration_root.as_ref(),
    );
    let summary = summary(&root, top75);
    let approval = approval(&summary, thresholds);
    let rating = rating(&summary, thresholds);
    let answers = answers(&root, &summary, &rating, strategic);
    let findings: Vec<ReviewFinding> = findings_of(run, &root, info, &answers)
        .into_iter()
        .map(|f| with_context(prepared, f))
        .collect();
    let plain: Vec<&Finding> = findings.iter().map(|f| &f.finding).collect();
    let missing_declaration = match declaration {
        Some(_) => None,
        None => Some(organisation.as_deref().unwrap_or("the department")),
    };
    let decision = decision::decide(
        &Grounds {
            findings: &plain,
            root: &root,
            evaluated: info.evaluated,
            missing_declaration,
            approval: &approval,
        },
        &|id| rule_title(prepared, id),
    );
    let conditions = conditions::conditions(&conditions::Inputs {
        prepared,
        root: &root,
        findings: &plain,
        missing_declaration,
        decided: decided(ctx, &summary, info),
    });
    let criteria = criteria::criteria(&criteria::Inputs {
        run,
        prepared,
        doc: index,
        file,
        root: &root,
        declaration: declaration
            .zip(declaration_root.as_ref())
            .map(|(d, root)| DeclarationTree {
                file: &d.file,
                source: &d.source,
                root,
            }),
        evaluated: info.evaluated,
        findings: &findings,
        answers: &answers,
    });
    let questions = questions(prepared, &plain, &answers, &summary, missing_declaration);
    Review {
        file: file.to_string(),
        document: info.document,
        as_of: info.as_of.clone(),
        provenance: ReviewProvenance::of(
            &run.provenance,
            prepared,
            ctx.options,
            info.as_of.clone(),
            declaration.map(|d| declaration_ref(d, declaration_root.as_ref())),
        ),
        proposal: summary,
        approval,
        rating,
        answers,
        decision,
        criteria,
        conditions,
        findings,
        questions,
        record: None,
        previous: None,
    }
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
    findings: &[&Finding],
    answers: &Answers,
    summary: &Summary,
    missing_declaration: Option<&str>,
) -> Vec<String> {
    let mut questions: Vec<String> = Vec::new();
    // Asked once each: a set, not a search of the list per finding (100,000 findings).
    let mut asked = std::collections::HashSet::new();
    for f in findings.iter().filter(|f| !f.waived) {
        let q = if f.rule == UNANSWERED {
            format!(
                "Please answer the strategic commitments this proposal must answer: {}.",
                answers.missing.join(", ")
            )
        } else {
            question(f, prepared)
        };
        if asked.insert(q.clone()) {
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
            .or_else(|| root.and_then(|r| scalar_text(r, "as_of"))),
    }
}
