//! `roadmap-lint progress`.

use std::path::PathBuf;

use clap::Args;

use super::args::{ColorChoice, EvalArgs, format_parser};
use super::output;
use super::settings;
use crate::Exit;
use crate::progress::{self, Format, Period};

#[derive(Debug, Args)]
pub struct ProgressArgs {
    /// Declarations of several dates: files, folders (such as one folder per snapshot) or
    /// files of several documents. Each organisation's declarations with different `as_of`
    /// dates form its series.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<String>,
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
    let (inputs, mut diagnostics) =
        settings.inputs(&args.paths, &args.eval.stdin_name, settings::Files::All);
    if inputs.is_empty() {
        // Nothing to score: the reason, without an empty table that reads like a result.
        return output::fail(&diagnostics, err_style);
    }
    crate::parallel::set_jobs(args.eval.jobs.map(usize::from), inputs.len());
    let options = &settings.options;
    let outcome = progress::progress(&inputs, &prepared, options, &model, args.period);
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
        diagnostics.extend(output::write_file(path, &plain, "progress report"));
    }
    output::print(&text);
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
