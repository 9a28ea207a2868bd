//! `roadmap-lint init`: write a declaration, a proposal or a config file to fill in.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::args::{ColorChoice, PackArgs};
use super::output;
use crate::Exit;
use crate::date::Date;
use crate::diag::{Code, ToolDiagnostic};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InitKind {
    /// A department's declaration about itself.
    Department,
    /// A spend-control proposal.
    Proposal,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The organisation's short code, such as `DFE` (top-75 services are matched on it).
    #[arg(long, value_name = "ID", required_unless_present = "config")]
    pub organisation: Option<String>,
    /// What to write.
    #[arg(long, value_enum, default_value = "department")]
    pub kind: InitKind,
    /// Write a commented `.roadmap-lint.yaml` instead.
    #[arg(long, conflicts_with_all = ["organisation", "kind"])]
    pub config: bool,
    /// Where to write it. Default: `ID.yaml` (lower case) for a declaration, `proposal.yaml`,
    /// or `.roadmap-lint.yaml`.
    #[arg(long, short, value_name = "PATH")]
    pub output: Option<PathBuf>,
    /// Replace a file that exists.
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub packs: PackArgs,
}

pub fn run(args: InitArgs) -> Exit {
    let style = output::err_style(ColorChoice::Auto);
    let (text, default) = if args.config {
        (
            crate::init::config_template(),
            PathBuf::from(crate::config::FILE_NAME),
        )
    } else {
        let (rules, diagnostics) = crate::docs::load(&args.packs.sources());
        output::eprint_diagnostics(&diagnostics, style);
        let Some(rules) = rules else {
            return Exit::ToolError;
        };
        let organisation = args.organisation.clone().unwrap_or_default();
        let (name, services) = crate::init::listed(&rules, &organisation);
        let kind = match args.kind {
            InitKind::Department => "department",
            InitKind::Proposal => "proposal",
        };
        let request = crate::init::Request {
            kind,
            organisation: &organisation,
            name: name.as_deref(),
            services: if args.kind == InitKind::Department {
                &services
            } else {
                &[]
            },
            today: Date::today(),
        };
        let default = match args.kind {
            InitKind::Department => PathBuf::from(format!("{}.yaml", organisation.to_lowercase())),
            InitKind::Proposal => PathBuf::from("proposal.yaml"),
        };
        (crate::init::template(&request, &rules), default)
    };
    let path = args.output.unwrap_or(default);
    if !args.force && std::fs::symlink_metadata(&path).is_ok() {
        return output::fail(
            &[ToolDiagnostic::new(
                Code::NewExists,
                format!("{} already exists", crate::load::shown(&path)),
            )
            .help("name another file with --output, or pass --force to replace it")],
            style,
        );
    }
    if let Err(e) = crate::scaffold::write_atomic(&path, &text) {
        return output::fail(
            &[ToolDiagnostic::new(
                Code::NewWrite,
                format!("cannot write {}: {e}", crate::load::shown(&path)),
            )
            .help("check that the folder can be written")],
            style,
        );
    }
    let shown = crate::load::shown(&path);
    output::print(&crate::render::escape::terminal_text(&if args.config {
        format!("wrote {shown}\n")
    } else {
        format!(
            "wrote {shown}\nnext: fill in each TODO; `roadmap-lint check {shown}` lists those left, at their lines\n"
        )
    }));
    Exit::Clean
}
