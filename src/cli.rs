//! The command line: argument definitions and the commands behind them. `main` only maps the
//! returned exit code.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::date::Date;
use crate::diag::ToolDiagnostic;
use crate::finding::Severity;
use crate::load::{self, Limits};
use crate::pack::PackSources;
use crate::report::{self, human::Style};
use crate::run::{self, Options};
use crate::schema;

/// Exit codes, a documented contract.
pub mod exit {
    /// No finding at or above `--fail-on`.
    pub const OK: u8 = 0;
    /// Findings at or above `--fail-on`.
    pub const FINDINGS: u8 = 1;
    /// The tool could not do its job: bad arguments, unreadable input, a broken rule pack.
    pub const TOOL_ERROR: u8 = 2;
}

#[derive(Debug, Parser)]
#[command(name = "roadmap-lint", version, about = "Lints department declarations and spend-control proposals against the UK government's 2022-25 Roadmap for Digital and Data.", long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check declarations and proposals against the rules.
    Check(CheckArgs),
    /// Print the JSON Schema of a document kind (for editors and other validators).
    Schema {
        #[arg(value_enum)]
        kind: SchemaKind,
    },
    /// List the rules.
    Rules(RulesArgs),
    /// Print one rule's documentation.
    Explain {
        /// The rule id, such as `one-login-strategy-overdue`.
        id: String,
        #[command(flatten)]
        packs: PackArgs,
    },
    /// Review a spend-control proposal against the rules and its department's declaration.
    Review(crate::review::ReviewArgs),
    /// Score compliance by department, mission and commitment (see docs/scoring.md).
    Score(ScoreArgs),
    /// Print a shell completion script, such as `roadmap-lint completions bash > roadmap-lint.bash`.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Run rule packs' fixtures: every finding must match an `# expect:` marker, and back.
    Test(TestArgs),
    /// Scaffold a new rule, with a failing and a passing fixture.
    New(NewArgs),
}

#[derive(Debug, Args)]
pub struct TestArgs {
    /// Pack folders to test. Default: every pack under `rules/` in the current directory.
    #[arg(value_name = "PACK_DIR")]
    pub packs: Vec<PathBuf>,
    /// Test only this rule.
    #[arg(long = "rule", value_name = "ID")]
    pub rule: Option<String>,
    /// Colour in the report.
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorChoice,
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// The new rule's id: kebab-case, naming the problem, such as `api-catalogue-entry-missing`.
    #[arg(value_name = "RULE_ID")]
    pub id: String,
    /// The number of the commitment the rule serves (from the pack's pack.yaml).
    #[arg(long, value_name = "N")]
    pub commitment: u32,
    /// The pack folder to add the rule to.
    #[arg(long, value_name = "DIR", default_value = "rules/roadmap-2022-25")]
    pub pack: PathBuf,
    /// Overwrite an existing rule and its fixtures.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SchemaKind {
    Department,
    Proposal,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Args)]
pub struct PackArgs {
    /// Add a rule pack folder (repeatable); its rules override built-in rules with the same id.
    #[arg(long = "rules", value_name = "DIR")]
    pub rules: Vec<PathBuf>,
    /// Do not load the built-in pack.
    #[arg(long)]
    pub no_builtin: bool,
}

impl PackArgs {
    pub(crate) fn sources(&self) -> PackSources {
        PackSources {
            builtin: !self.no_builtin,
            dirs: self.rules.clone(),
            skip_builtin_lint: false,
        }
    }

    /// The packs of a command that only evaluates rules: the built-in pack is not linted.
    pub(crate) fn evaluated(&self) -> PackSources {
        PackSources {
            skip_builtin_lint: true,
            ..self.sources()
        }
    }
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files or directories to check (directories are searched for *.yaml and *.yml); `-` reads stdin.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<String>,
    /// Output format on standard output.
    #[arg(long, value_enum, default_value = "human")]
    pub format: report::Format,
    /// Also write a report to a file, such as `--output sarif=results.sarif` (repeatable). The
    /// file is replaced whole, never left half-written.
    #[arg(long = "output", value_name = "FORMAT=PATH", value_parser = parse_output)]
    pub outputs: Vec<(report::Format, PathBuf)>,
    /// Config file. Default: `.roadmap-lint.yaml` in the working directory or the nearest folder above it.
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Use no config file, even if one is found.
    #[arg(long, conflicts_with = "config")]
    pub no_config: bool,
    /// Ignore the declarations' waivers: show the raw picture.
    #[arg(long)]
    pub no_waivers: bool,
    /// A waiver expiring within this many days is a warning [default: 30].
    #[arg(long, value_name = "DAYS", value_parser = clap::value_parser!(i64).range(0..=3650))]
    pub waiver_warning_days: Option<i64>,
    /// Evaluation date (YYYY-MM-DD). Default: each document's `as_of`, else today.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub as_of: Option<Date>,
    /// Override a pack parameter, such as `--param deadline_2025=2025-12-31` (repeatable).
    #[arg(long = "param", value_name = "NAME=VALUE", value_parser = parse_param)]
    pub params: Vec<(String, String)>,
    /// Lowest severity that makes the exit code 1 (waived findings never count) [default: error].
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// Name shown for standard input.
    #[arg(long, default_value = "<stdin>", value_name = "NAME")]
    pub stdin_name: String,
    /// Colour in the human report.
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorChoice,
    /// Run only this rule (repeatable); schema and syntax checks always run.
    #[arg(long = "rule", value_name = "ID")]
    pub only: Vec<String>,
    #[command(flatten)]
    pub packs: PackArgs,
    #[command(flatten)]
    pub limits: LimitArgs,
    /// Print each rule's total evaluation time and call count to stderr, slowest first.
    #[arg(long)]
    pub profile: bool,
    /// Most worker threads to use (default: one per core; never more than the inputs, nor four
    /// per core). The output is the same for any number.
    #[arg(long, short = 'j', value_name = "N", value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub jobs: Option<u16>,
    /// Only read and parse the inputs, then print counts (the benchmark's floor; not for users).
    #[arg(long, hide = true)]
    pub parse_only: bool,
}

#[derive(Debug, Args)]
pub struct LimitArgs {
    /// Largest input file, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = Limits::default().max_file_bytes)]
    pub max_file_size: u64,
    /// Deepest nesting of YAML lists and mappings (1 to 10,000).
    #[arg(long, value_name = "LEVELS", default_value_t = Limits::default().max_depth,
          value_parser = clap::builder::TypedValueParser::map(
              clap::value_parser!(u64).range(1..=10_000), |n| n as usize))]
    pub max_depth: usize,
    /// Most nodes that YAML aliases may add to one document.
    #[arg(long, value_name = "NODES", default_value_t = Limits::default().max_alias_nodes)]
    pub max_alias_nodes: usize,
    /// Most operations one rule may run on one document (1 to 10,000,000,000; there is no
    /// "unlimited").
    #[arg(long, value_name = "N", default_value_t = crate::engine::Sandbox::default().max_operations,
          value_parser = clap::value_parser!(u64).range(1..=10_000_000_000))]
    pub max_operations: u64,
    /// Longest time one rule may run on one document, in milliseconds (1 to 600,000: ten
    /// minutes).
    #[arg(long, value_name = "MS", default_value_t = 2000,
          value_parser = clap::value_parser!(u64).range(1..=600_000))]
    pub rule_timeout: u64,
}

impl LimitArgs {
    /// The input limits these flags set.
    pub fn limits(&self) -> Limits {
        Limits {
            max_file_bytes: self.max_file_size,
            max_depth: self.max_depth.max(1),
            max_alias_nodes: self.max_alias_nodes,
        }
    }

    /// The rule sandbox these flags set.
    pub fn sandbox(&self) -> crate::engine::Sandbox {
        crate::engine::Sandbox {
            max_operations: self.max_operations,
            time_limit: Duration::from_millis(self.rule_timeout),
            ..Default::default()
        }
    }
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
    #[command(flatten)]
    pub packs: PackArgs,
}

pub(crate) fn parse_date(s: &str) -> Result<Date, String> {
    Date::parse(s).ok_or_else(|| format!("`{s}` is not a date in the form YYYY-MM-DD"))
}

pub(crate) fn parse_param(s: &str) -> Result<(String, String), String> {
    s.split_once('=')
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .filter(|(k, _)| !k.is_empty())
        .ok_or_else(|| format!("`{s}` is not NAME=VALUE"))
}

fn parse_output(s: &str) -> Result<(report::Format, PathBuf), String> {
    let (format, path) = s
        .split_once('=')
        .filter(|(f, p)| !f.is_empty() && !p.is_empty())
        .ok_or_else(|| format!("`{s}` is not FORMAT=PATH, such as sarif=results.sarif"))?;
    let format = <report::Format as ValueEnum>::from_str(format.trim(), true).map_err(|_| {
        let names: Vec<&str> = report::Format::value_variants()
            .iter()
            .map(|f| f.name())
            .collect();
        format!("unknown format `{format}`; use one of {}", names.join(", "))
    })?;
    Ok((format, PathBuf::from(path)))
}

pub(crate) fn style(color: ColorChoice) -> Style {
    let tty = std::io::stdout().is_terminal();
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let color = match color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => tty && !no_color,
    };
    Style {
        color,
        width: if tty { terminal_width() } else { 100 },
    }
}

fn terminal_width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(100)
        .clamp(60, 200)
}

pub(crate) fn print(text: &str) {
    let mut out = std::io::stdout().lock();
    // A closed pipe (`| head`) is not an error worth reporting.
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}

/// Run the parsed command line; returns the exit code.
pub fn run(cli: Cli) -> u8 {
    match cli.command {
        Command::Check(args) => check(args),
        Command::Schema { kind } => {
            let name = match kind {
                SchemaKind::Department => "department",
                SchemaKind::Proposal => "proposal",
            };
            print(schema::schema_text(name).unwrap_or_default());
            exit::OK
        }
        Command::Rules(args) => {
            crate::docs::list_rules(&args.packs.sources(), args.format == Format::Json)
        }
        Command::Explain { id, packs } => crate::docs::explain(&packs.sources(), &id),
        Command::Review(args) => crate::review::run_cli(args),
        Command::Score(args) => score(args),
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut cmd, "roadmap-lint", &mut out);
            print(&String::from_utf8_lossy(&out));
            exit::OK
        }
        Command::Test(args) => {
            let (text, code) =
                crate::testing::command(&args.packs, args.rule.as_deref(), style(args.color));
            print(&text);
            code
        }
        Command::New(args) => new_rule(args),
    }
}

fn check(args: CheckArgs) -> u8 {
    let config_path = match (&args.config, args.no_config) {
        (_, true) => None,
        (Some(p), false) => Some(p.clone()),
        (None, false) => std::env::current_dir()
            .ok()
            .and_then(|d| crate::config::discover(&d)),
    };
    let config = match config_path.map(|p| crate::config::Config::load(&p)) {
        None => crate::config::Config::default(),
        Some(Ok(c)) => c,
        Some(Err(diags)) => {
            let style = Style {
                color: false,
                width: 100,
            };
            for d in &diags {
                eprintln!("{}", report::human::render_diagnostic(d, style));
            }
            return exit::TOOL_ERROR;
        }
    };
    let mut params = config.params.clone();
    params.extend(args.params.iter().cloned());
    let mut packs = args.packs.evaluated();
    if !args.packs.no_builtin
        && let Some(builtin) = config.builtin
    {
        packs.builtin = builtin;
    }
    let mut dirs = config.rule_folders.clone();
    dirs.extend(packs.dirs);
    packs.dirs = dirs;
    let options = Options {
        as_of: args.as_of,
        params,
        limits: args.limits.limits(),
        sandbox: args.limits.sandbox(),
        packs,
        only_rules: (!args.only.is_empty()).then(|| args.only.clone()),
        selection: Some(config.selection.clone()),
        severity: config.severity.clone(),
        waivers: crate::waiver::WaiverSettings {
            enabled: !args.no_waivers,
            warning_days: args
                .waiver_warning_days
                .or(config.waiver_warning_days)
                .unwrap_or(crate::waiver::DEFAULT_WARNING_DAYS),
            ..Default::default()
        },
    };
    let fail_on = args.fail_on.unwrap_or(match config.fail_on.as_deref() {
        Some("warning") => FailOn::Warning,
        Some("never") => FailOn::Never,
        _ => FailOn::Error,
    });
    let (mut inputs, input_errors) = load::expand(&args.paths, &args.stdin_name);
    inputs.retain(|i| !config.ignores(i));
    crate::parallel::set_jobs(args.jobs.map(usize::from), inputs.len());
    if args.parse_only {
        let count = crate::parallel::parse_only(&inputs, &options.limits);
        print(&format!(
            "parsed {} documents ({} nodes) from {} files; {} with problems\n",
            count.documents, count.nodes, count.files, count.problems
        ));
        return exit::OK;
    }
    let mut prepared = run::prepare(&options);
    if args.profile {
        prepared.profile = Some(crate::profile::Profile::new(prepared.rules.rules().count()));
    }
    prepared
        .diagnostics
        .extend(config.check_rule_ids(&prepared.rules));
    let mut result = run::run(&inputs, &prepared, &options);
    result
        .diagnostics
        .extend(input_errors.into_iter().map(ToolDiagnostic::from));
    let file_ctx = report::Context {
        rules: &prepared.rules,
        style: Style {
            color: false,
            width: 100,
        },
    };
    let mut write_errors = Vec::new();
    for (format, path) in &args.outputs {
        if let Err(e) = report::write_atomic_with(path, |out| format.write(&result, &file_ctx, out))
        {
            write_errors.push(
                ToolDiagnostic::new(
                    "output-unwritable",
                    format!(
                        "cannot write the {} report to {}: {e}",
                        format.name(),
                        path.display()
                    ),
                )
                .file(path.display().to_string())
                .help("check that the folder exists and is writable; nothing was written there"),
            );
        }
    }
    result.diagnostics.extend(write_errors);
    let ctx = report::Context {
        rules: &prepared.rules,
        style: style(args.color),
    };
    {
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        // A closed pipe (`| head`) is not an error worth reporting.
        let _ = args
            .format
            .write(&result, &ctx, &mut out)
            .and_then(|()| out.flush());
    }
    if let Some(profile) = &prepared.profile {
        eprint!("{}", profile.render(&prepared.rules));
    }
    exit_code(&result, fail_on)
}

fn new_rule(args: NewArgs) -> u8 {
    let request = crate::scaffold::Request {
        id: args.id,
        commitment: args.commitment,
        pack: args.pack,
        force: args.force,
    };
    match crate::scaffold::create(&request) {
        Ok(created) => {
            let mut text = format!("created {}\n", created.rule.display());
            for f in &created.fixtures {
                text.push_str(&format!("created {}\n", f.display()));
            }
            text.push_str(&format!(
                "next: write the check in {} (helpers: docs/rule-api.md), adapt both fixtures, then run `roadmap-lint test {} --rule {}`\n",
                created.rule.display(),
                request.pack.display(),
                request.id
            ));
            print(&text);
            exit::OK
        }
        Err(d) => {
            eprint!(
                "{}",
                crate::report::human::render_diagnostic(&d, style(ColorChoice::Never))
            );
            exit::TOOL_ERROR
        }
    }
}

/// The exit code of a run, by the documented contract.
pub fn exit_code(result: &run::Run, fail_on: FailOn) -> u8 {
    if result.has_tool_errors() {
        return exit::TOOL_ERROR;
    }
    let threshold = match fail_on {
        FailOn::Error => Severity::Error,
        FailOn::Warning => Severity::Warning,
        FailOn::Never => return exit::OK,
    };
    match result.worst() {
        Some(s) if s >= threshold => exit::FINDINGS,
        _ => exit::OK,
    }
}

// --- score -------------------------------------------------------------------------------

/// Where a rule's documentation can be read: its pack's `help_uri`, else the rule reference in
/// this repository.
pub fn rule_doc_link(prepared: &run::Prepared, rule: &str) -> Option<String> {
    let (pack, r) = prepared.rules.find(rule)?;
    Some(match &pack.manifest.help_uri {
        Some(uri) => uri.replace("{id}", &r.id),
        None => format!("docs/rules.md#{}", r.id),
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ScoreFormat {
    Human,
    Json,
    Markdown,
    /// A self-contained page for boards: heatmap, mission bars, filterable findings.
    Html,
}

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
    /// Output format (json is also the `--baseline` format).
    #[arg(long, value_enum, default_value = "human")]
    pub format: ScoreFormat,
    /// What the table shows (human and markdown formats; json always holds everything).
    #[arg(long, value_enum, default_value = "mission")]
    pub by: ScoreBy,
    /// Weights and RAG bands overriding the pack: a YAML file with `missions: {N: weight}`,
    /// `commitments: {N: weight}` and `bands: {green: 90, amber: 70}`.
    #[arg(long, value_name = "FILE")]
    pub weights: Option<PathBuf>,
    /// Exit with code 1 when a department scores below N percent (or cannot be scored).
    #[arg(long, value_name = "N")]
    pub min_score: Option<f64>,
    /// Compare with a saved `score --format json` report.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Exit with code 1 when any score fell since the baseline.
    #[arg(long, requires = "baseline")]
    pub fail_on_regression: bool,
    /// Evaluation date (YYYY-MM-DD). Default: each document's `as_of`, else today.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub as_of: Option<Date>,
    /// Override a pack parameter, such as `--param deadline_2025=2025-12-31` (repeatable).
    #[arg(long = "param", value_name = "NAME=VALUE", value_parser = parse_param)]
    pub params: Vec<(String, String)>,
    /// Name shown for standard input.
    #[arg(long, default_value = "<stdin>", value_name = "NAME")]
    pub stdin_name: String,
    /// Colour in the human report (the RAG label is always written out too).
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorChoice,
    #[command(flatten)]
    pub packs: PackArgs,
    #[command(flatten)]
    pub limits: LimitArgs,
}

fn score(args: ScoreArgs) -> u8 {
    use crate::score;
    let err_style = style(args.color);
    let tool_error = |d: ToolDiagnostic| {
        eprint!("{}", report::human::render_diagnostic(&d, err_style));
        exit::TOOL_ERROR
    };
    let config = match &args.weights {
        Some(path) => match score::ScoreConfig::load(path) {
            Ok(c) => c,
            Err(d) => return tool_error(d),
        },
        None => score::ScoreConfig::default(),
    };
    if let Some(min) = args.min_score
        && !(0.0..=100.0).contains(&min)
    {
        return tool_error(
            ToolDiagnostic::new("min-score-invalid", format!("--min-score {min}"))
                .help("give a percentage between 0 and 100"),
        );
    }
    let baseline = match &args.baseline {
        Some(path) => match score::baseline::load(path) {
            Ok(b) => Some(b),
            Err(d) => return tool_error(d),
        },
        None => None,
    };
    let options = Options {
        as_of: args.as_of,
        params: args.params.clone(),
        limits: args.limits.limits(),
        sandbox: args.limits.sandbox(),
        packs: args.packs.evaluated(),
        only_rules: None,
        // Waivers apply as in `check`, so scores see the same waived flags.
        ..Default::default()
    };
    let prepared = run::prepare(&options);
    let (inputs, input_errors) = load::expand(&args.paths, &args.stdin_name);
    // One evaluation, shared with `check`; scoring never runs a rule again.
    let mut result = run::run(&inputs, &prepared, &options);
    result
        .diagnostics
        .extend(input_errors.into_iter().map(ToolDiagnostic::from));
    let mut model = match score::Model::from_prepared(&prepared, &config) {
        Ok(m) => m,
        Err(msg) => {
            return tool_error(
                ToolDiagnostic::new("weights-invalid", msg)
                    .help("weights name missions and commitments of the loaded packs"),
            );
        }
    };
    model.as_of = args.as_of.map(|d| d.to_string());
    model.limits = options.limits.clone();
    let mut report = score::score(&result, &model);
    if let Some(b) = &baseline {
        report.comparison = Some(score::baseline::compare(b, &report));
    }
    if args.format == ScoreFormat::Html {
        let link = |rule: &str| rule_doc_link(&prepared, rule);
        print(&score::html::render(&report, &result, &link));
    }
    let format = match args.format {
        ScoreFormat::Html => None,
        ScoreFormat::Human => Some(score::Format::Human {
            color: style(args.color).color,
        }),
        ScoreFormat::Json => Some(score::Format::Json),
        ScoreFormat::Markdown => Some(score::Format::Markdown),
    };
    let view = match args.by {
        ScoreBy::Mission => score::View::Mission,
        ScoreBy::Commitment => score::View::Commitment,
        ScoreBy::Department => score::View::Department,
    };
    if let Some(format) = format {
        print(&score::render(&report, format, view));
    }
    for d in &result.diagnostics {
        eprint!("{}", report::human::render_diagnostic(d, err_style));
    }
    if result.has_tool_errors() {
        return exit::TOOL_ERROR;
    }
    let mut failed = false;
    if let Some(min) = args.min_score {
        for why in score::min_score_failures(&report, min) {
            eprintln!("score below --min-score {min}: {why}");
            failed = true;
        }
    }
    if args.fail_on_regression
        && let Some(c) = &report.comparison
    {
        for why in &c.regressions {
            eprintln!("regression: {why}");
            failed = true;
        }
    }
    if failed { exit::FINDINGS } else { exit::OK }
}
