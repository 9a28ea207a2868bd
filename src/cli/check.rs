//! `roadmap-lint check`.

use std::path::PathBuf;

use clap::Args;

use super::args::{ColorChoice, EvalArgs, FailOn, format_parser};
use super::output;
use super::settings;
use crate::Exit;
use crate::diag::{Code, ToolDiagnostic};
use crate::report::{self, Format};
use crate::run::{self, Run};

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files or directories to check (directories are searched for *.yaml and *.yml); `-` reads stdin.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<String>,
    /// Output format on standard output.
    #[arg(long, default_value = "human", value_parser = format_parser(Format::NAMES, Format::parse))]
    pub format: Format,
    /// Also write a report to a file, such as `--output sarif=results.sarif` (repeatable). The
    /// file is replaced whole, never left half-written.
    #[arg(long = "output", value_name = "FORMAT=PATH", value_parser = parse_output)]
    pub outputs: Vec<(Format, PathBuf)>,
    /// Lowest severity that makes the exit code 1 (waived findings never count) [default: error].
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// Show only findings of this severity or above, in every report (`--fail-on` still
    /// counts them all).
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub min_severity: Option<MinSeverity>,
    /// Apply the safe fixes first (a misspelt key, a value in the wrong case, a missing key as
    /// a `TODO` placeholder; never one that changes what a fact says), each file written
    /// whole, then check the fixed files.
    #[arg(long)]
    pub fix: bool,
    /// With `--fix`: print the fixes as a unified diff and write nothing; exit code 1 when
    /// there is any.
    #[arg(long, requires = "fix")]
    pub diff: bool,
    /// Check again each time an input (or the config file) changes, until interrupted
    /// (Ctrl-C). New files in a folder given are picked up.
    #[arg(long, conflicts_with = "diff")]
    pub watch: bool,
    /// Stop watching after this many checks (for tests).
    #[arg(long, hide = true, value_name = "N", requires = "watch")]
    pub watch_runs: Option<u32>,
    /// Print how many findings each rule raised, by severity, instead of the findings.
    #[arg(long)]
    pub statistics: bool,
    /// Colour in the human report.
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorChoice,
    /// Run only this rule (repeatable); schema and syntax checks always run.
    #[arg(long = "rule", value_name = "ID")]
    pub only: Vec<String>,
    /// Show what this rule prints (`print`, `debug`) on each document, on standard error
    /// (repeatable).
    #[arg(long = "debug-rule", value_name = "ID")]
    pub debug_rules: Vec<String>,
    #[command(flatten)]
    pub eval: EvalArgs,
    /// Print each rule's total evaluation time and call count to stderr, slowest first.
    #[arg(long)]
    pub profile: bool,
    /// Only read and parse the inputs, then print counts (the benchmark's floor; not for users).
    #[arg(long, hide = true)]
    pub parse_only: bool,
}

/// The lowest severity a report shows (`--min-severity`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum MinSeverity {
    Info,
    Warning,
    Error,
}

impl MinSeverity {
    fn severity(self) -> crate::finding::Severity {
        use crate::finding::Severity;
        match self {
            MinSeverity::Info => Severity::Info,
            MinSeverity::Warning => Severity::Warning,
            MinSeverity::Error => Severity::Error,
        }
    }
}

fn parse_output(s: &str) -> Result<(Format, PathBuf), String> {
    let (format, path) = s
        .split_once('=')
        .filter(|(f, p)| !f.is_empty() && !p.is_empty())
        .ok_or_else(|| format!("`{s}` is not FORMAT=PATH, such as sarif=results.sarif"))?;
    let format = Format::parse(format.trim()).ok_or_else(|| {
        format!(
            "unknown format `{format}`; use one of {}",
            Format::NAMES.join(", ")
        )
    })?;
    Ok((format, PathBuf::from(path)))
}

pub fn run(args: CheckArgs) -> Exit {
    if args.watch {
        return super::watch::watch(&args, run_once);
    }
    run_once(&args)
}

/// One check of the inputs, as the flags say.
fn run_once(args: &CheckArgs) -> Exit {
    let err_style = output::err_style(args.color);
    let mut settings = match settings::settings(&args.eval) {
        Ok(s) => s,
        Err(diagnostics) => return output::fail(&diagnostics, err_style),
    };
    if !args.only.is_empty() {
        settings.options.only_rules = Some(args.only.clone());
    }
    let fail_on = args.fail_on.or(settings.fail_on).unwrap_or(FailOn::Error);
    let (inputs, input_errors) =
        settings.inputs(&args.paths, &args.eval.stdin_name, settings::Files::Current);
    crate::parallel::set_jobs(args.eval.jobs.map(usize::from), inputs.len());
    if args.parse_only {
        let count = crate::parallel::parse_only(&inputs, &settings.options.limits);
        output::print(&format!(
            "parsed {} documents ({} nodes) from {} files; {} with problems\n",
            count.documents, count.nodes, count.files, count.problems
        ));
        return Exit::Clean;
    }
    let mut prepared = prepare_debugged(args, &mut settings.options);
    if args.profile {
        prepared.profile = Some(crate::profile::Profile::new(prepared.rules.rules().count()));
    }
    prepared
        .diagnostics
        .extend(settings.config.check_rule_ids(&prepared.known));
    let model = score_model(args, &settings, &prepared);
    // Paths of passed checks only where a report reads them: JUnit lists them all; the scores
    // read those of the portfolio rule they take commitment 1's count from.
    if !(args.format == Format::Junit || args.outputs.iter().any(|(f, _)| *f == Format::Junit)) {
        let ids = model.iter().filter_map(|m| m.c1_rule.clone()).collect();
        settings.options.passed_paths_of = Some(std::sync::Arc::new(ids));
    }
    if args.fix {
        let fixed = super::fix::fix(&inputs, &prepared, &settings.options, args.diff);
        if args.diff {
            output::print(&crate::render::escape::terminal_text(&fixed.diff));
        }
        super::fix::say(&fixed, args.diff);
        if !fixed.diagnostics.is_empty() {
            return output::fail(&fixed.diagnostics, err_style);
        }
        if args.diff {
            return if fixed.files.is_empty() {
                Exit::Clean
            } else {
                Exit::Findings
            };
        }
    }
    keep_what_reports_read(args, &mut settings.options);
    let mut result = run::run(&inputs, &prepared, &settings.options);
    settings.save_cache();
    result.diagnostics.extend(input_errors);
    if let Some(model) = &model {
        result.scores = Some(crate::score::Summary::of_run(&result, model));
    }
    // The exit code counts every finding; the filter only changes what the reports show.
    let worst = result.worst();
    if let Some(min) = args.min_severity {
        result.keep_at_least(min.severity());
    }
    write_outputs(args, &mut result, &prepared, fail_on);
    let ctx = report::Context {
        rules: &prepared.rules,
        style: output::style(args.color),
        fail_on: fail_on.threshold(),
    };
    let written = write_stdout(args, &result, &ctx);
    if let Some(profile) = &prepared.profile {
        output::eprint_text(&profile.render(&prepared.rules));
    }
    if !args.debug_rules.is_empty() {
        output::eprint_text(&crate::debug::printed(&result));
    }
    let mut code = exit_code(&result, worst, fail_on);
    // A closed pipe (`| head`) is not an error worth reporting; any other failure to write the
    // report (such as findings kept on disk that cannot be read back) is, and the exit code
    // says the report is incomplete.
    if let Err(e) = written
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        let d = ToolDiagnostic::new(
            Code::OutputUnwritable,
            format!("the {} report on standard output is incomplete: {e}", args.format.name()),
        )
        .help("run the check again; if it fails the same way, write the report to a file with `--output`");
        output::eprint_diagnostics(&[d], err_style);
        code = Exit::ToolError;
    }
    // The process ends right after this: freeing every finding, compiled rule and engine one
    // by one took longer than checking a small file, and the system reclaims them at exit.
    std::mem::forget(result);
    std::mem::forget(prepared);
    code
}

/// The score model a JSON report's scores need (the declaration format's machine output
/// contract), with the config's `scored_packs`.
fn score_model(
    args: &CheckArgs,
    settings: &settings::Settings,
    prepared: &run::Prepared,
) -> Option<crate::score::Model> {
    let wants_json =
        args.format == Format::Json || args.outputs.iter().any(|(f, _)| *f == Format::Json);
    if !wants_json {
        return None;
    }
    let config = crate::score::ScoreConfig {
        packs: settings.config.scored_packs.clone(),
        ..Default::default()
    };
    crate::score::Model::from_prepared(prepared, &config).ok()
}

/// The packs prepared, with the rules `--debug-rule` names asked to keep what they print.
fn prepare_debugged(args: &CheckArgs, options: &mut run::Options) -> run::Prepared {
    if !args.debug_rules.is_empty() {
        options.debug_rules = Some(args.debug_rules.iter().cloned().collect());
    }
    let mut prepared = run::prepare(options);
    prepared
        .diagnostics
        .extend(unknown_debug_rules(&args.debug_rules, &prepared));
    prepared
}

/// A `--debug-rule` that names no loaded rule would show nothing: an error, with the closest id.
fn unknown_debug_rules(ids: &[String], prepared: &run::Prepared) -> Vec<ToolDiagnostic> {
    let known: Vec<&str> = prepared.known.ids.iter().map(String::as_str).collect();
    ids.iter()
        .filter(|id| !known.contains(&id.as_str()))
        .map(|id| {
            ToolDiagnostic::new(
                Code::RuleUnknown,
                format!("--debug-rule {id}: no loaded rule has this id"),
            )
            .help(crate::suggest::help(id, "rule id", &known))
        })
        .collect()
}

/// What of each file a run keeps for the reports: its text only for reports that print
/// snippets of it; its findings on disk until the report for a JSON-only run (the JSON report
/// reads them back), unless they are filtered or counted, which read them in memory.
fn keep_what_reports_read(args: &CheckArgs, options: &mut run::Options) {
    let stdout_snippets = args.format.shows_snippets() && !args.statistics;
    options.let_go_of_text =
        !stdout_snippets && !args.outputs.iter().any(|(f, _)| f.shows_snippets());
    options.spill_findings = args.format.reads_findings_from_disk()
        && args
            .outputs
            .iter()
            .all(|(f, _)| f.reads_findings_from_disk())
        && args.min_severity.is_none()
        && !args.statistics;
}

/// Write the report on standard output: the `--format` report, or the `--statistics` table.
fn write_stdout(args: &CheckArgs, result: &Run, ctx: &report::Context) -> std::io::Result<()> {
    use std::io::Write;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if args.statistics {
        out.write_all(report::statistics::render(result, ctx.rules).as_bytes())?;
    } else {
        args.format.write(result, ctx, &mut out)?;
    }
    out.flush()
}

/// Write the `--output` reports, each atomically; a report that cannot be written is a tool
/// problem of the run.
fn write_outputs(args: &CheckArgs, result: &mut Run, prepared: &run::Prepared, fail_on: FailOn) {
    let file_ctx = report::Context {
        rules: &prepared.rules,
        style: crate::report::human::Style {
            color: false,
            width: 100,
        },
        fail_on: fail_on.threshold(),
    };
    let mut errors = Vec::new();
    let inputs = super::score::input_names(result);
    for (format, path) in &args.outputs {
        if let Some(d) = output::refuse_input(path, &inputs) {
            errors.push(d);
            continue;
        }
        if let Err(e) = crate::write::atomic_with(path, crate::write::Durability::Synced, |out| {
            format.write(result, &file_ctx, out)
        }) {
            errors.push(output::unwritable(
                path,
                &format!("{} report", format.name()),
                &e,
            ));
        }
    }
    result.diagnostics.extend(errors);
}

/// The exit code of a run, by the documented contract.
/// `worst` is the worst finding before any display filter.
pub fn exit_code(result: &Run, worst: Option<crate::finding::Severity>, fail_on: FailOn) -> Exit {
    if result.has_tool_errors() {
        return Exit::ToolError;
    }
    match (fail_on.threshold(), worst) {
        (Some(threshold), Some(worst)) if worst >= threshold => Exit::Findings,
        _ => Exit::Clean,
    }
}
