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
        let default = PathBuf::from(crate::config::FILE_NAME);
        let schema = Schema::for_file(&args, &default, "config");
        Ok((
            crate::init::config_template(&schema.modeline),
            default,
            schema,
        ))
    } else {
        template(&args, style)
    };
    match made {
        Ok((text, default, schema)) => write(&args, &text, default, &schema, style),
        Err(exit) => exit,
    }
}

/// The schema a written file's modeline names: a local copy under the project's root
/// ([`crate::init::SCHEMA_DIR`]), which `init` writes beside the file when it is missing or out
/// of date, so that the editor finds it offline.
struct Schema {
    /// The path the modeline names, relative to the file's folder.
    modeline: String,
    /// The folder of the local copies.
    dir: PathBuf,
}

impl Schema {
    fn for_file(args: &InitArgs, default: &std::path::Path, kind: &str) -> Schema {
        let path = args.output.clone().unwrap_or_else(|| default.to_path_buf());
        let folder = match path.parent() {
            Some(p) if path.as_os_str() != "-" && !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let folder = std::path::absolute(&folder).unwrap_or(folder);
        let dir = crate::init::project_root(&folder).join(crate::init::SCHEMA_DIR);
        let file = dir.join(format!("{kind}.schema.json"));
        Schema {
            modeline: crate::init::relative(&folder, &file),
            dir,
        }
    }
}

/// Write the schemas into `dir` where they are missing or differ from this version's; returns
/// the files written.
pub fn write_schemas(dir: &std::path::Path) -> std::io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let mut written = Vec::new();
    for (name, text) in crate::init::schema_files() {
        let path = dir.join(name);
        // A pipe there is refused by the writer, never read (reading one would block).
        let regular = crate::write::refuse_unless_regular(&path).is_ok();
        if regular && std::fs::read_to_string(&path).is_ok_and(|t| t == text) {
            continue;
        }
        crate::scaffold::write_atomic(&path, text)?;
        written.push(path);
    }
    Ok(written)
}

/// The declaration or proposal template, and the file it goes to by default.
fn template(
    args: &InitArgs,
    style: crate::report::human::Style,
) -> Result<(String, PathBuf, Schema), Exit> {
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
    // never name a folder, climb out of this one or carry control characters; and it starts
    // with a letter or digit, so that `-` (standard input or output elsewhere) never names a
    // file `-.yaml`, nor a code a file that reads as an option.
    let plain = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    if !organisation.starts_with(|c: char| c.is_ascii_alphanumeric())
        || organisation.len() > 40
        || !organisation.chars().all(plain)
    {
        return Err(output::fail(
            &[ToolDiagnostic::new(
                Code::NewWrite,
                format!(
                    "`{}` is not an organisation code",
                    crate::render::escape::terminal_line(&organisation)
                ),
            )
            .help(
                "an organisation code is 1 to 40 letters, digits, `-` or `_`, starting with a letter or digit, such as DFE or HMRC",
            )],
            style,
        ));
    }
    let (name, services) = crate::init::listed(&rules, &organisation);
    // Codes are those of the organisations register and the top-75 list, matched in any case;
    // a code neither knows gets a suggestion.
    let mut codes = crate::init::top75_codes(&rules);
    codes.extend(rules.organisations.codes().map(str::to_string));
    let organisation = codes
        .iter()
        .find(|c| c.eq_ignore_ascii_case(&organisation))
        .cloned()
        .unwrap_or(organisation);
    let registered = rules.organisations.get(&organisation);
    let name = name.or_else(|| registered.map(|o| o.name.clone()));
    if args.kind == InitKind::Department && services.is_empty() {
        let note = match registered {
            Some(o) => format!(
                "note: {} ({}) is in the organisations register but runs no top-75 service, so none are filled in",
                crate::render::escape::terminal_line(&organisation),
                crate::render::escape::terminal_line(&o.name)
            ),
            None => format!(
                "note: {} is not in the organisations register, so no name or top-75 services are filled in; {}",
                crate::render::escape::terminal_line(&organisation),
                crate::init::organisation_help(&organisation, &codes)
            ),
        };
        output::eprint_line(&note);
    }
    let kind = match args.kind {
        InitKind::Department => "department",
        InitKind::Proposal => "proposal",
    };
    let default = match args.kind {
        InitKind::Department => PathBuf::from(format!("{}.yaml", organisation.to_lowercase())),
        InitKind::Proposal => PathBuf::from("proposal.yaml"),
    };
    let schema = Schema::for_file(args, &default, kind);
    let request = crate::init::Request {
        kind,
        organisation: &organisation,
        name: name.as_deref(),
        schema: &schema.modeline,
        services: if args.kind == InitKind::Department {
            &services
        } else {
            &[]
        },
        today: Date::today(),
    };
    Ok((crate::init::template(&request, &rules), default, schema))
}

/// Write the template where `--output` says, or to its default file.
fn write(
    args: &InitArgs,
    text: &str,
    default: PathBuf,
    schema: &Schema,
    style: crate::report::human::Style,
) -> Exit {
    let path = args.output.clone().unwrap_or(default);
    if path.as_os_str() == "-" {
        if let Some(d) = output::print_report(text, "template") {
            return output::fail(&[d], style);
        }
        output::eprint_line(&format!(
            "note: its first line names the schema at {}; `roadmap-lint schema --write` writes it there",
            crate::render::escape::terminal_line(&schema.modeline)
        ));
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
    let mut said = format!("wrote {shown}\n");
    match write_schemas(&schema.dir) {
        Ok(written) if !written.is_empty() => said.push_str(&format!(
            "wrote the schemas your editor reads (yaml-language-server) in {}\n",
            std::env::current_dir()
                .map(|cwd| crate::init::relative(&cwd, &schema.dir))
                .unwrap_or_else(|_| crate::load::shown(&schema.dir))
        )),
        Ok(_) => {}
        Err(e) => said.push_str(&format!(
            "note: could not write the schemas in {} ({e}); the editor will not find the one named on the first line\n",
            crate::load::shown(&schema.dir)
        )),
    }
    if !args.config {
        said.push_str(&format!(
            "next: fill in each TODO; `roadmap-lint check --format concise {shown}` lists those left, one a line\n"
        ));
    }
    output::print(&crate::render::escape::terminal_text(&said));
    Exit::Clean
}
