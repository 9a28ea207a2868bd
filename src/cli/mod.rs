//! The command line: argument definitions, the merge of config file and flags, and printing.
//! This is the only part of the crate that parses flags, prints or decides an exit code; the
//! rest is the library it drives (see the crate documentation), and no module outside this
//! folder names it.

pub mod args;
mod check;
mod config;
mod eval;
mod fix;
mod init;
mod output;
mod progress;
mod review;
mod rules;
mod score;
mod server;
pub mod settings;
mod test;
mod watch;

use clap::{Parser, Subcommand};

use crate::Exit;

#[derive(Debug, Parser)]
#[command(
    name = "roadmap-lint",
    version,
    about = "Lints department declarations and spend-control proposals against the UK government's 2022-25 Roadmap for Digital and Data.",
    long_about = None
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check declarations and proposals against the rules.
    Check(check::CheckArgs),
    /// Review a spend-control proposal against the rules and its department's declaration.
    Review(review::ReviewArgs),
    /// Score compliance by department, mission and commitment (see docs/scoring.md).
    Score(score::ScoreArgs),
    /// Show progress over time: scores at each snapshot of a series of declarations, what
    /// improved and regressed, and the findings fixed and introduced between snapshots.
    Progress(progress::ProgressArgs),
    /// List the rules.
    Rules(rules::RulesArgs),
    /// Print the documentation of a rule or of a built-in diagnostic code.
    Explain(rules::ExplainArgs),
    /// Print a JSON Schema (for editors and other validators).
    Schema(rules::SchemaArgs),
    /// Run rule packs' fixtures (each rule's YAML files in `fixtures/<rule-id>/`): a finding must start on each line marked `# expect: RULE-ID`
    /// (`# expect-warning:` or `# expect-info:` for other severities; several ids separated by
    /// commas), and nowhere else. A fixture without markers must produce no findings.
    Test(test::TestArgs),
    /// Evaluate a Rhai expression with `doc` bound to a document of FILE and `ctx` to what a
    /// rule of the pack sees, the pack's library imported; print the value as JSON.
    Eval(eval::EvalCmdArgs),
    /// Scaffold a new rule, with a failing and a passing fixture.
    New(test::NewArgs),
    /// Write a declaration (or proposal, or config file) to fill in: every field, with what it
    /// means and the target it is judged against.
    Init(init::InitArgs),
    /// Show the config file in force and, with `--show`, its settings merged with the files it
    /// extends.
    Config(config::ConfigArgs),
    /// Run the language server over standard input and output (for editors; see docs/editors.md).
    Server(server::ServerArgs),
    /// Print a shell completion script, such as `roadmap-lint completions bash > roadmap-lint.bash`.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

/// Run the parsed command line; returns the exit code. The command runs on a thread with the
/// stack that rule code and the walks of the deepest document the limits allow need
/// (`engine::budget::STACK_BYTES`): a file checked alone is checked on this thread.
pub fn run(cli: Cli) -> Exit {
    // The worker pool, once and first: anything parallel (reading packs, finding the
    // workspace's files) runs on workers with the stack rule code needs, at most `--jobs` of
    // them.
    let jobs = match &cli.command {
        Command::Check(a) => a.eval.jobs,
        Command::Review(a) => a.eval.jobs,
        Command::Score(a) => a.eval.jobs,
        Command::Progress(a) => a.eval.jobs,
        _ => None,
    };
    crate::parallel::set_jobs(jobs.map(usize::from), usize::MAX);
    crate::engine::budget::on_large_stack(|| command(cli)).unwrap_or_else(|| {
        output::fail(
            &[crate::diag::ToolDiagnostic::new(
                crate::diag::Code::InputUnreadable,
                "no thread with the stack a check needs could be started".to_string(),
            )
            .help("the process is at its limit of threads or address space (`ulimit -v`)")],
            output::err_style(args::ColorChoice::Auto),
        )
    })
}

fn command(cli: Cli) -> Exit {
    match cli.command {
        Command::Check(args) => check::run(args),
        Command::Review(args) => review::run(args),
        Command::Score(args) => score::run(args),
        Command::Progress(args) => progress::run(args),
        Command::Rules(args) => rules::list(args),
        Command::Explain(args) => rules::explain(args),
        Command::Schema(args) => rules::schema(args),
        Command::Test(args) => test::run(args),
        Command::New(args) => test::new_rule(args),
        Command::Eval(args) => eval::run(args),
        Command::Init(args) => init::run(args),
        Command::Server(args) => server::run(args),
        Command::Config(args) => config::run(args),
        Command::Completions { shell } => {
            output::print(&rules::completions(shell));
            Exit::Clean
        }
    }
}
