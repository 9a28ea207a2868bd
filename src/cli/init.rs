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
    /// Needed for a department's declaration; a proposal leaves it to fill in when not given.
    #[arg(long, value_name = "ID")]
    pub organisation: Option<String>,
    /// What to write.
    #[arg(long, value_enum, default_value = "department")]
    pub kind: InitKind,
    /// Write a commented `.roadmap-lint.yaml` instead.
    #[arg(long, conflicts_with_all = ["organisation", "kind"])]
    pub config: bool,
    /// Where to write it. Default: `ID.yaml` (lower case) for a declaration, `proposal.yaml`,
    /// or `.roadmap-lint.yaml`; `-` prints it instead.
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
    let made = if args.config {
        Ok((
            crate::init::config_template(),
            PathBuf::from(crate::config::FILE_NAME),
        ))
    } else {
        template(&args, style)
    };
    match made {
        Ok((text, default)) => write(&args, &text, default, style),
        Err(exit) => exit,
    }
}

/// The declaration or proposal template, and the file it goes to by default.
fn template(
    args: &InitArgs,
    style: crate::report::human::Style,
) -> Result<(String, PathBuf), Exit> {
    if args.kind == InitKind::Department && args.organisation.is_none() {
        return Err(output::fail(
            &[ToolDiagnostic::new(
                Code::InputNone,
                "a department's declaration needs its organisation: give --organisation CODE",
            )
            .help("such as `roadmap-lint init --organisation DFE`; `--kind proposal` writes a proposal, `--config` a config file")],
            style,
        ));
    }
    let (rules, diagnostics) = crate::docs::load(&args.packs.sources());
    output::eprint_diagnostics(&diagnostics, style);
    let Some(rules) = rules else {
        return Err(Exit::ToolError);
    };
    let organisation = args
        .organisation
        .clone()
        .unwrap_or_else(|| "TODO".to_string());
    // The code names the file written: letters, digits, `-` and `_` only, so that it can
    // never name a folder, climb out of this one or carry control characters.
    let plain = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    if organisation.is_empty() || organisation.len() > 40 || !organisation.chars().all(plain) {
        return Err(output::fail(
            &[ToolDiagnostic::new(
                Code::NewWrite,
                format!(
                    "`{}` is not an organisation code",
                    crate::render::escape::terminal_line(&organisation)
                ),
            )
            .help(
                "an organisation code is 1 to 40 letters, digits, `-` or `_`, such as DFE or HMRC",
            )],
            style,
        ));
    }
    let (name, services) = crate::init::listed(&rules, &organisation);
    // Top-75 codes are upper case; a code the list does not know gets a suggestion.
    let codes = crate::init::top75_codes(&rules);
    let organisation = codes
        .iter()
        .find(|c| c.eq_ignore_ascii_case(&organisation))
        .cloned()
        .unwrap_or(organisation);
    if args.kind == InitKind::Department && name.is_none() {
        let names: Vec<&str> = codes.iter().map(String::as_str).collect();
        output::eprint_line(&format!(
            "note: {} is not a department on the top-75 list, so no top-75 services are filled in; {}",
            crate::render::escape::terminal_line(&organisation),
            crate::suggest::help(&organisation.to_uppercase(), "code", &names)
        ));
    }
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
    Ok((crate::init::template(&request, &rules), default))
}

/// Write the template where `--output` says, or to its default file.
fn write(
    args: &InitArgs,
    text: &str,
    default: PathBuf,
    style: crate::report::human::Style,
) -> Exit {
    let path = args.output.clone().unwrap_or(default);
    if path.as_os_str() == "-" {
        output::print(text);
        return Exit::Clean;
    }
    if path.is_dir() {
        return output::fail(
            &[ToolDiagnostic::new(
                Code::NewWrite,
                format!("{} is a folder", crate::load::shown(&path)),
            )
            .help("name a file with --output, such as --output declarations/dfe.yaml")],
            style,
        );
    }
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
    if let Err(e) = crate::scaffold::write_atomic(&path, text) {
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
