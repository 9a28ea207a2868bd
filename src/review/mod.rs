//! `roadmap-lint review`: a spend-control assessment of one proposal, as the record an
//! assessor files. The proposal rules run (with the department declaration of the same
//! organisation as `ctx.declaration`, so the cross-checks can label both files), and this module
//! builds the record: its provenance, what the review derives (whether approval is needed, the
//! risk-and-importance rating band by band, whether the strategic commitments must be
//! answered), every criterion with its status and evidence, the recommended decision and its
//! conditions, and the questions to put back to the department. Each output format is its own
//! module and only renders a [`Review`].
//!
//! The decision rule ([`DECISION_RULE`]): an unwaived error where the proposal's answer falls
//! short means **not approved**; otherwise an error about a fact the proposal does not give, a
//! proposal that cannot be read, or a spend whose need for approval cannot be decided means
//! **more information needed**; otherwise warnings, or no declaration to check it against, mean
//! **approve with conditions**; otherwise **approve**.

mod assess;
pub mod conditions;
pub mod criteria;
pub mod decision;
mod derive;
pub mod html;
pub mod human;
pub mod json;
pub mod markdown;
mod places;
pub mod previous;
mod provenance;
mod read;
pub mod record;
mod rows;
mod summary;

pub use assess::{Context, Review, ReviewFinding, reviews};
pub use criteria::{CriterionStatus, EvidenceIn};
pub use decision::Recommendation;
pub use derive::{gbp, thousands};
pub use places::places;
pub use provenance::ParamUsed;

use crate::Exit;
use crate::diag::{Code, ToolDiagnostic};
use crate::load;
use crate::run::{self, Options, Run};

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
    /// The assessors' record of their decision (`--record`).
    pub record: Option<std::path::PathBuf>,
    /// The proposal's previous review, as JSON (`--previous-review`).
    pub previous_review: Option<std::path::PathBuf>,
}

/// Everything a reviewer report renders.
pub struct Outcome {
    pub run: Run,
    pub reviews: Vec<Review>,
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
    let record = request.record.as_deref().and_then(|path| {
        record::load(path)
            .map_err(|d| result.diagnostics.extend(d))
            .ok()
    });
    let mut reviews = reviews(&Context {
        run: &result,
        prepared: &prepared,
        options: &options,
        file: &file,
        record: record.as_ref(),
    });
    if let Some(record) = &record {
        result.diagnostics.extend(sign_off(record, &mut reviews));
    }
    if let Some(path) = &request.previous_review {
        result
            .diagnostics
            .extend(compare_previous(path, &mut reviews));
    }
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

/// The record applied to the review of the proposal it names; a record of another proposal is
/// a diagnostic at its `proposal`.
fn sign_off(record: &record::Record, reviews: &mut [Review]) -> Vec<ToolDiagnostic> {
    let wanted = record.proposal.value.as_str();
    let Some(r) = reviews
        .iter_mut()
        .find(|r| r.proposal.id.as_deref() == Some(wanted))
    else {
        let reviewed: Vec<&str> = reviews
            .iter()
            .filter_map(|r| r.proposal.id.as_deref())
            .collect();
        return vec![
            ToolDiagnostic::new(
                Code::RecordInvalid,
                format!(
                    "the record is of proposal {wanted}, but the proposal reviewed is {}",
                    if reviewed.is_empty() {
                        "unnamed".to_string()
                    } else {
                        reviewed.join(", ")
                    }
                ),
            )
            .at(&record.source, record.proposal.span)
            .label("the record's proposal")
            .help("give the record of this proposal, or review the proposal this record is of"),
        ];
    };
    let (signoff, diags) = record::apply(record, r.decision.recommendation, &r.conditions);
    r.record = Some(signoff);
    diags
}

/// Each review compared with its previous one; a previous review that cannot be read, or holds
/// no review of the proposal, is a diagnostic.
fn compare_previous(path: &std::path::Path, reviews: &mut [Review]) -> Vec<ToolDiagnostic> {
    let previous = match previous::load(path) {
        Ok(p) => p,
        Err(d) => return vec![d],
    };
    let mut diags = Vec::new();
    for r in reviews.iter_mut() {
        match previous::compare(&previous, r) {
            Ok(c) => r.previous = Some(c),
            Err(d) => diags.push(d),
        }
    }
    diags
}

/// The exit code of a review: 2 when the tool could not do its job, 1 when a proposal is not
/// recommended for approval (not approved, or more information needed), else 0.
pub fn exit_code(outcome: &Outcome) -> Exit {
    if outcome.run.has_tool_errors() {
        Exit::ToolError
    } else if outcome
        .reviews
        .iter()
        .any(|r| !r.decision.recommendation.approves())
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
