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

mod assess;
mod decision;
mod derive;
pub mod html;
pub mod human;
pub mod json;
pub mod markdown;
mod places;

pub use assess::{
    DeclarationRef, Review, ReviewFinding, Summary, UNANSWERED, reviews, strategic_answers,
};
pub use decision::{VERDICT_RULE, Verdict, verdict};
pub use derive::{
    Answers, Approval, Band, Level, Rating, Thresholds, answers, approval, band, gbp, rating,
    thousands,
};
pub use places::{Place, line_text, places};

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
