//! `roadmap-lint review`.

use clap::Args;

use super::args::{ColorChoice, EvalArgs, format_parser};
use super::output;
use super::settings;
use crate::Exit;
use crate::review::{self, Format, Request};

#[derive(Debug, Args)]
pub struct ReviewArgs {
    /// The proposal file (`kind: proposal`); `-` reads stdin.
    #[arg(value_name = "PROPOSAL")]
    pub proposal: String,
    /// Department declarations (files or directories) to check the proposal against, instead
    /// of the workspace's: the latest of the organisation `proposal.organisation` names is
    /// used. Without it, that organisation's current declaration in the workspace.
    #[arg(long, value_name = "PATH", num_args = 1..)]
    pub declarations: Vec<String>,
    /// The assessors' record of their decision (YAML: panel, date, decision, conditions added,
    /// removed or re-dated, amount and period approved, sign-off), shown beside the tool's
    /// recommendation; `roadmap-lint schema record` prints its format.
    #[arg(long, value_name = "FILE")]
    pub record: Option<std::path::PathBuf>,
    /// The proposal's previous review (`review --format json`): the conditions met, still
    /// open and new since, and the findings fixed and new.
    #[arg(long, value_name = "OLD.json")]
    pub previous_review: Option<std::path::PathBuf>,
    /// Output format.
    #[arg(long, default_value = "human", value_parser = format_parser(Format::NAMES, Format::parse))]
    pub format: Format,
    /// Also write the review to this file (written whole, or not at all; a human review
    /// without colour).
    #[arg(long, short = 'o', value_name = "PATH")]
    pub output: Option<std::path::PathBuf>,
    /// Colour in the human report.
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorChoice,
    #[command(flatten)]
    pub eval: EvalArgs,
}

pub fn run(args: ReviewArgs) -> Exit {
    let err_style = output::err_style(args.color);
    let mut settings = match settings::settings(&args.eval) {
        Ok(s) => s,
        Err(diagnostics) => return output::fail(&diagnostics, err_style),
    };
    // The proposal is compared with its organisation's current declaration in the workspace,
    // as `check` and the editor compare it; `--declarations` names the files to compare with
    // instead.
    if args.declarations.is_empty() {
        settings.options.workspace = Some(std::sync::Arc::new(settings.workspace()));
        settings.save_cache();
    }
    crate::parallel::set_jobs(
        args.eval.jobs.map(usize::from),
        args.declarations.len().saturating_add(1),
    );
    let outcome = review::review(&Request {
        proposal: args.proposal.clone(),
        declarations: args.declarations.clone(),
        stdin_name: args.eval.stdin_name.clone(),
        options: settings.options,
        record: args.record.clone(),
        previous_review: args.previous_review.clone(),
    });
    let style = output::style(args.color);
    let text = review::render(&outcome, args.format, style);
    if let Some(path) = &args.output {
        let plain = review::render(
            &outcome,
            args.format,
            crate::report::human::Style {
                color: false,
                ..style
            },
        );
        let mut inputs = args.declarations.clone();
        inputs.push(args.proposal.clone());
        if let Some(d) = output::write_file(path, &plain, "review", &inputs) {
            output::print(&text);
            return output::fail(&[d], err_style);
        }
    }
    if let Some(d) = output::print_report(&text, "review") {
        return output::fail(&[d], err_style);
    }
    review::exit_code(&outcome)
}
