//! `roadmap-lint progress`.

use std::path::PathBuf;

use clap::Args;

use super::args::{ColorChoice, EvalArgs, format_parser};
use super::output;
use super::settings;
use crate::Exit;
use crate::diag::ToolDiagnostic;
use crate::progress::{self, Format, Period};

#[derive(Debug, Args)]
pub struct ProgressArgs {
    /// Declarations of several dates: files, folders (such as one folder per snapshot) or
    /// files of several documents. Each organisation's declarations with different `as_of`
    /// dates form its series.
    #[arg(required_unless_present = "git", value_name = "PATH")]
    pub paths: Vec<String>,
    /// Read the series from git instead: the workspace's declarations as committed over the
    /// first-parent history of REV-RANGE (`main`, `v1.0..main`; HEAD's when none is given).
    /// Each organisation's distinct `as_of` is a point, in the newest commit's version. Read
    /// from the repository, without the `git` program.
    #[arg(long, value_name = "REV-RANGE", num_args = 0..=1, default_missing_value = "HEAD",
          conflicts_with = "paths")]
    pub git: Option<String>,
    /// Output format (html is a page for boards, with a trend chart per mission).
    #[arg(long, default_value = "human", value_parser = format_parser(Format::NAMES, Format::parse))]
    pub format: Format,
    /// How declarations make snapshots: each `as_of` date, or the financial quarter, half-year
    /// (the board's six-monthly review) or year holding it. In a period, an organisation's
    /// latest declaration stands for it.
    #[arg(long, default_value = "date", value_parser = format_parser(Period::NAMES, Period::parse))]
    pub period: Period,
    /// Weights and RAG bands overriding the pack (as for `score --weights`).
    #[arg(long, value_name = "FILE")]
    pub weights: Option<PathBuf>,
    /// Also write the report to this file (written whole, or not at all; a human report
    /// without colour).
    #[arg(long, short = 'o', value_name = "PATH")]
    pub output: Option<PathBuf>,
    /// Colour in the human report (the RAG label is always written out too).
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorChoice,
    #[command(flatten)]
    pub eval: EvalArgs,
}

pub fn run(args: ProgressArgs) -> Exit {
    let err_style = output::err_style(args.color);
    let mut settings = match settings::settings(&args.eval) {
        Ok(s) => s,
        Err(diagnostics) => return output::fail(&diagnostics, err_style),
    };
    let (prepared, model) = match settings::scoring(&settings, args.weights.as_deref()) {
        Ok(p) => p,
        Err(d) => return output::fail(&d, err_style),
    };
    let (inputs, mut diagnostics, from_git) = match inputs(&args, &mut settings) {
        Ok(found) => found,
        Err(d) => return output::fail(&d, err_style),
    };
    if inputs.is_empty() {
        // Nothing to score: the reason, without an empty table that reads like a result.
        return output::fail(&diagnostics, err_style);
    }
    crate::parallel::set_jobs(args.eval.jobs.map(usize::from), inputs.len());
    let options = &settings.options;
    let mut outcome = progress::progress(&inputs, &prepared, options, &model, args.period);
    if let Some(source) = from_git {
        progress::from_source(&mut outcome.report, &source);
    }
    settings.save_cache();
    diagnostics.extend(prepared.diagnostics.iter().cloned());
    for d in outcome.diagnostics {
        if !diagnostics
            .iter()
            .any(|x| format!("{x:?}") == format!("{d:?}"))
        {
            diagnostics.push(d);
        }
    }
    outcome.report.diagnostics = diagnostics.clone();
    let text = progress::render(
        &outcome.report,
        args.format,
        output::style(args.color).color,
    );
    if let Some(path) = &args.output {
        let plain = match args.format {
            Format::Human => progress::render(&outcome.report, args.format, false),
            _ => text.clone(),
        };
        let files: Vec<&std::path::Path> = inputs
            .iter()
            .filter_map(|i| match i {
                crate::load::Input::File(p) => Some(p.as_path()),
                _ => None,
            })
            .collect();
        diagnostics.extend(output::write_file(path, &plain, "progress report", &files));
    }
    diagnostics.extend(output::print_report(&text, "progress report"));
    output::eprint_diagnostics(&diagnostics, err_style);
    if diagnostics
        .iter()
        .any(|d| d.severity == crate::finding::Severity::Error)
    {
        Exit::ToolError
    } else {
        Exit::Clean
    }
}

/// The inputs of a series, the diagnostics of finding them, and where they came from when
/// that is not the paths given.
type Found = (Vec<crate::load::Input>, Vec<ToolDiagnostic>, Option<String>);

/// The declarations of the series: the paths given, or (`--git`) those committed over a
/// history, with where they came from as reports say it.
fn inputs(
    args: &ProgressArgs,
    settings: &mut settings::Settings,
) -> Result<Found, Vec<ToolDiagnostic>> {
    let Some(range) = &args.git else {
        let (inputs, diagnostics) =
            settings.inputs(&args.paths, &args.eval.stdin_name, settings::Files::All);
        return Ok((inputs, diagnostics, None));
    };
    let limits = settings.options.limits.clone();
    let filter = settings::git_filter(&settings.config, &limits);
    let series = crate::history::git::series(&settings.root.dir, Some(range), &filter, &limits)
        .map_err(|d| vec![d])?;
    let mut diagnostics = series.diagnostics.clone();
    if series.inputs.is_empty() {
        diagnostics.push(
            ToolDiagnostic::new(
                crate::diag::Code::InputNone,
                format!(
                    "no department declaration was found in the {} commit{} of `{range}`",
                    series.walked.len(),
                    if series.walked.len() == 1 { "" } else { "s" }
                ),
            )
            .help("run in the repository of the declarations, or give a range that holds them"),
        );
    }
    let source = series.describe(Some(range));
    Ok((series.inputs, diagnostics, Some(source)))
}
