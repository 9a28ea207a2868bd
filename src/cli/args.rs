//! Flag groups that several commands share, declared once and flattened into each command, and
//! the parsers of flag values.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, ValueEnum};

use crate::date::Date;
use crate::engine::Sandbox;
use crate::load::Limits;
use crate::pack::PackSources;

/// Where the rules come from.
#[derive(Debug, Clone, Args)]
pub struct PackArgs {
    /// Add a rule pack folder (repeatable); its rules override built-in rules with the same id.
    #[arg(long = "rules", value_name = "DIR")]
    pub rules: Vec<PathBuf>,
    /// Do not load the built-in pack.
    #[arg(long)]
    pub no_builtin: bool,
}

impl PackArgs {
    pub fn sources(&self) -> PackSources {
        PackSources {
            builtin: !self.no_builtin,
            dirs: self.rules.clone(),
            skip_builtin_lint: false,
        }
    }
}

/// What one input and one rule evaluation may cost.
#[derive(Debug, Clone, Args)]
pub struct LimitArgs {
    /// Largest input file, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = Limits::default().max_file_bytes)]
    pub max_file_size: u64,
    /// Deepest nesting of YAML lists and mappings (1 to 10,000).
    #[arg(long, value_name = "LEVELS", default_value_t = Limits::default().max_depth,
          value_parser = clap::builder::TypedValueParser::map(
              clap::value_parser!(u64).range(1..=10_000), |n| n as usize))]
    pub max_depth: usize,
    /// Most nodes that YAML aliases may add to one file.
    #[arg(long, value_name = "NODES", default_value_t = Limits::default().max_alias_nodes)]
    pub max_alias_nodes: usize,
    /// Most operations one rule may run on one document (1 to 10,000,000,000; there is no
    /// "unlimited").
    #[arg(long, value_name = "N", default_value_t = Sandbox::default().max_operations,
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
    pub fn sandbox(&self) -> Sandbox {
        Sandbox {
            max_operations: self.max_operations,
            time_limit: Duration::from_millis(self.rule_timeout),
            ..Sandbox::default()
        }
    }
}

/// What shapes an evaluation, for every command that evaluates documents (`check`, `score`,
/// `review`): the config file, the evaluation date, parameters, waivers, packs and limits.
#[derive(Debug, Clone, Args)]
pub struct EvalArgs {
    /// Config file. Default: `.roadmap-lint.yaml` in the working directory or the nearest
    /// folder above it, up to the repository's root (the folder holding `.git`).
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Use no config file, even if one is found.
    #[arg(long, conflicts_with = "config")]
    pub no_config: bool,
    /// Evaluation date (YYYY-MM-DD). Default: the config's `as_of`, else each document's `as_of`,
    /// else today.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub as_of: Option<Date>,
    /// Override a pack parameter, such as `--param deadline_2025=2025-12-31` (repeatable).
    #[arg(long = "param", value_name = "NAME=VALUE", value_parser = parse_param)]
    pub params: Vec<(String, String)>,
    /// Ignore the declarations' waivers: show the raw picture.
    #[arg(long)]
    pub no_waivers: bool,
    /// A waiver expiring within this many days is a warning [default: 30].
    #[arg(long, value_name = "DAYS", value_parser = clap::value_parser!(i64).range(0..=3650))]
    pub waiver_warning_days: Option<i64>,
    /// Name shown for standard input.
    #[arg(long, default_value = "<stdin>", value_name = "NAME")]
    pub stdin_name: String,
    /// Earlier declarations (a file or a folder, repeatable) for the rules that judge change,
    /// such as mobile access that should increase: each declaration sees the latest earlier
    /// one of its organisation as `ctx.previous`.
    #[arg(long, value_name = "PATH")]
    pub previous: Vec<String>,
    /// Compare each declaration with the declarations committed at a git revision (a branch,
    /// tag or commit, such as the pull request's base branch): its previous declaration is the
    /// latest earlier one of its organisation among the workspace's files at REV. Read from
    /// the repository, without the `git` program. `--previous` files come first.
    #[arg(long, value_name = "REV")]
    pub previous_rev: Option<String>,
    /// Judge the files given alone: no history, department declarations or portfolio from the
    /// rest of the workspace (the folder of the config, else the repository).
    #[arg(long)]
    pub no_workspace: bool,
    /// Read and write no cache.
    #[arg(long)]
    pub no_cache: bool,
    /// Where the cache is kept. Default: the config's `cache_dir`, else `.roadmap-lint-cache`
    /// in the workspace root when that is the config's folder or the repository's root (none
    /// in a plain folder).
    #[arg(long, value_name = "DIR", conflicts_with = "no_cache")]
    pub cache_dir: Option<PathBuf>,
    /// Most worker threads to use (default: one per core; never more than the inputs, nor four
    /// per core). The output is the same for any number.
    #[arg(long, short = 'j', value_name = "N", value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub jobs: Option<u16>,
    #[command(flatten)]
    pub packs: PackArgs,
    #[command(flatten)]
    pub limits: LimitArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Never,
}

impl FailOn {
    /// The config file's spelling (`fail_on: warning`).
    pub fn parse(s: &str) -> Option<FailOn> {
        <FailOn as ValueEnum>::from_str(s, false).ok()
    }

    /// The lowest severity that fails, or `None` for never.
    pub fn threshold(self) -> Option<crate::finding::Severity> {
        use crate::finding::Severity;
        match self {
            FailOn::Error => Some(Severity::Error),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Never => None,
        }
    }
}

pub fn parse_date(s: &str) -> Result<Date, String> {
    Date::parse(s).ok_or_else(|| format!("`{s}` is not a date in the form YYYY-MM-DD"))
}

pub fn parse_param(s: &str) -> Result<(String, String), String> {
    s.split_once('=')
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .filter(|(k, _)| !k.is_empty())
        .ok_or_else(|| format!("`{s}` is not NAME=VALUE"))
}

/// A value of one of a library's format enums, by name: `names` lists them, `parse` reads one.
pub fn format_parser<T: Clone + Send + Sync + 'static>(
    names: &'static [&'static str],
    parse: fn(&str) -> Option<T>,
) -> impl clap::builder::TypedValueParser<Value = T> {
    clap::builder::TypedValueParser::try_map(
        clap::builder::PossibleValuesParser::new(names),
        move |s| parse(&s).ok_or_else(|| format!("unknown format `{s}`")),
    )
}
