//! `roadmap-lint review`: a spend-control reviewer's view of one proposal. The proposal rules run
//! (with the department declaration of the same organisation as `ctx.declaration`, so the
//! cross-checks can label both files), and this module derives what the reviewer decides on:
//! whether approval is needed, the risk-and-importance rating band by band, whether the strategic
//! commitments must be answered, the verdict and the questions to put back to the department.
//! Each output format is its own module and only renders a [`Review`].
//!
//! The verdict rule: any unwaived error finding makes the proposal **not ready**; otherwise any
//! unwaived warning, or no declaration to check it against, means **approve with conditions**;
//! otherwise it is **ready for approval**.

pub mod html;
pub mod human;
pub mod json;
pub mod markdown;

use rhai::{Dynamic, Map};
use serde::Serialize;

use crate::Exit;
use crate::diag::{Code, ToolDiagnostic};
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

/// The review's output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Human,
    Markdown,
    Html,
    Json,
}

impl Format {
    pub const NAMES: &'static [&'static str] = &["human", "markdown", "html", "json"];

    pub fn parse(name: &str) -> Option<Format> {
        Some(match name {
            "human" => Format::Human,
            "markdown" => Format::Markdown,
            "html" => Format::Html,
            "json" => Format::Json,
            _ => return None,
        })
    }
}

/// What to review: one proposal file, the declarations to check it against, and the run's
/// options (from the config file and the flags).
#[derive(Debug, Clone)]
pub struct Request {
    pub proposal: String,
    pub declarations: Vec<String>,
    /// The name shown for standard input.
    pub stdin_name: String,
    pub options: Options,
}

/// A risk-and-importance level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Low,
    Medium,
    High,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Low => "low",
            Level::Medium => "medium",
            Level::High => "high",
        }
    }
}

/// The thresholds the derivations use, read from the packs' parameters (after `--param`).
#[derive(Debug, Clone, Default)]
pub struct Thresholds {
    pub public_facing_approval_gbp: Option<i64>,
    pub other_approval_gbp: Option<i64>,
    pub risk_medium_whole_life_gbp: Option<i64>,
    pub risk_high_whole_life_gbp: Option<i64>,
    pub risk_medium_transactions: Option<i64>,
    pub risk_high_transactions: Option<i64>,
}

impl Thresholds {
    pub fn from_prepared(prepared: &Prepared) -> Thresholds {
        let get = |name: &str| {
            prepared
                .pack_ctx
                .values()
                .find_map(|(params, _)| params.get(name).and_then(|v| v.as_int().ok()))
        };
        Thresholds {
            public_facing_approval_gbp: get("public_facing_approval_gbp"),
            other_approval_gbp: get("other_approval_gbp"),
            risk_medium_whole_life_gbp: get("risk_medium_whole_life_gbp"),
            risk_high_whole_life_gbp: get("risk_high_whole_life_gbp"),
            risk_medium_transactions: get("risk_medium_transactions"),
            risk_high_transactions: get("risk_high_transactions"),
        }
    }
}

/// A band's level from a value and its two thresholds: below `medium` is low, from `medium` up
/// to and including `high` is medium, above `high` is high.
pub fn band(value: i64, medium: i64, high: i64) -> Level {
    if value > high {
        Level::High
    } else if value >= medium {
        Level::Medium
    } else {
        Level::Low
    }
}

/// One line of the rating: what was looked at, its level, and why.
#[derive(Debug, Clone, Serialize)]
pub struct Band {
    pub name: &'static str,
    /// `None` when the proposal does not give the fact.
    pub level: Option<Level>,
    pub reason: String,
}

/// The risk-and-importance rating: the highest of its bands.
#[derive(Debug, Clone, Serialize)]
pub struct Rating {
    pub level: Option<Level>,
    pub bands: Vec<Band>,
}

/// Whether the spend needs spend-control approval, and why.
#[derive(Debug, Clone, Serialize)]
pub struct Approval {
    /// `None` when the proposal does not give enough to decide.
    pub required: Option<bool>,
    pub reason: String,
}

/// Whether the strategic commitments must be answered, and which answers are missing.
#[derive(Debug, Clone, Serialize)]
pub struct Answers {
    pub required: bool,
    pub reason: String,
    pub missing: Vec<String>,
    /// Every answer a proposal gives (the packs' strategic commitments).
    #[serde(skip)]
    pub asked: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Ready,
    ApproveWithConditions,
    NotReady,
}

impl Verdict {
    pub fn title(self) -> &'static str {
        match self {
            Verdict::Ready => "Ready for approval",
            Verdict::ApproveWithConditions => "Approve with conditions",
            Verdict::NotReady => "Not ready",
        }
    }
}

/// The documented verdict rule, as one sentence for the reports.
pub const VERDICT_RULE: &str = "any error makes a proposal not ready; otherwise warnings, or no declaration to check it against, mean approve with conditions; no findings means ready for approval";

/// The verdict from the findings (waived ones do not count) and whether a declaration was found.
pub fn verdict(findings: &[Finding], declared: bool) -> Verdict {
    let live = || findings.iter().filter(|f| !f.waived);
    if live().any(|f| f.severity == Severity::Error) {
        Verdict::NotReady
    } else if live().any(|f| f.severity == Severity::Warning) || !declared {
        Verdict::ApproveWithConditions
    } else {
        Verdict::Ready
    }
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

/// Everything a reviewer report renders.
pub struct Outcome {
    pub run: Run,
    pub reviews: Vec<Review>,
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

fn boolean(root: &Node, path: &str) -> Option<bool> {
    match at(root, path)?.value {
        Value::Bool(b) => Some(b),
        _ => None,
    }
}

impl Rating {
    /// The rating as the reports state it.
    pub fn describe(&self) -> String {
        match self.level {
            Some(l) => format!("{} (the highest band)", l.as_str()),
            None => "unknown (a band lacks the fact it needs)".into(),
        }
    }
}

/// Whole pounds with thousands separators: `£24,000,000`.
pub fn gbp(amount: i64) -> String {
    format!("£{}", thousands(amount))
}

/// A whole number with thousands separators.
pub fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// Whether the spend needs approval: public-facing spend over `public_facing_approval_gbp`,
/// other spend over `other_approval_gbp`, and any `crypt_key` spend. The whole-life cost is the
/// amount compared.
pub fn approval(summary: &Summary, t: &Thresholds) -> Approval {
    if summary.spend_type.as_deref() == Some("crypt_key") {
        return Approval {
            required: Some(true),
            reason: "crypt_key spend always needs approval".into(),
        };
    }
    let Some(amount) = summary.whole_life_gbp else {
        return Approval {
            required: None,
            reason: "the proposal gives no whole-life cost (`amounts.whole_life_gbp`)".into(),
        };
    };
    let (limit, what, param) = if summary.public_facing == Some(true) {
        (
            t.public_facing_approval_gbp,
            "public-facing spend",
            "public_facing_approval_gbp",
        )
    } else {
        (t.other_approval_gbp, "spend", "other_approval_gbp")
    };
    let Some(limit) = limit else {
        return Approval {
            required: None,
            reason: format!("no pack defines the parameter `{param}`"),
        };
    };
    let required = amount > limit;
    Approval {
        required: Some(required),
        reason: format!(
            "{what} of {} is {} {}",
            gbp(amount),
            if required { "over" } else { "not over" },
            gbp(limit)
        ),
    }
}

/// The risk-and-importance rating: the highest of the whole-life-cost band, the
/// transaction-volume band, and medium for a top-75 service or vulnerable users.
pub fn rating(summary: &Summary, t: &Thresholds) -> Rating {
    let mut bands = Vec::new();
    bands.push(
        match (
            summary.whole_life_gbp,
            t.risk_medium_whole_life_gbp,
            t.risk_high_whole_life_gbp,
        ) {
            (Some(v), Some(m), Some(h)) => {
                let level = band(v, m, h);
                let reason = match level {
                    Level::Low => format!("{} is under {}", gbp(v), gbp(m)),
                    Level::Medium => format!("{} is from {} to {}", gbp(v), gbp(m), gbp(h)),
                    Level::High => format!("{} is over {}", gbp(v), gbp(h)),
                };
                Band {
                    name: "whole-life cost",
                    level: Some(level),
                    reason,
                }
            }
            (None, _, _) => Band {
                name: "whole-life cost",
                level: None,
                reason: "not given (`amounts.whole_life_gbp`)".into(),
            },
            _ => Band {
                name: "whole-life cost",
                level: None,
                reason:
                    "no pack defines `risk_medium_whole_life_gbp` and `risk_high_whole_life_gbp`"
                        .into(),
            },
        },
    );
    bands.push(
        match (
            summary.transactions_per_year,
            t.risk_medium_transactions,
            t.risk_high_transactions,
        ) {
            (Some(v), Some(m), Some(h)) => {
                let level = band(v, m, h);
                let (v, m, h) = (thousands(v), thousands(m), thousands(h));
                let reason = match level {
                    Level::Low => format!("{v} is under {m}"),
                    Level::Medium => format!("{v} is from {m} to {h}"),
                    Level::High => format!("{v} is over {h}"),
                };
                Band {
                    name: "transactions a year",
                    level: Some(level),
                    reason,
                }
            }
            (None, _, _) => Band {
                name: "transactions a year",
                level: None,
                reason: "not given (`transactions_per_year`)".into(),
            },
            _ => Band {
                name: "transactions a year",
                level: None,
                reason: "no pack defines `risk_medium_transactions` and `risk_high_transactions`"
                    .into(),
            },
        },
    );
    let mut why = Vec::new();
    if summary.top75 {
        why.push("a top-75 service");
    }
    if summary.vulnerable_users == Some(true) {
        why.push("vulnerable users");
    }
    bands.push(if why.is_empty() {
        Band {
            name: "service and users",
            level: Some(Level::Low),
            reason: "not a top-75 service; no vulnerable users declared".into(),
        }
    } else {
        Band {
            name: "service and users",
            level: Some(Level::Medium),
            reason: why.join(" with "),
        }
    });
    // An unknown band could be the highest, unless a known one is already high.
    let known = bands.iter().filter_map(|b| b.level).max();
    let level = if bands.iter().any(|b| b.level.is_none()) && known != Some(Level::High) {
        None
    } else {
        known
    };
    Rating { level, bands }
}

/// Whether the strategic commitments must be answered: a high rating, or an assurance rating
/// of `control`.
pub fn answers(root: &Node, summary: &Summary, rating: &Rating, strategic: &[String]) -> Answers {
    let mut why = Vec::new();
    if rating.level == Some(Level::High) {
        why.push("the rating is high".to_string());
    }
    if summary.assurance_rating.as_deref() == Some("control") {
        why.push("the assurance rating is control".to_string());
    }
    let required = !why.is_empty();
    let missing = strategic
        .iter()
        .filter(|key| boolean(root, &format!("proposal.strategic_commitments.{key}")).is_none())
        .cloned()
        .collect();
    Answers {
        required,
        reason: if required {
            why.join(" and ")
        } else {
            "the rating is not high and the assurance rating is not control".into()
        },
        missing,
        asked: strategic.to_vec(),
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
    let declaration = run.documents.iter().find(|d| {
        d.evaluated
            && d.kind.as_deref() == Some("department")
            && d.organisation.is_some()
            && d.organisation == organisation
    });
    let declaration_root = declaration.and_then(|d| parsed_root(run, &d.file, d.document, limits));
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
        (None, _) if finding.rule.starts_with("proposal-") => {
            "Consistency of the proposal with the department's declaration".into()
        }
        (None, _) => "The proposal's format (declarations.md)".into(),
    };
    ReviewFinding {
        finding,
        commitment_text,
        context,
    }
}

/// The declaration a proposal was checked against, with its `as_of`.
fn declaration_ref(d: &run::DocInfo, root: Option<&Node>) -> DeclarationRef {
    DeclarationRef {
        file: d.file.clone(),
        document: d.document,
        name: d.name.clone(),
        as_of: root
            .and_then(|r| text(r, "as_of"))
            .or_else(|| root.and_then(|r| date_text(r, "as_of"))),
    }
}

/// The text of line `line` (1-based) of a file of the run, for the reports' snippets.
pub fn line_text(run: &Run, file: &str, line: usize) -> Option<String> {
    let source = run.source(file)?;
    source
        .text
        .lines()
        .nth(line.checked_sub(1)?)
        .map(|l| l.trim_end().to_string())
}

/// The lines of a finding for the text reports: where, what and its related places.
pub struct Place {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub path: String,
    pub label: String,
    pub text: Option<String>,
}

/// The primary place of a finding and its related places, in order.
pub fn places(run: &Run, f: &Finding) -> Vec<Place> {
    let mut out = vec![Place {
        file: f.file.clone(),
        line: f.location.line,
        column: f.location.column,
        path: f.path.clone(),
        label: f.label.clone().unwrap_or_else(|| "here".into()),
        text: line_text(run, &f.file, f.location.line),
    }];
    for r in &f.related {
        out.push(Place {
            file: r.file.clone(),
            line: r.location.line,
            column: r.location.column,
            path: r.path.clone(),
            label: r.message.clone(),
            text: line_text(run, &r.file, r.location.line),
        });
    }
    out
}

fn date_text(root: &Node, path: &str) -> Option<String> {
    at(root, path).map(|n| match &n.value {
        Value::Str(s) => s.clone(),
        Value::Int(i) => i.to_string(),
        _ => String::new(),
    })
}

/// Run the proposal rules over the proposal, with the declarations at hand, and review it.
pub fn review(request: &Request) -> Outcome {
    let options = Options {
        // Only proposal rules run here: a declaration's waivers of other rules are not stale.
        waivers: crate::waiver::WaiverSettings {
            flag_unknown_rules: false,
            ..request.options.waivers
        },
        ..request.options.clone()
    };
    let mut prepared = run::prepare(&options);
    // Only proposal rules: the declarations are context here, not under review.
    for pack in &mut prepared.rules.packs {
        pack.rules.retain(|r| r.applies_to("proposal"));
    }
    let mut paths = vec![request.proposal.clone()];
    paths.extend(request.declarations.iter().cloned());
    let (mut inputs, input_errors) = load::expand(&paths, &request.stdin_name);
    // A declarations directory may hold the proposal itself: read it once.
    if let Some(load::Input::File(first)) = inputs.first().cloned() {
        let same = |p: &std::path::Path| {
            p == first
                || std::fs::canonicalize(p).ok().is_some_and(|c| {
                    std::fs::canonicalize(&first).ok().as_deref() == Some(c.as_path())
                })
        };
        let mut rest: Vec<load::Input> = inputs.split_off(1);
        rest.retain(|i| !matches!(i, load::Input::File(p) if same(p)));
        inputs.extend(rest);
    }
    let mut result = run::run(&inputs, &prepared, &options);
    result
        .diagnostics
        .extend(input_errors.into_iter().map(ToolDiagnostic::from));
    let file = inputs
        .first()
        .map(|i| i.display_name())
        .unwrap_or_else(|| request.proposal.clone());
    let reviews = reviews(&result, &prepared, &file, &options.limits);
    if reviews.is_empty() && !result.has_tool_errors() {
        result.diagnostics.push(
            ToolDiagnostic::new(
                Code::ReviewNoProposal,
                format!("`{file}` holds no document of kind `proposal`"),
            )
            .file(file.clone())
            .help("give the proposal first, and department declarations after `--declarations`"),
        );
    }
    Outcome {
        run: result,
        reviews,
    }
}

/// The exit code of a review: 2 when the tool could not do its job, 1 when a proposal is not
/// ready, else 0.
pub fn exit_code(outcome: &Outcome) -> Exit {
    if outcome.run.has_tool_errors() {
        Exit::ToolError
    } else if outcome
        .reviews
        .iter()
        .any(|r| r.verdict == Verdict::NotReady)
    {
        Exit::Findings
    } else {
        Exit::Clean
    }
}

/// The review in a format.
pub fn render(outcome: &Outcome, format: Format, style: crate::report::human::Style) -> String {
    match format {
        Format::Human => human::render(outcome, style),
        Format::Markdown => markdown::render(outcome),
        Format::Html => html::render(outcome),
        Format::Json => json::render(outcome),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn thresholds() -> Thresholds {
        Thresholds {
            public_facing_approval_gbp: Some(100_000),
            other_approval_gbp: Some(1_000_000),
            risk_medium_whole_life_gbp: Some(20_000_000),
            risk_high_whole_life_gbp: Some(50_000_000),
            risk_medium_transactions: Some(100_000),
            risk_high_transactions: Some(1_000_000),
        }
    }

    fn level_of(rating: &Rating, name: &str) -> Option<Level> {
        rating.bands.iter().find(|b| b.name == name).unwrap().level
    }

    #[test]
    fn whole_life_band_boundaries() {
        let t = thresholds();
        let rate = |v| {
            level_of(
                &rating(
                    &Summary {
                        whole_life_gbp: Some(v),
                        ..Summary::default()
                    },
                    &t,
                ),
                "whole-life cost",
            )
        };
        assert_eq!(rate(19_999_999), Some(Level::Low));
        assert_eq!(rate(20_000_000), Some(Level::Medium));
        assert_eq!(rate(50_000_000), Some(Level::Medium));
        assert_eq!(rate(50_000_001), Some(Level::High));
    }

    #[test]
    fn transaction_band_boundaries() {
        let t = thresholds();
        let rate = |v| {
            level_of(
                &rating(
                    &Summary {
                        transactions_per_year: Some(v),
                        ..Summary::default()
                    },
                    &t,
                ),
                "transactions a year",
            )
        };
        assert_eq!(rate(99_999), Some(Level::Low));
        assert_eq!(rate(100_000), Some(Level::Medium));
        assert_eq!(rate(1_000_000), Some(Level::Medium));
        assert_eq!(rate(1_000_001), Some(Level::High));
    }

    #[test]
    fn rating_is_the_highest_band_and_top75_or_vulnerable_users_is_medium() {
        let t = thresholds();
        let low = Summary {
            whole_life_gbp: Some(1),
            transactions_per_year: Some(1),
            ..Summary::default()
        };
        assert_eq!(rating(&low, &t).level, Some(Level::Low));
        let top75 = Summary {
            top75: true,
            ..low.clone()
        };
        assert_eq!(rating(&top75, &t).level, Some(Level::Medium));
        let vulnerable = Summary {
            vulnerable_users: Some(true),
            ..low.clone()
        };
        assert_eq!(rating(&vulnerable, &t).level, Some(Level::Medium));
        let high = Summary {
            transactions_per_year: Some(2_000_000),
            ..vulnerable
        };
        assert_eq!(rating(&high, &t).level, Some(Level::High));
        // An unknown band leaves the rating unknown, unless a known band is already high.
        let unknown = Summary {
            whole_life_gbp: Some(1),
            ..Summary::default()
        };
        assert_eq!(rating(&unknown, &t).level, None);
        let known_high = Summary {
            whole_life_gbp: Some(60_000_000),
            ..Summary::default()
        };
        assert_eq!(rating(&known_high, &t).level, Some(Level::High));
    }

    #[test]
    fn approval_thresholds_are_exclusive() {
        let t = thresholds();
        let public = |v| Summary {
            public_facing: Some(true),
            whole_life_gbp: Some(v),
            ..Summary::default()
        };
        assert_eq!(approval(&public(100_000), &t).required, Some(false));
        assert_eq!(approval(&public(100_001), &t).required, Some(true));
        let other = |v| Summary {
            public_facing: Some(false),
            whole_life_gbp: Some(v),
            ..Summary::default()
        };
        assert_eq!(approval(&other(1_000_000), &t).required, Some(false));
        assert_eq!(approval(&other(1_000_001), &t).required, Some(true));
        let crypt = Summary {
            spend_type: Some("crypt_key".into()),
            whole_life_gbp: Some(1),
            ..Summary::default()
        };
        assert_eq!(approval(&crypt, &t).required, Some(true));
        assert_eq!(approval(&Summary::default(), &t).required, None);
    }

    #[test]
    fn verdict_follows_the_documented_rule() {
        let finding = |severity, waived| Finding {
            rule: "r".into(),
            commitment: None,
            mission: None,
            severity,
            file: "f".into(),
            document: 0,
            path: String::new(),
            location: Default::default(),
            message: String::new(),
            label: None,
            help: None,
            waived,
            waiver: None,
            related: Vec::new(),
            targets: Vec::new(),
            source: 0,
        };
        assert_eq!(verdict(&[], true), Verdict::Ready);
        assert_eq!(verdict(&[], false), Verdict::ApproveWithConditions);
        assert_eq!(
            verdict(&[finding(Severity::Warning, false)], true),
            Verdict::ApproveWithConditions
        );
        assert_eq!(
            verdict(
                &[
                    finding(Severity::Warning, false),
                    finding(Severity::Error, false)
                ],
                true
            ),
            Verdict::NotReady
        );
        assert_eq!(
            verdict(&[finding(Severity::Error, true)], true),
            Verdict::Ready
        );
    }

    #[test]
    fn money_is_written_with_separators() {
        assert_eq!(gbp(24_000_000), "£24,000,000");
        assert_eq!(gbp(999), "£999");
        assert_eq!(thousands(100_000), "100,000");
    }
}
