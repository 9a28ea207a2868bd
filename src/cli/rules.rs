//! `rules`, `explain`, `schema` and `completions`: the commands that describe the tool.

use clap::{Args, ValueEnum};

use super::args::PackArgs;
use super::output;
use crate::Exit;
use crate::diag::{Code, ToolDiagnostic};
use crate::render::escape::{terminal_line, terminal_text};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Human,
    Json,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    #[arg(long, value_enum, default_value = "human")]
    pub format: ListFormat,
    #[command(flatten)]
    pub packs: PackArgs,
    #[command(flatten)]
    pub config: ConfigArgs,
}

/// The config file whose rule folders (`rules:`) and `builtin:` the describing commands read.
#[derive(Debug, Clone, Args)]
pub struct ConfigArgs {
    /// Config file. Default: `.roadmap-lint.yaml` in the working directory or the nearest
    /// folder above it, up to the repository's root.
    #[arg(long, value_name = "PATH")]
    pub config: Option<std::path::PathBuf>,
    /// Use no config file, even if one is found.
    #[arg(long, conflicts_with = "config")]
    pub no_config: bool,
}

impl ConfigArgs {
    /// The packs the config and `packs` name.
    fn sources(&self, packs: &PackArgs) -> Result<crate::pack::PackSources, Vec<ToolDiagnostic>> {
        super::settings::pack_sources(self.config.as_deref(), self.no_config, packs)
    }
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A rule id, such as `one-login-strategy-overdue`, or a built-in code, such as
    /// `waiver-expired`.
    pub id: String,
    #[command(flatten)]
    pub packs: PackArgs,
    #[command(flatten)]
    pub config: ConfigArgs,
}

#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Which schema: a document kind, the config file, or a report.
    #[arg(value_enum, required_unless_present = "write")]
    pub kind: Option<SchemaKind>,
    /// Write the schemas editors read (department, proposal, config, targets, record) into DIR instead
    /// [default: .roadmap-lint/schemas, the folder `init` names in its files' first line]. Each
    /// file is replaced whole, and only when it differs.
    #[arg(long, value_name = "DIR", num_args = 0..=1, default_missing_value = crate::init::SCHEMA_DIR, conflicts_with = "kind")]
    pub write: Option<std::path::PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SchemaKind {
    /// A department declaration.
    Department,
    /// A spend-control proposal.
    Proposal,
    /// The config file, `.roadmap-lint.yaml`.
    Config,
    /// A department-level targets file.
    Targets,
    /// The `check --format json` report.
    Report,
    /// The `progress --format json` report.
    Progress,
    /// The `review --format json` report (the assessment record).
    Review,
    /// The assessors' record file read by `review --record`.
    Record,
    /// A rule pack's manifest, `pack.yaml`.
    Pack,
    /// A rule pack's organisations register (its data file `organisations`).
    Organisations,
}

fn diagnostics_style() -> crate::report::human::Style {
    output::err_style(super::args::ColorChoice::Auto)
}

pub fn list(args: RulesArgs) -> Exit {
    let sources = match args.config.sources(&args.packs) {
        Ok(s) => s,
        Err(d) => return output::fail(&d, diagnostics_style()),
    };
    let (rules, diagnostics) = crate::docs::load(&sources);
    output::eprint_diagnostics(&diagnostics, diagnostics_style());
    let Some(rules) = rules else {
        return Exit::ToolError;
    };
    let text = crate::docs::rules_list(&rules, args.format == ListFormat::Json);
    // A pack's titles are third-party text on their way to a terminal.
    output::print(&if args.format == ListFormat::Json {
        text
    } else {
        terminal_text(&text).into_owned()
    });
    Exit::Clean
}

pub fn explain(args: ExplainArgs) -> Exit {
    let sources = match args.config.sources(&args.packs) {
        Ok(s) => s,
        Err(d) => return output::fail(&d, diagnostics_style()),
    };
    let (rules, diagnostics) = crate::docs::load(&sources);
    output::eprint_diagnostics(&diagnostics, diagnostics_style());
    let Some(rules) = rules else {
        return Exit::ToolError;
    };
    if let Some((pack, rule)) = rules.find(&args.id) {
        output::print(&terminal_text(&crate::docs::explain_text(
            &rules, pack, rule,
        )));
        return Exit::Clean;
    }
    if let Some(code) = Code::from_id(&args.id) {
        output::print(&code.explain());
        return Exit::Clean;
    }
    let mut names: Vec<&str> = rules.rules().map(|(_, r)| r.id.as_str()).collect();
    names.extend(Code::ALL.iter().map(|c| c.id()));
    output::fail(
        &[ToolDiagnostic::new(
            Code::ExplainUnknown,
            format!(
                "no rule or diagnostic code is called `{}`",
                terminal_line(&args.id)
            ),
        )
        .help({
            let hint = crate::suggest::help(&args.id, "id", &names);
            if hint.ends_with('?') {
                format!("{hint} `roadmap-lint rules` lists the rules")
            } else {
                format!("{hint}; `roadmap-lint rules` lists the rules")
            }
        })],
        diagnostics_style(),
    )
}

pub fn schema(args: SchemaArgs) -> Exit {
    if let Some(dir) = &args.write {
        // The default folder is the project's, as `init` names it, wherever in it this runs.
        let dir = if dir.as_os_str() == crate::init::SCHEMA_DIR {
            let here = std::path::PathBuf::from(".");
            let root = crate::init::project_root(&here);
            let cwd = std::env::current_dir().unwrap_or(here);
            std::path::PathBuf::from(crate::init::relative(&cwd, &root))
                .join(crate::init::SCHEMA_DIR)
        } else {
            dir.clone()
        };
        return match super::init::write_schemas(&dir) {
            Ok(written) => {
                let mut said = String::new();
                for path in &written {
                    said.push_str(&format!("wrote {}\n", crate::load::shown(path)));
                }
                if written.is_empty() {
                    said.push_str(&format!(
                        "the schemas in {} are up to date\n",
                        crate::load::shown(&dir)
                    ));
                }
                output::print(&terminal_text(&said));
                Exit::Clean
            }
            Err(e) => output::fail(
                &[ToolDiagnostic::new(
                    Code::OutputUnwritable,
                    format!(
                        "cannot write the schemas in {}: {e}",
                        crate::load::shown(&dir)
                    ),
                )
                .help("check that the folder can be created and written")],
                diagnostics_style(),
            ),
        };
    }
    let Some(kind) = args.kind else {
        return Exit::ToolError;
    };
    let text = match kind {
        SchemaKind::Department => crate::schema::DEPARTMENT,
        SchemaKind::Proposal => crate::schema::PROPOSAL,
        SchemaKind::Config => crate::config::SCHEMA,
        SchemaKind::Targets => crate::targets::SCHEMA,
        SchemaKind::Report => crate::report::json::SCHEMA,
        SchemaKind::Progress => crate::progress::SCHEMA,
        SchemaKind::Review => crate::review::json::SCHEMA,
        SchemaKind::Record => crate::review::record::SCHEMA,
        SchemaKind::Pack => crate::gendocs::pack_reference::SCHEMA,
        SchemaKind::Organisations => crate::pack::organisations::SCHEMA,
    };
    output::print(text);
    Exit::Clean
}

/// The completion script for a shell.
///
/// clap_complete's bash script mangles a hyphenated name two ways: the words it tracks become
/// `roadmap__lint__subcmd__check`, the `case` labels `roadmap__subcmd__lint__subcmd__check`, so
/// nothing after the subcommand ever completed. The labels are put right here (a test
/// completes `check --fo` in a real bash).
pub fn completions(shell: clap_complete::Shell) -> String {
    let mut cmd = <super::Cli as clap::CommandFactory>::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, "roadmap-lint", &mut out);
    let text = String::from_utf8_lossy(&out).into_owned();
    match shell {
        clap_complete::Shell::Bash => text.replace("roadmap__subcmd__lint", "roadmap__lint"),
        _ => text,
    }
}
