//! `roadmap-lint score`.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::args::{ColorChoice, EvalArgs, format_parser};
use super::output;
use super::settings;
use crate::Exit;
use crate::run;
use crate::score::{self, Format, View};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ScoreBy {
    /// Departments by missions and overall.
    Mission,
    /// Commitments by departments.
    Commitment,
    /// Per department: each commitment's checks and the checks that cost the most points.
    Department,
}

#[derive(Debug, Args)]
pub struct ScoreArgs {
    /// Files or directories to score (as for `check`); `-` reads stdin.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<String>,
    /// Output format (json is also the `--baseline` format; html is a page for boards).
    #[arg(long, default_value = "human", value_parser = format_parser(Format::NAMES, Format::parse))]
    pub format: Format,
    /// What the table shows (human and markdown formats; json always holds everything).
    #[arg(long, value_enum, default_value = "mission")]
    pub by: ScoreBy,
    /// Weights and RAG bands overriding the pack: a YAML file with `missions: {N: weight}`,
    /// `commitments: {N: weight}` and `bands: {green: 90, amber: 70}`.
    #[arg(long, value_name = "FILE")]
    pub weights: Option<PathBuf>,
    /// Exit with code 1 when a department scores below N percent (or cannot be scored).
    #[arg(long, value_name = "N", value_parser = parse_percentage)]
    pub min_score: Option<f64>,
    /// Compare with a saved `score --format json` report.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Exit with code 1 when any score fell since the baseline.
    #[arg(long, requires = "baseline")]
    pub fail_on_regression: bool,
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

fn parse_percentage(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(n) if (0.0..=100.0).contains(&n) => Ok(n),
        _ => Err(format!("`{s}` is not a percentage between 0 and 100")),
    }
}

pub fn run(args: ScoreArgs) -> Exit {
    let err_style = output::err_style(args.color);
    let mut settings = match settings::settings(&args.eval) {
        Ok(s) => s,
        Err(diagnostics) => return output::fail(&diagnostics, err_style),
    };
    let baseline = match &args.baseline {
        Some(path) => match score::baseline::load(path) {
            Ok(b) => Some(b),
            Err(d) => return output::fail(&[d], err_style),
        },
        None => None,
    };
    let (prepared, mut model) = match settings::scoring(&settings, args.weights.as_deref()) {
        Ok(p) => p,
        Err(d) => return output::fail(&d, err_style),
    };
    let (inputs, input_errors) =
        settings.inputs(&args.paths, &args.eval.stdin_name, settings::Files::Current);
    if inputs.is_empty() {
        // Nothing to score: the reason, without an empty table that reads like a result.
        return output::fail(&input_errors, err_style);
    }
    crate::parallel::set_jobs(args.eval.jobs.map(usize::from), inputs.len());
    let options = &settings.options;
    // One evaluation, shared with `check`; scoring never runs a rule again.
    let mut result = run::run(&inputs, &prepared, options);
    settings.save_cache();
    result.diagnostics.extend(input_errors);
    model.as_of = options.as_of.map(|d| d.to_string());
    let mut report = score::score(&result, &model);
    if let Some(b) = &baseline {
        report.comparison = Some(score::baseline::compare(b, &report));
    }
    let view = match args.by {
        ScoreBy::Mission => View::Mission,
        ScoreBy::Commitment => View::Commitment,
        ScoreBy::Department => View::Department,
    };
    let link = |rule: &str| prepared.rules.doc_link(rule);
    let color = output::style(args.color).color;
    // A text report the file and the terminal both get uncoloured is rendered once; the JSON
    // report is written as it is made, to each.
    let plain = (args.format != score::Format::Json && !color)
        .then(|| score::render(&report, &result, args.format, view, false, &link));
    let fill = |w: &mut dyn std::io::Write, color: bool| match &plain {
        Some(text) => w.write_all(text.as_bytes()),
        None => score::write(&report, &result, (args.format, view, color), &link, w),
    };
    let written = args.output.as_ref().and_then(|path| {
        output::write_file_with(path, "score report", &input_names(&result), |w| {
            fill(w, false)
        })
    });
    let printed = output::print_report_with("score report", |w| fill(w, color));
    result
        .diagnostics
        .extend(written.into_iter().chain(printed));
    output::eprint_diagnostics(&result.diagnostics, err_style);
    if result.has_tool_errors() {
        return Exit::ToolError;
    }
    gates(&args, &report)
}

/// `--min-score` and `--fail-on-regression`.
fn gates(args: &ScoreArgs, report: &score::ScoreReport) -> Exit {
    let mut failed = false;
    if let Some(min) = args.min_score {
        for why in score::min_score_failures(report, min) {
            output::eprint_line(&format!("score below --min-score {min}: {why}"));
            failed = true;
        }
    }
    if args.fail_on_regression
        && let Some(c) = &report.comparison
    {
        for why in &c.regressions {
            output::eprint_line(&format!("regression: {why}"));
            failed = true;
        }
    }
    if failed { Exit::Findings } else { Exit::Clean }
}

/// The paths of the files a run read, to keep reports from being written over them.
pub fn input_names(result: &run::Run) -> Vec<std::path::PathBuf> {
    result
        .sources
        .iter()
        .map(|s| std::path::PathBuf::from(&s.name))
        .collect()
}
