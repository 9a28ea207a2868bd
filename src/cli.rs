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
    fn sources(&self) -> PackSources {
        PackSources {
            builtin: !self.no_builtin,
            dirs: self.rules.clone(),
        }
    }
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files or directories to check (directories are searched for *.yaml and *.yml); `-` reads stdin.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
    /// Evaluation date (YYYY-MM-DD). Default: each document's `as_of`, else today.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub as_of: Option<Date>,
    /// Override a pack parameter, such as `--param deadline_2025=2025-12-31` (repeatable).
    #[arg(long = "param", value_name = "NAME=VALUE", value_parser = parse_param)]
    pub params: Vec<(String, String)>,
    /// Lowest severity that makes the exit code 1.
    #[arg(long, value_enum, default_value = "error")]
    pub fail_on: FailOn,
    /// Name shown for standard input.
    #[arg(long, default_value = "<stdin>", value_name = "NAME")]
    pub stdin_name: String,
    /// Colour in the human report.
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorChoice,
    #[command(flatten)]
    pub packs: PackArgs,
    #[command(flatten)]
    pub limits: LimitArgs,
    /// Most worker threads to use (default: one per core). The output is the same for any number.
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<usize>,
    /// Only read and parse the inputs, then print counts (the benchmark's floor; not for users).
    #[arg(long, hide = true)]
    pub parse_only: bool,
}

#[derive(Debug, Args)]
pub struct LimitArgs {
    /// Largest input file, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = Limits::default().max_file_bytes)]
    pub max_file_size: u64,
    /// Deepest nesting of YAML lists and mappings.
    #[arg(long, value_name = "LEVELS", default_value_t = Limits::default().max_depth)]
    pub max_depth: usize,
    /// Most nodes that YAML aliases may add to one document.
    #[arg(long, value_name = "NODES", default_value_t = Limits::default().max_alias_nodes)]
    pub max_alias_nodes: usize,
    /// Most operations one rule may run on one document.
    #[arg(long, value_name = "N", default_value_t = crate::engine::Sandbox::default().max_operations)]
    pub max_operations: u64,
    /// Longest time one rule may run on one document, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 2000)]
    pub rule_timeout: u64,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
    #[command(flatten)]
    pub packs: PackArgs,
}

fn parse_date(s: &str) -> Result<Date, String> {
    Date::parse(s).ok_or_else(|| format!("`{s}` is not a date in the form YYYY-MM-DD"))
}

fn parse_param(s: &str) -> Result<(String, String), String> {
    s.split_once('=')
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .filter(|(k, _)| !k.is_empty())
        .ok_or_else(|| format!("`{s}` is not NAME=VALUE"))
}

fn style(color: ColorChoice) -> Style {
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

fn print(text: &str) {
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
    }
}

fn check(args: CheckArgs) -> u8 {
    let options = Options {
        as_of: args.as_of,
        params: args.params.clone(),
        limits: Limits {
            max_file_bytes: args.limits.max_file_size,
            max_depth: args.limits.max_depth.max(1),
            max_alias_nodes: args.limits.max_alias_nodes,
        },
        sandbox: crate::engine::Sandbox {
            max_operations: args.limits.max_operations,
            time_limit: Duration::from_millis(args.limits.rule_timeout),
            ..Default::default()
        },
        packs: args.packs.sources(),
        only_rules: None,
    };
    crate::parallel::set_jobs(args.jobs);
    let (inputs, input_errors) = load::expand(&args.paths, &args.stdin_name);
    if args.parse_only {
        let count = crate::parallel::parse_only(&inputs, &options.limits);
        print(&format!(
            "parsed {} documents ({} nodes) from {} files; {} with problems\n",
            count.documents, count.nodes, count.files, count.problems
        ));
        return exit::OK;
    }
    let prepared = run::prepare(&options);
    let mut result = run::run(&inputs, &prepared, &options);
    for e in input_errors {
        result.diagnostics.push(
            ToolDiagnostic::new("input-unreadable", e.message)
                .file(e.path)
                .help(e.help),
        );
    }
    match args.format {
        Format::Human => print(&report::human::render(&result, style(args.color))),
        Format::Json => print(&report::json::render(&result)),
    }
    exit_code(&result, args.fail_on)
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
